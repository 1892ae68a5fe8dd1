internal import CLMDB

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// An error reported by LMDB, or by the operating system through LMDB.
///
/// The ``code`` is LMDB's return code: one of the `MDB_*` codes (all negative) or a positive
/// `errno` value such as `ENOSPC` or `EACCES`. ``name`` is a stable identifier for scripts and
/// logs (`"MDB_MAP_FULL"`, `"ENOSPC"`), and ``message`` is `mdb_strerror`'s text.
///
/// Two errors are equal when their codes are equal; ``detail`` is extra context for people and
/// takes no part in comparisons. Match families with `~=`:
///
/// ```swift
/// do { try env.write { txn in try txn.put(value, forKey: key, in: db) } }
/// catch LMDBError.mapFull { … }
/// ```
///
/// "Not found" is never thrown by lookups: they return `nil` instead.
public struct LMDBError: Error, Hashable, Sendable, CustomStringConvertible {
    /// LMDB's return code (`MDB_*`) or an `errno` value.
    public let code: Int32
    /// Context added by this wrapper, such as the map size ceiling that was reached.
    public let detail: String?

    /// Creates an error for an LMDB return code.
    public init(code: Int32, detail: String? = nil) {
        self.code = code
        self.detail = detail
    }

    public static func == (lhs: LMDBError, rhs: LMDBError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Lets `catch LMDBError.mapFull` match any error with that code, whatever its detail.
    public static func ~= (pattern: LMDBError, value: any Error) -> Bool {
        (value as? LMDBError)?.code == pattern.code
    }

    /// The text of `mdb_strerror` for ``code``, without the `MDB_…:` prefix LMDB puts on its
    /// own codes.
    public var message: String {
        let text = String(cString: mdb_strerror(code))
        let prefix = name + ": "
        return text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text
    }

    /// A stable, symbolic name for ``code`` (e.g. `MDB_MAP_FULL`, `ENOSPC`), or `"LMDB_<code>"`.
    public var name: String { Self.names[code] ?? "LMDB_\(code)" }

    public var description: String {
        var text = "\(name): \(message)"
        if let detail { text += " (\(detail))" }
        return text
    }

    /// Returns a copy carrying extra context for people.
    func adding(detail: String) -> LMDBError {
        LMDBError(code: code, detail: self.detail.map { "\($0); \(detail)" } ?? detail)
    }
}

extension LMDBError {
    /// `MDB_KEYEXIST`: the key (or key/value pair) is already present and overwriting was refused.
    public static let keyExists = LMDBError(code: MDB_KEYEXIST)
    /// `MDB_NOTFOUND`: no matching key or data item.
    public static let notFound = LMDBError(code: MDB_NOTFOUND)
    /// `MDB_PAGE_NOTFOUND`: a requested page was not found; usually a corrupted file.
    public static let pageNotFound = LMDBError(code: MDB_PAGE_NOTFOUND)
    /// `MDB_CORRUPTED`: a page has an unexpected type; the file is corrupted.
    public static let corrupted = LMDBError(code: MDB_CORRUPTED)
    /// `MDB_PANIC`: a fatal error earlier in this environment; it must be closed.
    public static let panic = LMDBError(code: MDB_PANIC)
    /// `MDB_VERSION_MISMATCH`: the environment was written by an incompatible LMDB version.
    public static let versionMismatch = LMDBError(code: MDB_VERSION_MISMATCH)
    /// `MDB_INVALID`: the file is not an LMDB data file.
    public static let invalid = LMDBError(code: MDB_INVALID)
    /// `MDB_MAP_FULL`: the memory map is full. ``Environment`` grows the map and retries the
    /// write by itself; callers see this only once the configured ceiling is reached.
    public static let mapFull = LMDBError(code: MDB_MAP_FULL)
    /// `MDB_DBS_FULL`: more named databases than the environment was opened for.
    public static let databasesFull = LMDBError(code: MDB_DBS_FULL)
    /// `MDB_READERS_FULL`: every reader slot is taken.
    public static let readersFull = LMDBError(code: MDB_READERS_FULL)
    /// `MDB_TLS_FULL`: too many thread-local keys (not used with `MDB_NOTLS`).
    public static let tlsFull = LMDBError(code: MDB_TLS_FULL)
    /// `MDB_TXN_FULL`: the transaction has too many dirty pages.
    public static let transactionFull = LMDBError(code: MDB_TXN_FULL)
    /// `MDB_CURSOR_FULL`: the cursor stack is too deep; an internal error.
    public static let cursorFull = LMDBError(code: MDB_CURSOR_FULL)
    /// `MDB_PAGE_FULL`: a page has no more space; an internal error.
    public static let pageFull = LMDBError(code: MDB_PAGE_FULL)
    /// `MDB_MAP_RESIZED`: another process grew the map. ``Environment`` adopts the new size
    /// and retries by itself.
    public static let mapResized = LMDBError(code: MDB_MAP_RESIZED)
    /// `MDB_INCOMPATIBLE`: the operation or the database flags do not match the database.
    public static let incompatible = LMDBError(code: MDB_INCOMPATIBLE)
    /// `MDB_BAD_RSLOT`: a reader slot was misused.
    public static let badReaderSlot = LMDBError(code: MDB_BAD_RSLOT)
    /// `MDB_BAD_TXN`: the transaction must be aborted (it failed earlier or has a child).
    public static let badTransaction = LMDBError(code: MDB_BAD_TXN)
    /// `MDB_BAD_VALSIZE`: a key is empty or longer than the maximum key size, or a value is too
    /// large.
    public static let badValueSize = LMDBError(code: MDB_BAD_VALSIZE)
    /// `MDB_BAD_DBI`: the database handle changed or is not valid in this transaction.
    public static let badDatabase = LMDBError(code: MDB_BAD_DBI)

    /// `EACCES`: permission denied, or a write attempted in a read-only transaction or
    /// environment.
    public static let permissionDenied = LMDBError(code: EACCES)
    /// `ENOENT`: the environment's directory or files do not exist.
    public static let noSuchFile = LMDBError(code: ENOENT)
    /// `ENOSPC`: the disk is full.
    public static let noSpace = LMDBError(code: ENOSPC)
    /// `ENOMEM`: out of memory, or the map could not be mapped at the requested size.
    public static let outOfMemory = LMDBError(code: ENOMEM)
    /// `EINVAL`: an invalid parameter, such as an unknown flag combination.
    public static let invalidArgument = LMDBError(code: EINVAL)
    /// `EIO`: a low-level I/O error.
    public static let ioError = LMDBError(code: EIO)
    /// `EAGAIN`: the environment's lock could not be taken.
    public static let tryAgain = LMDBError(code: EAGAIN)
    /// `EBUSY`: the resource is busy.
    public static let busy = LMDBError(code: EBUSY)
    /// `EEXIST`: the destination already exists (for example a backup target).
    public static let fileExists = LMDBError(code: EEXIST)
    /// `ENOTDIR`: a path component is not a directory.
    public static let notADirectory = LMDBError(code: ENOTDIR)

    private static let names: [Int32: String] = [
        MDB_KEYEXIST: "MDB_KEYEXIST", MDB_NOTFOUND: "MDB_NOTFOUND",
        MDB_PAGE_NOTFOUND: "MDB_PAGE_NOTFOUND", MDB_CORRUPTED: "MDB_CORRUPTED",
        MDB_PANIC: "MDB_PANIC", MDB_VERSION_MISMATCH: "MDB_VERSION_MISMATCH",
        MDB_INVALID: "MDB_INVALID", MDB_MAP_FULL: "MDB_MAP_FULL", MDB_DBS_FULL: "MDB_DBS_FULL",
        MDB_READERS_FULL: "MDB_READERS_FULL", MDB_TLS_FULL: "MDB_TLS_FULL",
        MDB_TXN_FULL: "MDB_TXN_FULL", MDB_CURSOR_FULL: "MDB_CURSOR_FULL",
        MDB_PAGE_FULL: "MDB_PAGE_FULL", MDB_MAP_RESIZED: "MDB_MAP_RESIZED",
        MDB_INCOMPATIBLE: "MDB_INCOMPATIBLE", MDB_BAD_RSLOT: "MDB_BAD_RSLOT",
        MDB_BAD_TXN: "MDB_BAD_TXN", MDB_BAD_VALSIZE: "MDB_BAD_VALSIZE",
        MDB_BAD_DBI: "MDB_BAD_DBI",
        EACCES: "EACCES", ENOENT: "ENOENT", ENOSPC: "ENOSPC", ENOMEM: "ENOMEM",
        EINVAL: "EINVAL", EIO: "EIO", EAGAIN: "EAGAIN", EBUSY: "EBUSY", EEXIST: "EEXIST",
        ENOTDIR: "ENOTDIR", EPERM: "EPERM", EROFS: "EROFS", EMFILE: "EMFILE",
    ]
}

/// Throws the ``LMDBError`` for a non-zero LMDB return code.
@inline(__always)
func check(_ rc: Int32) throws(LMDBError) {
    if rc != MDB_SUCCESS { throw LMDBError(code: rc) }
}
