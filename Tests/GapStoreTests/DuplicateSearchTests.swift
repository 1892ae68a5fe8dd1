import Foundation
import Synchronization
import GapIndex
import GapStore
import GapTestSupport
import LMDB
import Testing

@Suite struct DuplicateSearchTests {
    private func options(tail: UInt64 = 256, base: Int = 2000) -> GapStore.Options {
        var options = GapStore.Options()
        options.tailRebuildChanges = tail
        options.baseRebuildMinimum = base
        return options
    }

    /// A store at `path` with two gaps: 1 about Splunk audit logs, 2 about GitLab batch changes.
    private func makeStoreWithTwoGaps(at path: String) throws {
        let store = try GapStore(path: path)
        try store.createGap(GapDraft(title: "Audit log streaming to Splunk"), by: "ana")
        try store.createGap(GapDraft(title: "Batch changes for GitLab"), by: "ana")
    }

    /// Runs `body` on the store's raw LMDB environment and its search index database. The
    /// store must be closed meanwhile: an environment is opened at most once per process.
    private func withSearchDatabase<R>(_ path: String, _ body: (LMDB.Environment, Database) throws -> R) throws -> R {
        let env = try LMDB.Environment(path: path)
        return try body(env, try env.openDatabase(named: "search"))
    }

    /// Every gap is found first by its own title, and `verify` agrees.
    private func expectEveryGapFound(_ titles: [GapID: String], in store: GapStore) throws {
        for (id, title) in titles {
            #expect(try store.findDuplicates(DuplicateQuery(title: title, limit: 3)).first?.gap.id == id, "\(title)")
        }
        #expect(try store.verify().isConsistent)
    }

    @Test func findsGapsAfterEveryKindOfChange() throws {
        try withStore { store, _ in
            try seedTaxonomyAndAccounts(store)
            let saml = try store.createGap(
                GapDraft(title: "SAML group sync with Okta", description: "Map Okta groups to teams automatically", category: "Authentication", team: "Identity"),
                by: "ana").gap.id
            let regex = try store.createGap(GapDraft(title: "Regex search in commit diffs", category: "Code search", team: "Search"), by: "ana").gap.id
            let first = try store.findDuplicates(DuplicateQuery(title: "okta group synchronisation for SAML", explain: true))
            #expect(first.first?.gap.id == saml)
            #expect(first.first.map { $0.explanation.reduce(0) { $0 + $1.contribution } }.map { abs($0 - first[0].score) < 1e-9 * first[0].score } == true)
            // Typos.
            #expect(try store.findDuplicates(DuplicateQuery(title: "reegx serch in comit difs")).first?.gap.id == regex)
            // An edit: the old wording no longer finds it, the new one does.
            try store.editGap(regex, GapEdit(title: "Structural search across monorepos"), by: "pm")
            #expect(try store.findDuplicates(DuplicateQuery(title: "structural search monorepos")).first?.gap.id == regex)
            #expect(try store.findDuplicates(DuplicateQuery(title: "regex diffs")).allSatisfy { $0.gap.id != regex })
            // Filters: status, team, category.
            try store.setStatus(saml, to: .scheduled, by: "pm")
            #expect(try store.findDuplicates(DuplicateQuery(title: "saml okta", statuses: [.open])).isEmpty)
            #expect(try store.findDuplicates(DuplicateQuery(title: "saml okta", statuses: [.scheduled])).first?.gap.id == saml)
            #expect(try store.findDuplicates(DuplicateQuery(title: "saml okta", teams: ["search"])).isEmpty)
            #expect(try store.findDuplicates(DuplicateQuery(title: "saml okta", categories: ["authentication"])).first?.gap.id == saml)
            // Merged gaps are hidden unless asked for.
            let copy = try store.createGap(GapDraft(title: "Okta SAML groups"), by: "bo", forced: true).gap.id
            try store.merge(copy, into: saml, by: "pm")
            let results = try store.findDuplicates(DuplicateQuery(title: "okta saml groups"))
            #expect(!results.contains { $0.gap.id == copy })
            #expect(try store.findDuplicates(DuplicateQuery(title: "okta saml groups", includeMerged: true)).contains { $0.gap.id == copy })
            #expect(try store.history(of: copy).first?.event == .created(forced: true))
            #expect(try store.verify().isConsistent)
            // As you type: against titles, unless descriptions are asked for too.
            #expect(try store.findDuplicates(DuplicateQuery(title: "structural sea", asYouType: true)).first?.gap.id == regex)
            #expect(try store.findDuplicates(DuplicateQuery(title: "teams automatica", asYouType: true)).isEmpty)
            let withDescriptions = try store.findDuplicates(
                DuplicateQuery(title: "teams automatica", asYouType: true, scope: .titlesAndDescriptions))
            #expect(withDescriptions.first?.gap.id == saml)
            // Bad input.
            expectFailure(.invalidField) { try store.findDuplicates(DuplicateQuery(title: "  ")) }
            expectFailure(.invalidField) { try store.findDuplicates(DuplicateQuery(title: "x", limit: 0)) }
            expectFailure(.unknownCategory) { try store.findDuplicates(DuplicateQuery(title: "x", categories: ["Nope"])) }
        }
    }

    /// Ranking parameters no search can use are refused when the store opens, and nothing is created.
    /// Each check reads the taxonomy through a cache keyed by its stored bytes: a category
    /// added by another handle on the store (another process) is known to the next check.
    @Test func categoriesAddedElsewhereAreKnownToTheNextCheck() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/store"
            let checker = try GapStore(path: path)
            try seedTaxonomyAndAccounts(checker)
            let gap = try checker.createGap(
                GapDraft(title: "Saved search alerts", description: "", category: "Code search", subcategory: "Ranking", team: "Search"), by: "ana"
            ).gap
            func check(_ category: String) throws -> [DuplicateCandidate] {
                try checker.findDuplicates(DuplicateQuery(title: "saved search alerts", categories: [category]))
            }
            #expect(try check("Code search").map(\.gap.id) == [gap.id])
            #expect(throws: GapStoreError.self) { try check("Mobile") }
            let writer = try GapStore(path: path)
            try writer.addCategory("Mobile", subcategories: ["Push"])
            let moved = try writer.createGap(
                GapDraft(title: "Saved search alerts on phones", description: "", category: "Mobile", subcategory: "Push", team: "Search"), by: "ana"
            ).gap
            #expect(try check("Mobile").map(\.gap.id) == [moved.id])
            #expect(try check("Mobile").first?.gap.category == "Mobile")
            #expect(try check("Code search").map(\.gap.id) == [gap.id])
        }
    }

    @Test func unusableRankingParametersAreRefused() throws {
        try withTemporaryDirectory { directory in
            var options = GapStore.Options()
            options.ranking.k1 = -1
            let error = expectFailure(.invalidField) { try GapStore(path: directory + "/store", options: options) }
            #expect(error?.message.contains("k1 must be greater than 0") == true, "\(String(describing: error))")
            #expect(!FileManager.default.fileExists(atPath: directory + "/store"))
        }
    }

    /// Segments are persisted and rebuilt as the store changes: after many writes (tail and
    /// base rebuilds) and a reopen, every gap is found by its own title and `verify` agrees.
    @Test func persistedSegmentsStayInStepThroughRebuildsAndReopening() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/store"
            var titles: [GapID: String] = [:]
            do {
                let store = try GapStore(path: path, options: options(tail: 8, base: 20))
                for n in 0..<120 {
                    let title = "Request \(n) for feature\(n) with word\(n % 7)"
                    titles[try store.createGap(GapDraft(title: title), by: "ana").gap.id] = title
                    if n % 10 == 9 {
                        // Edit an earlier gap: its new text must replace the old.
                        let id = GapID(UInt64(n - 5))
                        let edited = "Edited \(n) about thing\(n)"
                        try store.editGap(id, GapEdit(title: edited), by: "pm")
                        titles[id] = edited
                    }
                }
                let report = try store.verify()
                #expect(report.isConsistent, "\(report.problems)")
            }
            try expectEveryGapFound(titles, in: try GapStore(path: path))
        }
    }

    @Test func verifyNoticesAStaleSegmentAndReindexRepairsIt() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/store"
            try makeStoreWithTwoGaps(at: path)
            // Replace the base segment with one built from other text (same sequence).
            try withSearchDatabase(path) { env, search in
                let bytes = SegmentBuilder.build(
                    [IndexDocument(id: 1, title: "Something else entirely", description: "")], analyzer: Analyzer(), sequence: 100)
                try env.write { txn in try txn.put(bytes, forKey: "base", in: search) }
            }
            let store = try GapStore(path: path)
            let report = try store.verify()
            #expect(report.problems.contains { $0.contains("search index") })
            try store.rebuildIndexes()
            #expect(try store.verify().isConsistent)
            #expect(try store.findDuplicates(DuplicateQuery(title: "splunk audit log")).first?.gap.id == GapID(1))
        }
    }
}

extension DuplicateSearchTests {
    /// Upkeep keeps most rebuilds small: the gaps changed since the tail go into a recent
    /// segment of at most `recentSegmentLimit` gaps, and only past that is the tail rebuilt
    /// to take them in. Every gap stays findable, `verify` agrees, before and after reopening.
    @Test func recentChangesGoToASmallSegmentUntilTheTailTakesThemIn() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/store"
            var options = options(tail: 8, base: 10_000)
            options.recentSegmentLimit = 16
            var titles: [GapID: String] = [:]
            var largestRecent = 0
            var largestTail = 0
            var recentSeen = 0
            // The store and its raw environment take turns (see `withSearchDatabase`).
            for round in 0..<15 {
                do {
                    let store = try GapStore(path: path, options: options)
                    for n in (8 * round)..<(8 * round + 8) {
                        let title = "Request \(n) about widget\(n) and gadget\(n % 9)"
                        titles[try store.createGap(GapDraft(title: title), by: "ana").gap.id] = title
                    }
                }
                let sizes: [String: Int] = try withSearchDatabase(path) { env, search in try env.read { txn in
                    var sizes: [String: Int] = [:]
                    for key in ["tail", "recent"] {
                        try txn.withValue(forKey: key, in: search) { bytes in
                            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 16)
                            defer { copy.deallocate() }
                            copy.copyMemory(from: bytes)
                            sizes[key] = try Segment(bytes: UnsafeRawBufferPointer(copy)).documentCount
                        }
                    }
                    return sizes
                } }
                if let recent = sizes["recent"] {
                    recentSeen += 1
                    largestRecent = max(largestRecent, recent)
                    #expect(sizes["tail"] != nil, "a recent segment without a tail")
                }
                largestTail = max(largestTail, sizes["tail"] ?? 0)
            }
            let report = try GapStore(path: path, options: options).verify()
            #expect(report.isConsistent, "\(report.problems)")
            #expect(recentSeen > 0)
            #expect(largestRecent <= 16)
            #expect(largestTail > 16, "the tail took the recent gaps in")
            try expectEveryGapFound(titles, in: try GapStore(path: path, options: options))
        }
    }

    /// A segment in an older format (here: the version field set back) is not damage: the
    /// store searches without it, `verify` does not complain, and upkeep replaces it.
    @Test func anOlderSegmentFormatIsReplacedNotReported() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/store"
            try makeStoreWithTwoGaps(at: path)
            func baseVersion() throws -> UInt32? {
                try withSearchDatabase(path) { env, search in
                    try env.read { txn in
                        try txn.withValue(forKey: "base", in: search) { $0.load(fromByteOffset: 8, as: UInt32.self) }
                    }
                }
            }
            let current = try #require(try baseVersion())
            try withSearchDatabase(path) { env, search in
                try env.write { txn in
                    var bytes = try #require(try txn.withValue(forKey: "base", in: search) { Array($0) })
                    withUnsafeBytes(of: (current - 1).littleEndian) { bytes.replaceSubrange(8..<12, with: $0) }
                    try txn.put(bytes, forKey: "base", in: search)
                }
            }
            #expect(try baseVersion() == current - 1)
            do {
                let store = try GapStore(path: path)
                #expect(try store.findDuplicates(DuplicateQuery(title: "splunk audit log")).first?.gap.id == GapID(1))
                let report = try store.verify()
                #expect(report.isConsistent, "\(report.problems)")
                try store.maintainSearchIndex()
            }
            #expect(try baseVersion() == current)
            #expect(try GapStore(path: path).findDuplicates(DuplicateQuery(title: "gitlab batch changes")).first?.gap.id == GapID(2))
        }
    }
}

/// Searches from many tasks while a writer keeps adding and editing gaps: every search sees a
/// consistent index (the gap it looks for, once created, is found) and nothing crashes.
@Suite struct ConcurrentSearchTests {
    @Test func searchesRunConcurrentlyWithAWriter() async throws {
        try await withTemporaryDirectory { directory in
            var options = GapStore.Options()
            options.tailRebuildChanges = 16
            options.baseRebuildMinimum = 10
            let store = try GapStore(path: directory + "/store", options: options)
            for n in 0..<20 { try store.createGap(GapDraft(title: "Seed request number\(n) about topic\(n % 5)"), by: "seed") }
            let found = try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask {
                    for n in 20..<120 {
                        try store.createGap(GapDraft(title: "Seed request number\(n) about topic\(n % 5)"), by: "writer")
                        if n % 7 == 0 { try store.editGap(GapID(UInt64(n - 3)), GapEdit(description: "edited \(n)"), by: "writer") }
                    }
                    return 0
                }
                for reader in 0..<6 {
                    group.addTask {
                        var hits = 0
                        for round in 0..<40 {
                            let n = (reader * 40 + round) % 20  // gaps that exist from the start
                            let results = try store.findDuplicates(DuplicateQuery(title: "request number\(n)", limit: 3))
                            if results.first?.gap.id == GapID(UInt64(n + 1)) { hits += 1 }
                            await Task.yield()
                        }
                        return hits
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(found == 6 * 40)
            #expect(try store.verify().isConsistent)
        }
    }
}

/// Around a segment rebuild, readers of the snapshots before and after it bring the shared
/// search index to their own segments in turn; a search must never run on another snapshot's
/// (it crashed on a precondition, under gapload with writers). Two threads search without a
/// pause while a writer rebuilds a segment every eight changes.
@Suite struct SegmentRebuildRaceTests {
    @Test func searchesSurviveSegmentRebuildsFromOtherThreads() throws {
        try withTemporaryDirectory { directory in
            var options = GapStore.Options()
            options.tailRebuildChanges = 8
            options.baseRebuildMinimum = 10
            let store = try GapStore(path: directory + "/store", options: options)
            // A base segment big enough that adopting new segments takes a while.
            try store.batch(isolatingOperations: false) { writer in
                for n in 0..<3000 { try writer.createGap(GapDraft(title: "Seed request number\(n) about topic\(n % 5)"), by: "seed") }
            }
            try store.maintainSearchIndex()
            let done = Mutex(false)
            let failures = Mutex<[String]>([])
            let finished = DispatchGroup()
            for reader in 0..<3 {
                finished.enter()
                Thread {
                    var round = 0
                    while !done.withLock({ $0 }) {
                        let n = (reader * 7 + round) % 3000
                        round += 1
                        do {
                            let first = try store.findDuplicates(DuplicateQuery(title: "request number\(n)", limit: 3)).first?.gap.id
                            if first != GapID(UInt64(n + 1)) { failures.withLock { $0.append("number\(n): \(String(describing: first))") } }
                        } catch {
                            failures.withLock { $0.append("\(error)") }
                        }
                    }
                    finished.leave()
                }.start()
            }
            for n in 3000..<3200 { try store.createGap(GapDraft(title: "Later request number\(n) about topic\(n % 5)"), by: "writer") }
            done.withLock { $0 = true }
            finished.wait()
            #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0.prefix(3) })")
            #expect(try store.verify().isConsistent)
        }
    }
}

/// Where the persisted search index is kept up to date: within writes, on the store's own
/// thread, or only when asked.
@Suite struct IndexUpkeepTests {
    private func store(_ directory: String, _ upkeep: GapStore.IndexUpkeep) throws -> GapStore {
        var options = GapStore.Options()
        options.indexUpkeep = upkeep
        options.tailRebuildChanges = 8
        options.baseRebuildMinimum = 10
        return try GapStore(path: directory + "/store", options: options)
    }

    @Test(arguments: [GapStore.IndexUpkeep.afterWrites, .background])
    func upkeepPersistsTheIndexAsWritesGoOn(_ upkeep: GapStore.IndexUpkeep) throws {
        try withTemporaryDirectory { directory in
            let store = try store(directory, upkeep)
            for n in 0..<60 { try store.createGap(GapDraft(title: "Request number\(n) about topic\(n % 7)"), by: "writer") }
            store.waitForIndexUpkeep()
            let statistics = try store.statistics()
            // Segments were written, and they lag the log by less than one rebuild interval.
            #expect(statistics.searchIndexSequence > 0)
            #expect(statistics.lastChange - statistics.searchIndexSequence < 8)
            #expect(try store.findDuplicates(DuplicateQuery(title: "request number59", limit: 1)).first?.gap.id == GapID(60))
            #expect(try store.verify().isConsistent)
        }
    }

    @Test func manualUpkeepWritesSegmentsOnlyWhenAsked() throws {
        try withTemporaryDirectory { directory in
            let store = try store(directory, .manual)
            for n in 0..<30 { try store.createGap(GapDraft(title: "Request number\(n)"), by: "writer") }
            #expect(try store.statistics().searchIndexSequence == 0)
            // Searches cover the unpersisted changes from memory.
            #expect(try store.findDuplicates(DuplicateQuery(title: "request number29", limit: 1)).first?.gap.id == GapID(30))
            try store.maintainSearchIndex()
            let statistics = try store.statistics()
            #expect(statistics.searchIndexSequence == statistics.lastChange)
        }
    }

    @Test func theUpkeepThreadDoesNotKeepAStoreAlive() throws {
        try withTemporaryDirectory { directory in
            weak var released: GapStore?
            do {
                let store = try store(directory, .background)
                for n in 0..<20 { try store.createGap(GapDraft(title: "Request number\(n)"), by: "writer") }
                store.waitForIndexUpkeep()
                released = store
            }
            // The thread holds the store weakly: once the last reference goes, so does the store
            // (and its environment), and the thread ends.
            #expect(released == nil)
            let reopened = try store(directory, .background)
            try reopened.createGap(GapDraft(title: "One more request"), by: "writer")
            reopened.waitForIndexUpkeep()
            #expect(try reopened.verify().isConsistent)
            #expect(try reopened.statistics().gaps == 21)
        }
    }
}
