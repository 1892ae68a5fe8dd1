import Foundation
import GapStore
import GapTestSupport
import LMDB
import Testing

@Suite struct PersistenceTests {
    @Test func everythingSurvivesReopening() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/store"
            let (gap, submission): (Gap, Submission)
            do {
                let store = try GapStore(path: path)
                try seedTaxonomyAndAccounts(store)
                gap = try store.createGap(GapDraft(title: "Persist me", description: "ünïcödé ✓", category: "Code search", subcategory: "Ranking", team: "Search"), by: "ana").gap
                submission = try store.submit(SubmissionDraft(gapID: gap.id, accountID: "ACME", opportunityID: "OPP-A1", severity: .high, impact: "i", workaround: .none, context: "c", submitter: "ce"))
            }
            let store = try GapStore(path: path)
            #expect(try store.gap(gap.id) == gap)
            #expect(try store.submission(submission.id) == submission)
            #expect(try store.impact(of: gap.id).revenueAtStake == 25_000_00)
            #expect(try store.createGap(draft("Next"), by: "ana").gap.id == GapID(2))
            #expect(try store.verify().isConsistent)
            #expect(store.currency == "USD")
        }
    }

    @Test func aStoreFromANewerVersionIsRefused() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/store"
            _ = try GapStore(path: path)
            do {
                let env = try Environment(path: path)
                let meta = try env.openDatabase(named: "meta")
                try env.write { txn in try txn.put(withUnsafeBytes(of: UInt32(99).bigEndian) { Array($0) }, forKey: "schema", in: meta) }
            }
            let error = #expect(throws: GapStoreError.self) { _ = try GapStore(path: path) }
            #expect(error?.code == .schemaTooNew)
            #expect(error?.message.contains("upgrade gapsearch") == true)
        }
    }

    @Test func readOnlyOpenOfAMissingStoreSaysSo() throws {
        try withTemporaryDirectory { directory in
            var options = GapStore.Options()
            options.readOnly = true
            let error = #expect(throws: GapStoreError.self) { _ = try GapStore(path: directory + "/none", options: options) }
            #expect(error?.code == .notFound)
        }
    }

    @Test func openingWithoutCreatingNeedsAStore() throws {
        try withTemporaryDirectory { directory in
            var options = GapStore.Options()
            options.createIfMissing = false
            let error = #expect(throws: GapStoreError.self) { _ = try GapStore(path: directory + "/none", options: options) }
            #expect(error?.code == .notFound)
            #expect(!FileManager.default.fileExists(atPath: directory + "/none"))
            // An existing store opens for writing as usual.
            _ = try GapStore(path: directory + "/s").createGap(GapDraft(title: "Export audit logs"), by: "pm")
            #expect(try GapStore(path: directory + "/s", options: options).gap(GapID(1))?.title == "Export audit logs")
        }
    }

    @Test func currencyIsFixedAtCreation() throws {
        try withTemporaryDirectory { directory throws in
            var options = GapStore.Options()
            options.currency = "eur"
            #expect(try GapStore(path: directory + "/s", options: options).currency == "EUR")
            #expect(try GapStore(path: directory + "/s").currency == "EUR")
            options.currency = "EURO"
            expectFailure(.invalidField) { _ = try GapStore(path: directory + "/t", options: options) }
        }
    }

    @Test func verifyFindsDriftAndRebuildRepairsIt() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/store"
            do {
                let store = try GapStore(path: path)
                try seedTaxonomyAndAccounts(store)
                let id = try store.createGap(draft("Drift", category: "Code search", team: "Search"), by: "ana").gap.id
                try store.submit(SubmissionDraft(gapID: id, accountID: "ACME", severity: .low, submitter: "ce"))
                #expect(try store.verify().isConsistent)
            }
            do {
                // Damage two indexes behind the store's back.
                let env = try Environment(path: path)
                let byTeam = try env.openDatabase(named: "gaps-by-team")
                let byStatus = try env.openDatabase(named: "gaps-by-status")
                try env.write { txn in
                    try txn.removeAll(in: byTeam)
                    try txn.put([UInt8](), forKey: [6, 0, 0, 0, 0, 0, 0, 0, 42], in: byStatus)
                }
            }
            let store = try GapStore(path: path)
            let report = try store.verify()
            #expect(!report.isConsistent)
            #expect(report.problems.contains { $0.contains("gaps-by-team") && $0.contains("missing") })
            #expect(report.problems.contains { $0.contains("gaps-by-status") && $0.contains("no record implies") })
            #expect(try store.listGaps(GapQuery(teams: ["Search"])).total == 0)
            let rebuilt = try store.rebuildIndexes()
            #expect(rebuilt.gaps == 1 && rebuilt.submissions == 1)
            #expect(try store.verify().isConsistent)
            #expect(try store.listGaps(GapQuery(teams: ["Search"])).total == 1)
        }
    }

    @Test func statisticsCountRecords() throws {
        try withStore { store, path in
            try seedTaxonomyAndAccounts(store)
            try store.createGap(draft("S"), by: "ana")
            let stats = try store.statistics()
            #expect(stats.gaps == 1 && stats.accounts == 3 && stats.opportunities == 4 && stats.submissions == 0)
            #expect(stats.historyEntries == 1)
            #expect(stats.schemaVersion == GapStore.schemaVersion)
            #expect(stats.path == path)
            #expect(stats.usedBytes > 0 && stats.mapSize >= stats.usedBytes)
            #expect(stats.lmdbVersion.hasPrefix("LMDB"))
        }
    }
}
