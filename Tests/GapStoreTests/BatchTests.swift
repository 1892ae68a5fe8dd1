import GapStore
import Testing

@Suite struct BatchTests {
    @Test func aBatchCommitsEverythingTogether() throws {
        try withStore { store, _ in
            try seedTaxonomyAndAccounts(store)
            let before = try store.lastChangeSequence()
            let ids = try store.batch { writer in
                try (0..<50).map { i in
                    let gap = try writer.createGap(draft("Batch gap \(i)", category: "Code search"), by: "import").gap
                    try writer.submit(SubmissionDraft(gapID: gap.id, accountID: "ACME", severity: .low, submitter: "import"))
                    return gap.id
                }
            }
            #expect(ids.count == 50)
            #expect(try store.statistics().gaps == 50)
            #expect(try store.statistics().submissions == 50)
            // Each operation still has its own change log entry.
            #expect(try store.lastChangeSequence() == before + 100)
            #expect(try store.verify().isConsistent)
        }
    }

    @Test func aThrowingBatchWritesNothing() throws {
        try withStore { store, _ in
            try seedTaxonomyAndAccounts(store)
            let before = try store.lastChangeSequence()
            #expect(throws: Expected.self) {
                try store.batch { writer in
                    try writer.createGap(draft("Lost 1"), by: "import")
                    try writer.createGap(draft("Lost 2"), by: "import")
                    throw Expected()
                }
            }
            #expect(try store.statistics().gaps == 0)
            #expect(try store.lastChangeSequence() == before)
            // Ids are not burnt by the aborted batch.
            #expect(try store.createGap(draft("Kept"), by: "ana").gap.id == GapID(1))
        }
    }

    @Test func aFailedOperationInsideABatchLeavesTheOthers() throws {
        try withStore { store, _ in
            try seedTaxonomyAndAccounts(store)
            let rejected = try store.batch { writer in
                var rejected: [String] = []
                for title in ["Good one", "", "Good two", String(repeating: "x", count: 400), "Good three"] {
                    do {
                        try writer.createGap(draft(title, category: title.isEmpty ? "Nope" : nil), by: "import")
                    } catch {
                        rejected.append("\(error)")
                    }
                }
                // A failure after partial writes (the gap counter, the change log) is undone too.
                do {
                    try writer.submit(SubmissionDraft(gapID: GapID(1), accountID: "MISSING", severity: .low, submitter: "x"))
                } catch {
                    rejected.append("\(error)")
                }
                return rejected
            }
            #expect(rejected.count == 3)
            #expect(try store.listGaps(GapQuery(sort: .oldest)).items.map(\.gap.title) == ["Good one", "Good two", "Good three"])
            #expect(try store.listGaps().items.map(\.gap.id) == [GapID(3), GapID(2), GapID(1)])
            let changes = try store.changes(after: 0).map(\.sequence)
            #expect(changes == Array(1...UInt64(changes.count)))
            #expect(try store.verify().isConsistent)
        }
    }
}

extension BatchTests {
    @Test func aNonIsolatingBatchCommitsValidOperations() throws {
        try withStore { store, _ in
            try seedTaxonomyAndAccounts(store)
            try store.batch(isolatingOperations: false) { writer in
                for i in 0..<20 {
                    let gap = try writer.createGap(draft("Fast gap \(i)"), by: "import").gap
                    try writer.submit(SubmissionDraft(gapID: gap.id, accountID: "ACME", severity: .low, submitter: "import"))
                }
            }
            #expect(try store.statistics().gaps == 20)
            #expect(try store.verify().isConsistent)
        }
    }

    /// Without isolation a failed operation may have written part of its changes, so the
    /// batch refuses to commit even when its closure swallowed the error.
    @Test func aNonIsolatingBatchWithAFailureWritesNothing() throws {
        try withStore { store, _ in
            try seedTaxonomyAndAccounts(store)
            let before = try store.lastChangeSequence()
            let error = #expect(throws: GapStoreError.self) {
                try store.batch(isolatingOperations: false) { writer in
                    try writer.createGap(draft("Kept?"), by: "import")
                    do {
                        try writer.submit(SubmissionDraft(gapID: GapID(1), accountID: "MISSING", severity: .low, submitter: "x"))
                    } catch {}
                    try writer.createGap(draft("After the failure"), by: "import")
                }
            }
            #expect(error?.code == .notFound)
            #expect(try store.statistics().gaps == 0)
            #expect(try store.lastChangeSequence() == before)
        }
    }
}

struct Expected: Error {}
