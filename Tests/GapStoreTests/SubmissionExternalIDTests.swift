import Foundation
import GapStore
import GapTestSupport
import LMDB
import Testing

@Suite struct SubmissionExternalIDTests {
    @Test func externalIDsAreKeptUniqueAndVerified() throws {
        try withStore { store, _ in
            let gap = try store.createGap(draft("Audit log streaming"), by: "ana").gap.id
            let filedAt = Date(timeIntervalSince1970: 1_700_000_000.123)
            let imported = try store.submit(SubmissionDraft(
                gapID: gap, severity: .high, submitter: "crm-sync", createdAt: filedAt, externalID: "CRM-7"))
            #expect(imported.externalID == "CRM-7")
            #expect(imported.createdAt == filedAt)
            #expect(try store.submission(externalID: "CRM-7") == imported)
            #expect(try store.submission(externalID: "CRM-8") == nil)

            let before = try store.lastChangeSequence()
            expectFailure(.alreadyExists) {
                try store.submit(SubmissionDraft(gapID: gap, severity: .low, submitter: "crm-sync", externalID: " CRM-7 "))
            }
            #expect(try store.lastChangeSequence() == before)
            // Without an external id, any number of submissions.
            try store.submit(SubmissionDraft(gapID: gap, severity: .low, submitter: "ana"))
            try store.submit(SubmissionDraft(gapID: gap, severity: .low, submitter: "ana"))
            #expect(try store.verify().isConsistent)
            var all: [Submission] = []
            try store.forEachSubmission { all.append($0) }
            #expect(all.map(\.externalID) == ["CRM-7", nil, nil])
        }
    }

    @Test func verifyNoticesAMissingExternalIDEntryAndReindexRestoresIt() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/store"
            do {
                let store = try GapStore(path: path)
                let gap = try store.createGap(draft("Audit log streaming"), by: "ana").gap.id
                try store.submit(SubmissionDraft(gapID: gap, severity: .high, submitter: "crm-sync", externalID: "CRM-7"))
            }
            do {
                // Damage the index behind the store's back (the store is closed: one environment per process).
                let env = try Environment(path: path)
                let byExternalID = try env.openDatabase(named: "submissions-by-external-id")
                try env.write { txn in try txn.removeAll(in: byExternalID) }
            }
            let store = try GapStore(path: path)
            #expect(try store.submission(externalID: "CRM-7") == nil)
            let report = try store.verify()
            #expect(report.problems.contains { $0.contains("submissions-by-external-id") && $0.contains("missing") })
            try store.rebuildIndexes()
            #expect(try store.verify().isConsistent)
            #expect(try store.submission(externalID: "CRM-7")?.externalID == "CRM-7")
        }
    }
}
