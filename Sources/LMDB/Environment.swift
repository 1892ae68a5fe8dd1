internal import CLMDB
import Synchronization

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// An LMDB environment: one directory holding a memory-mapped data file and a lock file, with
/// any number of named databases inside.
///
/// Open it once per process and share it: the environment is thread-safe, and any number of
/// threads and processes may read while one writer (per environment, across processes) writes.
/// All access goes through closure-scoped transactions:
///
/// ```swift
/// let env = try Environment(path: "/var/lib/app/store")
/// let db = try env.openDatabase(named: "gaps")
/// try env.write { txn in try txn.put("hello", forKey: "greeting", in: db) }
/// let text = try env.read { txn in try txn.get("greeting", in: db).map { String(decoding: $0, as: UTF8.self) } }
/// ```
///
/// The map grows by itself: a write that fills it is rolled back, the map is doubled (up to
/// ``Options/maxMapSize``) and the write runs again. Growth made by another process is adopted
/// the same way.
///
/// Rules that keep it safe:
/// - Never begin a transaction while the same thread is inside one (no ``read(_:)`` or
///   ``write(_:)`` inside another's closure): a pending map resize would deadlock it.
/// - A ``write(_:)`` closure may run more than once (when the map grows), so keep side effects
///   other than the transaction's own out of it.
/// - Transactions are synchronous: never suspend (`await`) inside one.
public final class Environment: @unchecked Sendable {
    // @unchecked Sendable: MDB_env is thread-safe once open (MDB_NOTLS ties reader slots to
    // transactions, not threads); the mutable Swift state is behind `mapLock` or a Mutex.

    /// How to open an environment.
    public struct Options: Sendable, Hashable {
        /// Initial size of the memory map in bytes; the data file grows into it as needed, so a
        /// generous value costs address space, not disk. Default 64 MiB.
        public var mapSize: Int = 64 << 20
        /// Ceiling for automatic map growth; a write that needs more fails with
        /// ``LMDBError/mapFull`` and writes nothing. Default 1 TiB.
        public var maxMapSize: Int = 1 << 40
        /// Maximum number of named databases. Default 32.
        public var maxDatabases: Int = 32
        /// Maximum number of concurrent read transactions across all processes. Default 510.
        public var maxReaders: Int = 510
        /// Open read-only (`MDB_RDONLY`): the environment must exist; writes fail with
        /// ``LMDBError/permissionDenied``.
        public var readOnly: Bool = false

        /// The defaults.
        public init() {}

        /// Options with the given values, defaults elsewhere.
        public init(
            mapSize: Int = 64 << 20, maxMapSize: Int = 1 << 40, maxDatabases: Int = 32,
            maxReaders: Int = 510, readOnly: Bool = false
        ) {
            self.mapSize = mapSize
            self.maxMapSize = maxMapSize
            self.maxDatabases = maxDatabases
            self.maxReaders = maxReaders
            self.readOnly = readOnly
        }
    }

    let handle: OpaquePointer
    /// The directory holding `data.mdb` and `lock.mdb`.
    public let path: String
    /// The options the environment was opened with.
    public let options: Options

    private let mapLock = MapLock()
    /// Bumped (under the exclusive lock) whenever this process changes its map size, so that
    /// concurrent writers that all hit a full map grow it once.
    private var mapGeneration = 0
    private let databases = Mutex<[String: Database]>([:])

    /// Opens (and unless read-only, creates) the environment in directory `path`.
    ///
    /// A missing directory is created with mode 0700 and the data and lock files with mode
    /// 0600. Reader slots left behind by crashed processes are released (`mdb_reader_check`).
    /// Wraps `mdb_env_create`, `mdb_env_set_mapsize`, `mdb_env_set_maxdbs`,
    /// `mdb_env_set_maxreaders` and `mdb_env_open` with `MDB_NOTLS`.
    ///
    /// - Throws: ``LMDBError`` — ``LMDBError/noSuchFile`` for a read-only open of a missing
    ///   store, ``LMDBError/invalid`` or ``LMDBError/versionMismatch`` for a file that is not
    ///   a compatible LMDB environment, ``LMDBError/invalidArgument`` for nonsensical options.
    public init(path: String, options: Options = Options()) throws(LMDBError) {
        guard options.mapSize > 0, options.maxMapSize >= options.mapSize,
            options.maxDatabases >= 0, options.maxReaders > 0
        else {
            throw LMDBError.invalidArgument.adding(
                detail: "need 0 < mapSize <= maxMapSize, maxDatabases >= 0 and maxReaders > 0")
        }
        if !options.readOnly { try Self.makeDirectory(path) }

        var env: OpaquePointer?
        try check(mdb_env_create(&env))
        guard let env else { throw LMDBError.outOfMemory }
        do throws(LMDBError) {
            try check(mdb_env_set_mapsize(env, options.mapSize))
            try check(mdb_env_set_maxdbs(env, MDB_dbi(options.maxDatabases)))
            try check(mdb_env_set_maxreaders(env, UInt32(options.maxReaders)))
            var flags = UInt32(MDB_NOTLS)
            if options.readOnly { flags |= UInt32(MDB_RDONLY) }
            try check(mdb_env_open(env, path, flags, 0o600))
        } catch {
            mdb_env_close(env)
            throw error.adding(detail: "opening \(path)")
        }
        self.handle = env
        self.path = path
        self.options = options
        var dead: Int32 = 0
        _ = mdb_reader_check(env, &dead)
    }

    deinit {
        // No transaction can be open: each holds a reference to `self` for its duration.
        mdb_env_close(handle)
    }

    /// Whether the environment was opened read-only.
    public var isReadOnly: Bool { options.readOnly }

    /// The largest key LMDB accepts, in bytes (`mdb_env_get_maxkeysize`; 511 by default).
    public var maxKeySize: Int { Int(mdb_env_get_maxkeysize(handle)) }

    /// The LMDB library's version string (`mdb_version`).
    public static var libraryVersion: String { String(cString: mdb_version(nil, nil, nil)) }

    // MARK: - Databases

    /// Opens a named database, creating it when ``DatabaseFlags/create`` is given and the
    /// environment is writable. Handles are cached: opening the same name again returns the
    /// same handle. Call it at start-up, not inside another transaction.
    ///
    /// Wraps `mdb_dbi_open` in a transaction of its own.
    ///
    /// - Parameters:
    ///   - name: The database's name; `nil` opens the unnamed main database.
    ///   - flags: Ordering flags, plus ``DatabaseFlags/create`` to create a missing database.
    /// - Throws: ``LMDBError/notFound`` if it does not exist and may not be created,
    ///   ``LMDBError/databasesFull`` past ``Options/maxDatabases``,
    ///   ``LMDBError/incompatible`` if it exists with other ordering flags.
    public func openDatabase(named name: String?, flags: DatabaseFlags = [.create]) throws(LMDBError)
        -> Database
    {
        let key = name ?? ""
        if let cached = databases.withLock({ $0[key] }) {
            guard cached.flags == flags.subtracting(.create) else {
                throw LMDBError.incompatible.adding(
                    detail: "database \(key) is already open with other flags")
            }
            return cached
        }
        let create = flags.contains(.create) && !isReadOnly
        let openFlags = create ? flags : flags.subtracting(.create)
        // A handle opened in a transaction becomes the environment's when that transaction
        // commits; serialise opens so two threads never open the same database at once.
        return try databases.withLock { (cache) throws(LMDBError) -> Database in
            if let cached = cache[key] { return cached }
            let database = try withRawTransaction(readOnly: !create) { (txn) throws(LMDBError) in
                var dbi: MDB_dbi = 0
                try check(mdb_dbi_open(txn, name, openFlags.rawValue, &dbi))
                // LMDB 0.9 silently keeps an existing database's own ordering flags; refuse a
                // mismatch instead (throwing aborts the transaction, which closes the handle).
                var stored: UInt32 = 0
                try check(mdb_dbi_flags(txn, dbi, &stored))
                let requested = flags.subtracting(.create).rawValue
                guard stored & DatabaseFlags.persistent.rawValue == requested else {
                    throw LMDBError.incompatible.adding(
                        detail: "database \(key) exists with flags \(stored), opened with \(requested)")
                }
                return Database(dbi: dbi, name: name, flags: flags)
            }
            cache[key] = database
            return database
        }
    }

    // MARK: - Transactions

    /// Runs `body` in a read-only transaction: a consistent snapshot that writers committing
    /// meanwhile do not change.
    ///
    /// The transaction ends (`mdb_txn_abort`) when `body` returns or throws; it cannot escape
    /// the closure. Wraps `mdb_txn_begin` with `MDB_RDONLY`.
    ///
    /// - Throws: ``LMDBError/readersFull`` when every reader slot is taken, or whatever `body`
    ///   throws.
    public func read<R>(_ body: (borrowing Transaction) throws -> R) throws -> R {
        while true {
            let begun = try beginTransaction(readOnly: true)
            guard let raw = begun.handle else { continue }  // the map was resized: try again
            defer {
                mdb_txn_abort(raw)
                mapLock.unlock()
            }
            let transaction = Transaction(handle: raw, isReadOnly: true, poison: nil)
            return try body(transaction)
        }
    }

    /// Runs `body` in the write transaction and commits it when `body` returns; if `body`
    /// throws, everything it wrote is discarded and the error is rethrown.
    ///
    /// Only one write transaction runs at a time across all processes; this call waits for the
    /// others. When the map fills up, the transaction is rolled back, the map grows (doubling,
    /// up to ``Options/maxMapSize``) and `body` runs again from the start.
    ///
    /// Wraps `mdb_txn_begin`, `mdb_txn_commit` and `mdb_txn_abort`. After `mdb_txn_commit`
    /// the handle is never touched again, whether or not the commit succeeded.
    ///
    /// - Throws: ``LMDBError/mapFull`` with a detail once the ceiling is reached (nothing is
    ///   written), ``LMDBError/permissionDenied`` in a read-only environment, errors from the
    ///   commit such as ``LMDBError/noSpace``, or whatever `body` throws.
    public func write<R>(_ body: (borrowing Transaction) throws -> R) throws -> R {
        guard !isReadOnly else {
            throw LMDBError.permissionDenied.adding(detail: "the environment is open read-only")
        }
        while true {
            let begun = try beginTransaction(readOnly: false)
            guard let raw = begun.handle else { continue }
            var poison: Int32 = 0
            let result: R
            do {
                result = try withUnsafeMutablePointer(to: &poison) { poisonPointer in
                    let transaction = Transaction(handle: raw, isReadOnly: false, poison: poisonPointer)
                    return try body(transaction)
                }
            } catch {
                mdb_txn_abort(raw)
                mapLock.unlock()
                if poison == MDB_MAP_FULL {
                    try grow(after: begun.generation)
                    continue
                }
                throw error
            }
            if poison != 0 {
                // `body` swallowed an error that left the transaction unusable.
                mdb_txn_abort(raw)
                mapLock.unlock()
                if poison == MDB_MAP_FULL {
                    try grow(after: begun.generation)
                    continue
                }
                throw LMDBError(code: poison, detail: "the transaction failed earlier and was rolled back")
            }
            let rc = mdb_txn_commit(raw)  // frees `raw` whatever the outcome
            mapLock.unlock()
            if rc == MDB_MAP_FULL {
                try grow(after: begun.generation)
                continue
            }
            try check(rc)
            return result
        }
    }

    /// Begins a raw transaction holding the map lock shared. Returns a nil handle (lock
    /// released) when the map was resized by another process and the caller should retry.
    private func beginTransaction(readOnly: Bool) throws(LMDBError) -> (handle: OpaquePointer?, generation: Int) {
        mapLock.lockShared()
        let generation = mapGeneration
        var raw: OpaquePointer?
        let rc = mdb_txn_begin(handle, nil, readOnly ? UInt32(MDB_RDONLY) : 0, &raw)
        if rc == MDB_MAP_RESIZED {
            mapLock.unlock()
            try adoptResize(after: generation)
            return (nil, generation)
        }
        if rc != MDB_SUCCESS {
            mapLock.unlock()
            throw LMDBError(code: rc)
        }
        return (raw, generation)
    }

    /// A short internal transaction for typed-throws callers (opening databases, statistics).
    /// Read-only transactions are committed so that database handles opened in them persist.
    func withRawTransaction<R>(
        readOnly: Bool, _ body: (OpaquePointer) throws(LMDBError) -> R
    ) throws(LMDBError) -> R {
        while true {
            let begun = try beginTransaction(readOnly: readOnly)
            guard let raw = begun.handle else { continue }
            let result: R
            do throws(LMDBError) {
                result = try body(raw)
            } catch {
                mdb_txn_abort(raw)
                mapLock.unlock()
                if error.code == MDB_MAP_FULL && !readOnly {
                    try grow(after: begun.generation)
                    continue
                }
                throw error
            }
            let rc = mdb_txn_commit(raw)
            mapLock.unlock()
            if rc == MDB_MAP_FULL && !readOnly {
                try grow(after: begun.generation)
                continue
            }
            try check(rc)
            return result
        }
    }

    // MARK: - Map size

    /// Doubles the map (up to the ceiling) unless another writer of this process already grew
    /// it since `generation`.
    private func grow(after generation: Int) throws(LMDBError) {
        mapLock.lockExclusive()
        defer { mapLock.unlock() }
        guard mapGeneration == generation else { return }
        let current = rawInfo().me_mapsize
        guard current < options.maxMapSize else {
            throw LMDBError.mapFull.adding(
                detail: "the map is at its ceiling of \(current) bytes (Options.maxMapSize); nothing was written")
        }
        let target = current > options.maxMapSize / 2 ? options.maxMapSize : current * 2
        try check(mdb_env_set_mapsize(handle, target))
        mapGeneration += 1
    }

    /// Adopts the larger map size another process has set (`mdb_env_set_mapsize(env, 0)`).
    private func adoptResize(after generation: Int) throws(LMDBError) {
        mapLock.lockExclusive()
        defer { mapLock.unlock() }
        guard mapGeneration == generation else { return }
        try check(mdb_env_set_mapsize(handle, 0))
        mapGeneration += 1
    }

    func rawInfo() -> MDB_envinfo {
        var info = MDB_envinfo()
        mdb_env_info(handle, &info)
        return info
    }

    // MARK: - Maintenance

    /// Flushes the data file to disk (`mdb_env_sync` with force). Every commit already does
    /// this; the call is for callers that want to be explicit before a snapshot.
    public func sync() throws(LMDBError) {
        try check(mdb_env_sync(handle, 1))
    }

    /// Releases reader slots held by processes that no longer exist (`mdb_reader_check`).
    ///
    /// - Returns: How many stale slots were cleared.
    @discardableResult
    public func clearStaleReaders() throws(LMDBError) -> Int {
        var dead: Int32 = 0
        try check(mdb_reader_check(handle, &dead))
        return Int(dead)
    }

    /// Creates `path` (and missing parents) with mode 0700.
    private static func makeDirectory(_ path: String) throws(LMDBError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o700) != 0 {
                let code = errno
                var status = stat()
                if code != EEXIST || stat(prefix, &status) != 0 {
                    throw LMDBError(code: code, detail: "creating directory \(prefix)")
                }
                if status.st_mode & S_IFMT != S_IFDIR {
                    throw LMDBError.notADirectory.adding(detail: "\(prefix) is not a directory")
                }
            }
            prefix += "/"
        }
    }
}

@available(*, unavailable, message: "a transaction is confined to its closure")
extension Transaction: Sendable {}
