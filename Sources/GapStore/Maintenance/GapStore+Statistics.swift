internal import GapIndex
internal import LMDB

/// Sizes and counts of a store.
public struct StoreStatistics: Sendable, Hashable {
    public let path: String
    public let schemaVersion: UInt32
    public let currency: String
    public let gaps: Int
    public let submissions: Int
    public let accounts: Int
    public let opportunities: Int
    public let historyEntries: Int
    /// The last change log sequence number.
    public let lastChange: UInt64
    /// The change the persisted search index reflects (its newest segment; 0 without one).
    /// Searches index the changes after it in memory, in every process, until the index
    /// upkeep (``GapStore/Options/indexUpkeep``) persists them.
    public let searchIndexSequence: UInt64
    /// Bytes of the data file in use.
    public let usedBytes: Int
    /// The current memory map size.
    public let mapSize: Int
    /// Read transactions open right now, in any process.
    public let readers: Int
    /// The LMDB library in use.
    public let lmdbVersion: String
}

extension GapStore {
    /// Counts and sizes of the store.
    public func statistics() throws(GapStoreError) -> StoreStatistics {
        let counts = try read("reading statistics") { txn in
            (
                try txn.statistics(of: schema.gaps).entries, try txn.statistics(of: schema.submissions).entries,
                try txn.statistics(of: schema.accounts).entries, try txn.statistics(of: schema.opportunities).entries,
                try txn.statistics(of: schema.history).entries, try schema.readCounter(MetaKey.nextChange, txn),
                try loadSegments(txn).segments.last?.sequence ?? 0
            )
        }
        let info: EnvironmentInfo
        do { info = try env.info() } catch { throw GapStoreError(storage: error, while: "reading statistics") }
        return StoreStatistics(
            path: path, schemaVersion: Schema.version, currency: currency, gaps: counts.0, submissions: counts.1,
            accounts: counts.2, opportunities: counts.3, historyEntries: counts.4, lastChange: counts.5,
            searchIndexSequence: counts.6,
            usedBytes: info.usedBytes, mapSize: info.mapSize, readers: info.readersInUse,
            lmdbVersion: Environment.libraryVersion)
    }

    /// Writes a consistent, compacted copy of the store to the new directory `destination`
    /// while readers and writers go on. The copy holds exactly one committed state.
    ///
    /// - Throws: ``GapStoreError/Code/alreadyExists`` when `destination` exists.
    public func backup(to destination: String) throws(GapStoreError) {
        do {
            try env.backup(to: destination, compact: true)
        } catch LMDBError.fileExists {
            throw GapStoreError(.alreadyExists, "\(destination) already exists; choose a new directory for the backup")
        } catch {
            throw GapStoreError(storage: error, while: "backing up to \(destination)")
        }
    }
}
