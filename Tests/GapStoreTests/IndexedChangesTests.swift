import GapIndex
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
}
