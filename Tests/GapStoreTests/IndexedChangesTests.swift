import GapIndex
import GapTestSupport
import Testing

@testable import GapStore

@Suite struct IndexedChangesTests {
    /// A filed submission changes a gap's demand, not what the search index holds of it: the
    /// gap stays where it is indexed (it is not copied into the in-memory delta, superseding
    /// its segment's copy), while an edit still moves it there.
    @Test func submissionsLeaveTheSearchIndexAsItWas() throws {
        try withStore { store, _ in
            try seedTaxonomyAndAccounts(store)
            let gap = try store.createGap(draft("SAML group sync with Okta", category: "Authentication"), by: "ana").gap
            _ = try store.createGap(draft("Export search results as CSV", category: "Code search"), by: "ana")
            try store.rebuildSearchIndex()
            _ = try store.findDuplicates(DuplicateQuery(title: "SAML"))
            #expect(store.searchIndex.deltaDocumentCount == 0)

            try store.submit(SubmissionDraft(gapID: gap.id, accountID: "ACME", severity: .medium, workaround: .none, submitter: "ce@example.com"))
            let hits = try store.findDuplicates(DuplicateQuery(title: "SAML group sync"))
            #expect(hits.first?.gap.id == gap.id)
            #expect(hits.first?.impact.submissions == 1)
            #expect(store.searchIndex.deltaDocumentCount == 0)

            _ = try store.editGap(gap.id, GapEdit(title: "SAML group sync with Azure AD"), by: "ana")
            let edited = try store.findDuplicates(DuplicateQuery(title: "Azure AD group sync"))
            #expect(edited.first?.gap.id == gap.id)
            #expect(store.searchIndex.deltaDocumentCount == 1)
            #expect(try store.verify().problems.isEmpty)
        }
    }

    /// Submissions alone still complete the changes after which a segment is rebuilt; the
    /// segments then hold no gap (nothing indexed changed), and searches, `verify` and a reopened
    /// store are none the worse.
    @Test func rebuildsAfterSubmissionsAloneIndexNothingNew() throws {
        try withTemporaryDirectory { directory in
            var options = GapStore.Options()
            options.tailRebuildChanges = 4
            let path = directory + "/store"
            let gap: GapID
            do {
                let store = try GapStore(path: path, options: options)
                try seedTaxonomyAndAccounts(store)
                gap = try store.createGap(draft("SAML group sync with Okta"), by: "ana").gap.id
                _ = try store.createGap(draft("Export search results as CSV"), by: "ana")
                try store.rebuildSearchIndex()
                for _ in 0..<13 {
                    try store.submit(SubmissionDraft(gapID: gap, accountID: "GLOBEX", severity: .low, workaround: .none, submitter: "ce@example.com"))
                    #expect(try store.findDuplicates(DuplicateQuery(title: "SAML group sync")).first?.gap.id == gap)
                }
                #expect(store.searchIndex.deltaDocumentCount == 0)
                // The base, and a tail and a recent segment of no gaps.
                let sizes = try store.read("test") { txn in try store.loadSegments(txn).segments.map(\.documentCount) }
                #expect(sizes == [2, 0, 0])
                #expect(try store.verify().problems.isEmpty)
            }
            let reopened = try GapStore(path: path, options: options)
            let hits = try reopened.findDuplicates(DuplicateQuery(title: "SAML group sync"))
            #expect(hits.first?.gap.id == gap)
            #expect(hits.first?.impact.submissions == 13)
            #expect(try reopened.verify().problems.isEmpty)
        }
    }
}
