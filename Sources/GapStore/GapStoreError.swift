public import LMDB

/// Why a store operation failed: a stable ``code`` for programs and a ``message`` for people
/// that says what to do next. A failed operation changes nothing.
public struct GapStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The families of failure.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// No gap, submission, account or opportunity has that id.
        case notFound = "not-found"
        /// A field is missing, empty, too long or malformed.
        case invalidField = "invalid-field"
        /// A category or subcategory that is not in the store's taxonomy.
        case unknownCategory = "unknown-category"
        /// A status name that is not one of the seven.
        case unknownStatus = "unknown-status"
        /// A status change the workflow does not allow (or one missing its required note).
        case illegalTransition = "illegal-transition"
        /// The operation conflicts with a merge: merging a merged gap, a merge cycle,
        /// unmerging a gap that is not merged, changing a merged gap.
        case mergeConflict = "merge-conflict"
        /// Something with that name or id already exists.
        case alreadyExists = "already-exists"
        /// A money amount in another currency than the store's.
        case currencyMismatch = "currency-mismatch"
        /// The store was written by a newer version of gapsearch.
        case schemaTooNew = "schema-too-new"
        /// A stored record could not be decoded.
        case corruptRecord = "corrupt-record"
        /// The storage engine failed (disk full, map ceiling reached, permissions…).
        case storage = "storage"
    }

    /// The family of the failure.
    public let code: Code
    /// What went wrong and what to do about it.
    public let message: String
    /// The storage error behind a ``Code/storage`` failure.
    public let underlying: LMDBError?

    /// Creates an error.
    public init(_ code: Code, _ message: String, underlying: LMDBError? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }
}

extension GapStoreError.Code {
    /// Lets `catch GapStoreError.Code.notFound` match any error of that family.
    public static func ~= (code: GapStoreError.Code, error: any Error) -> Bool {
        (error as? GapStoreError)?.code == code
    }
}

extension GapStoreError {
    init(storage error: LMDBError, while doing: String) {
        let advice: String
        switch error {
        case .mapFull: advice = "the store reached its size ceiling; raise it (GapStore.Options.maxMapSize) or free space"
        case .noSpace: advice = "the disk is full; free space and retry"
        case .permissionDenied: advice = "check the store's permissions, or whether it was opened read-only"
        case .readersFull: advice = "too many concurrent readers; retry or raise the reader limit"
        case .invalid, .corrupted, .pageNotFound: advice = "the store's files are damaged; restore a backup"
        case .notADirectory: advice = "a store is a directory: give the path of a new directory or of one holding a store"
        default: advice = "retry; if it persists, run `gapsearch verify`"
        }
        self.init(.storage, "storage failure while \(doing): \(error) — \(advice)", underlying: error)
    }
}
