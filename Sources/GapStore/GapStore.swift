public import Foundation
public import GapIndex
internal import LMDB

/// A product-gap store: gaps, submissions, accounts and their history in one LMDB
/// environment on disk.
///
/// Open one per process and share it: every method is thread-safe. Any number of threads,
/// tasks and processes may read at once; writes are serialised (across processes too), and
/// each public operation is a single transaction — it happens completely or not at all, even
/// if the process dies halfway. A long-running process sees other processes' committed writes
/// on its next call.
///
/// ```swift
/// let store = try GapStore(path: "/var/lib/gapsearch")
/// try store.addCategory("Code search", subcategories: ["Ranking"])
/// let created = try store.createGap(
///     GapDraft(title: "Search across archived repositories", category: "Code search"), by: "ana@example.com")
/// try store.submit(SubmissionDraft(gapID: created.gap.id, accountID: "ACME", severity: .high, submitter: "ana@example.com"))
/// let impact = try store.impact(of: created.gap.id)
/// ```
public final class GapStore: Sendable {
    /// How to open a store.
    public struct Options: Sendable {
        /// Open without writing: every write fails with a storage error.
        public var readOnly = false
        /// Create the store when `path` holds none. When false (for operations on records
        /// that must already exist, such as maintenance), opening a missing store fails with
        /// ``GapStoreError/Code/notFound`` and creates nothing. A read-only open never creates.
        public var createIfMissing = true
        /// The currency of a new store's money amounts (ISO 4217). An existing store keeps the
        /// currency it was created with.
        public var currency = "USD"
        /// Initial memory map size; the map grows by itself. Default 64 MiB.
        public var mapSize = 64 << 20
        /// Ceiling for the map (and so the store's size). Default 1 TiB.
        public var maxMapSize = 1 << 40
        /// The clock that stamps records; replace it in tests.
        public var clock: @Sendable () -> Date = { Date() }
        /// How duplicate search ranks gaps.
        public var ranking = RankingParameters()
        /// When the persisted search index is brought up to date after writes (see
        /// ``GapStore/maintainSearchIndex()``).
        public var indexUpkeep = IndexUpkeep.afterWrites
        /// Rebuild the index's newest segment after this many changes (see
        /// ``GapStore/maintainSearchIndex()``).
        public var tailRebuildChanges: UInt64 = 256
        /// The recent segment (the gaps changed since the tail) holds at most this many gaps;
        /// past that, the tail is rebuilt to take them in. 0 keeps no recent segment: every
        /// rebuild is the tail's.
        public var recentSegmentLimit = 2048
        /// Rebuild the base segment once more than this many gaps (and more than an eighth of
        /// all gaps) changed since it was built.
        public var baseRebuildMinimum = 2000

        public init() {}
    }

    /// When the persisted search index is brought up to date after writes. Searches are
    /// always current either way (they apply the changes the persisted segments lack); upkeep
    /// keeps that in-memory part small and a new process's first search quick.
    public enum IndexUpkeep: Sendable, Hashable {
        /// The write that completes ``Options/tailRebuildChanges`` changes rebuilds a segment
        /// before it returns. Simple, and right for short-lived processes such as the CLI;
        /// that write takes as long as the rebuild (tens to hundreds of milliseconds at 100k
        /// gaps).
        case afterWrites
        /// A thread of the store rebuilds segments while writes return at once: for services
        /// that write steadily. ``GapStore/waitForIndexUpkeep()`` waits for it.
        case background
        /// Only ``GapStore/maintainSearchIndex()`` does it (bulk loads, or a schedule of
        /// the caller's own).
        case manual
    }

    let env: Environment
    let schema: Schema
    let clock: @Sendable () -> Date
    let options: Options
    /// The duplicate-search index: persisted segments plus an in-memory delta.
    let searchIndex: LiveIndex
    /// The upkeep thread, with ``IndexUpkeep/background``.
    let upkeepWorker: IndexUpkeepWorker?
    /// The directory the store lives in.
    public let path: String
    /// The currency every amount in this store is in.
    public let currency: String

    /// Opens the store in directory `path`, creating it unless read-only (or
    /// ``Options/createIfMissing`` is false).
    ///
    /// - Throws: ``GapStoreError/Code/notFound`` when there is no store and none may be
    ///   created; ``GapStoreError/Code/invalidField`` for a malformed currency or ranking
    ///   parameters with ``RankingParameters/problems``; ``GapStoreError/Code/schemaTooNew`` for
    ///   a store written by a newer gapsearch; ``GapStoreError/Code/storage`` when the files
    ///   cannot be opened.
    public init(path: String, options: Options = Options()) throws(GapStoreError) {
        let currency = options.currency.trimmingWhitespace().uppercased()
        guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw GapStoreError(.invalidField, "currency must be a 3-letter ISO 4217 code such as USD (got \"\(options.currency)\")")
        }
        if let problem = options.ranking.problems.first {
            throw GapStoreError(.invalidField, "ranking parameters: \(problem)")
        }
        let missing = GapStoreError(.notFound, "no store at \(path); create one by writing to it first")
        // LMDB creates its files on open: a store that must exist is looked for first.
        if !options.readOnly && !options.createIfMissing && !FileManager.default.fileExists(atPath: path + "/data.mdb") {
            throw missing
        }
        do {
            env = try Environment(
                path: path,
                options: .init(
                    mapSize: options.mapSize, maxMapSize: options.maxMapSize, maxDatabases: Schema.databaseCount + 4,
                    readOnly: options.readOnly))
            schema = try Schema(env)
        } catch {
            if error == .noSuchFile && options.readOnly {
                throw GapStoreError(.notFound, missing.message, underlying: error)
            }
            throw GapStoreError(storage: error, while: "opening the store at \(path)")
        }
        self.path = path
        self.clock = options.clock
        self.options = options
        self.searchIndex = LiveIndex(analyzer: Analyzer(), parameters: options.ranking)
        let schema = self.schema
        let readOnly = options.readOnly
        self.currency = try Self.prepare(env, schema, defaultCurrency: currency, readOnly: readOnly, path: path)
        if options.indexUpkeep == .background && !readOnly {
            // The thread holds the store weakly: it must not keep a closed store alive.
            let store = WeakStore()
            upkeepWorker = IndexUpkeepWorker {
                guard let gapStore = store.value else { return false }
                try? gapStore.maintainSearchIndex()
                return true
            }
            store.value = self
        } else {
            upkeepWorker = nil
        }
    }

    deinit { upkeepWorker?.stop() }

    /// Waits until the background index upkeep has caught up with the writes so far (with
    /// ``IndexUpkeep/background``; returns at once otherwise). Call it before exiting
    /// to leave the persisted index fresh for the next process.
    public func waitForIndexUpkeep() {
        upkeepWorker?.waitUntilIdle()
    }

    /// Checks the schema version and initialises a new store. Returns the store's currency.
    private static func prepare(
        _ env: Environment, _ schema: Schema, defaultCurrency: String, readOnly: Bool, path: String
    ) throws(GapStoreError) -> String {
        func check(_ txn: borrowing Transaction) throws -> (version: UInt32?, currency: String?) {
            let version = try txn.get(MetaKey.schema, in: schema.meta).map { bytes in
                bytes.withUnsafeBytes { UInt32(bigEndian: $0.loadUnaligned(as: UInt32.self)) }
            }
            let currency = try txn.get(MetaKey.currency, in: schema.meta).map { String(decoding: $0, as: UTF8.self) }
            return (version, currency)
        }
        let found: (version: UInt32?, currency: String?)
        do {
            found = try env.read { txn in try check(txn) }
        } catch {
            throw GapStoreError(storage: error as? LMDBError ?? .invalid, while: "reading the store's metadata")
        }
        if let version = found.version {
            guard version <= Schema.version else {
                throw GapStoreError(
                    .schemaTooNew,
                    "the store at \(path) has schema version \(version), written by a newer gapsearch (this one writes version \(Schema.version)); upgrade gapsearch to open it")
            }
            // Version 1 is the first: there is nothing older to migrate.
            return found.currency ?? defaultCurrency
        }
        if readOnly { return defaultCurrency }
        do {
            return try env.write { txn in
                // Another process may have initialised it meanwhile.
                if let currency = try check(txn).currency { return currency }
                try txn.put(withUnsafeBytes(of: Schema.version.bigEndian) { Array($0) }, forKey: MetaKey.schema, in: schema.meta)
                try txn.put(defaultCurrency, forKey: MetaKey.currency, in: schema.meta)
                return defaultCurrency
            }
        } catch {
            throw GapStoreError(storage: error as? LMDBError ?? .invalid, while: "initialising the store")
        }
    }

    /// A weak reference to a store, set once after the store is initialised.
    private final class WeakStore: @unchecked Sendable {
        // @unchecked Sendable: written once, before the worker can first read it (the first
        // request comes from a write, after `init` returned).
        weak var value: GapStore?
    }

    /// The schema version this build reads and writes.
    public static var schemaVersion: UInt32 { Schema.version }

    // MARK: - Transactions

    /// Runs `body` in a read transaction, mapping storage errors to ``GapStoreError``.
    func read<R>(_ doing: String, _ body: (borrowing Transaction) throws -> R) throws(GapStoreError) -> R {
        do {
            return try env.read(body)
        } catch let error as GapStoreError {
            throw error
        } catch let error as LMDBError {
            throw GapStoreError(storage: error, while: doing)
        } catch {
            throw GapStoreError(.storage, "\(doing): \(error)")
        }
    }

}

