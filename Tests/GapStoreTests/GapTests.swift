import Foundation
import GapStore
import Testing

@Suite struct GapTests {
    @Test func createAssignsSequentialIDsAndRecordsHistory() throws {
        try withStore { store, _ in
            try seedTaxonomyAndAccounts(store)
            let first = try store.createGap(
                GapDraft(title: "  Search archived repositories  ", description: "Include archived repos", category: "code search",
                         subcategory: "filters", team: "Search"), by: "ana@example.com")
            let second = try store.createGap(draft("Audit log export to S3"), by: "bo@example.com")
            #expect(first.gap.id.description == "GAP-000001")
            #expect(second.gap.id == GapID(2))
            #expect(first.gap.title == "Search archived repositories")
            #expect(first.gap.category == "Code search")
            #expect(first.gap.subcategory == "Filters")
            #expect(first.gap.team == "Search")
            #expect(first.gap.status == .open)
            #expect(first.gap.createdBy == "ana@example.com")
            #expect(first.warnings.isEmpty)
            #expect(try store.gap(GapID(1)) == first.gap)
            let history = try store.history(of: GapID(1))
            #expect(history.count == 1)
            #expect(history.first?.event == .created(forced: false))
            #expect(history.first?.actor == "ana@example.com")
        }
    }

    @Test func gapIDsParseAndFormat() {
        #expect(GapID("GAP-000123") == GapID(123))
        #expect(GapID("gap-7") == GapID(7))
        #expect(GapID(" 42 ") == GapID(42))
        #expect(GapID(1_234_567).description == "GAP-1234567")
        for bad in ["", "GAP-", "GAP-0", "GAP-12a", "SUB-1", "-5", "GAP--1"] { #expect(GapID(bad) == nil, "\(bad)") }
        #expect(SubmissionID("sub-000009") == SubmissionID(9))
    }

    @Test func titleAndDescriptionLimits() throws {
        try withStore { store, _ in
            expectFailure(.invalidField) { try store.createGap(draft("   "), by: "ana") }
            expectFailure(.invalidField) { try store.createGap(draft(String(repeating: "x", count: 301)), by: "ana") }
            expectFailure(.invalidField) { try store.createGap(draft("two\nlines"), by: "ana") }
            try store.createGap(draft(String(repeating: "é", count: 300)), by: "ana")
            let big = String(repeating: "a", count: 64 * 1024 + 1)
            expectFailure(.invalidField) { try store.createGap(draft("Big", description: big), by: "ana") }
            try store.createGap(draft("Just fits", description: String(big.dropLast())), by: "ana")
            expectFailure(.invalidField) { try store.createGap(draft("No actor"), by: " ") }
            #expect(try store.statistics().gaps == 2)
        }
    }

    @Test func unknownCategoryListsTheValidOnes() throws {
        try withStore { store, _ in
            try seedTaxonomyAndAccounts(store)
            let error = #expect(throws: GapStoreError.self) { try store.createGap(draft("X", category: "Billing"), by: "ana") }
            #expect(error?.code == .unknownCategory)
            #expect(error?.message.contains("Code search, Authentication, Batch changes") == true)
            let sub = #expect(throws: GapStoreError.self) {
                try store.createGap(GapDraft(title: "X", category: "Authentication", subcategory: "OIDC"), by: "ana")
            }
            #expect(sub?.message.contains("SAML, SCIM") == true)
            expectFailure(.invalidField) {
                try store.createGap(GapDraft(title: "X", subcategory: "SAML"), by: "ana")
            }
            #expect(try store.statistics().gaps == 0)
        }
    }

    @Test func emptyTaxonomySaysHowToAddCategories() throws {
        try withStore { store, _ in
            let error = #expect(throws: GapStoreError.self) { try store.createGap(draft("X", category: "Any"), by: "ana") }
            #expect(error?.message.contains("taxonomy is empty") == true)
        }
    }

    @Test(arguments: [
        ("The app crashes when I open settings", "crashes"),
        ("Login broken after upgrade", "broken"),
        ("Regression in search ranking", "regression"),
        ("Got a NullPointerException in the indexer", "NullPointerException"),
        ("Export fails with error code 0x80", "error code"),
    ])
    func bugLikeTextWarnsButSaves(title: String, evidence: String) throws {
        try withStore { store, _ in
            let created = try store.createGap(draft(title), by: "ana")
            #expect(created.warnings.map(\.kind) == [.looksLikeBug])
            #expect(created.warnings.first?.evidence.contains(evidence) == true)
            #expect(try store.gap(created.gap.id) != nil)
        }
    }

    @Test func featureRequestsDoNotWarn() throws {
        try withStore { store, _ in
            let created = try store.createGap(
                draft("Show a clear message when a search times out", description: "Customers want faster feedback"), by: "ana")
            #expect(created.warnings.isEmpty)
        }
    }

    @Test func externalIDsAreUniqueAndLinksMustBeGitHubIssues() throws {
        try withStore { store, _ in
            try store.createGap(GapDraft(title: "Imported", externalID: "HIVE-1"), by: "import")
            let duplicate = #expect(throws: GapStoreError.self) { try store.createGap(GapDraft(title: "Again", externalID: "HIVE-1"), by: "import") }
            #expect(duplicate?.code == .alreadyExists)
            #expect(try store.gap(externalID: "HIVE-1")?.id == GapID(1))
            for bad in ["http://github.com/a/b/issues/1", "https://github.com/a/b/pull/1", "https://github.com/a/issues/1", "github.com/a/b/issues/1", "https://github.com/a/b/issues/x"] {
                let error = #expect(throws: GapStoreError.self) { try store.createGap(GapDraft(title: "L", externalLink: bad), by: "ana") }
                #expect(error?.code == .invalidField)
            }
            let ok = try store.createGap(GapDraft(title: "L", externalLink: "https://github.com/sourcegraph/sourcegraph/issues/123"), by: "ana")
            #expect(ok.gap.externalLink == "https://github.com/sourcegraph/sourcegraph/issues/123")
            try store.createGap(GapDraft(title: "GHE", externalLink: "https://ghe.example.com/team/repo/issues/9"), by: "ana")
        }
    }

    @Test func editsRecordEachChangedField() throws {
        try withStore { store, _ in
            try seedTaxonomyAndAccounts(store)
            let id = try store.createGap(draft("Old title", category: "Code search", team: "Search"), by: "ana").gap.id
            let edited = try store.editGap(
                id, GapEdit(title: "New title", category: "Authentication", subcategory: "SAML", team: "Identity"), by: "bo",
                note: "re-triaged")
            #expect(edited.title == "New title")
            #expect(edited.category == "Authentication")
            #expect(edited.subcategory == "SAML")
            #expect(edited.team == "Identity")
            #expect(edited.updatedBy == "bo")
            let events = try store.history(of: id).dropFirst().map(\.event)
            #expect(events == [
                .edited(field: "title", old: "Old title", new: "New title"),
                .edited(field: "category", old: "Code search", new: "Authentication"),
                .edited(field: "subcategory", old: "", new: "SAML"),
                .edited(field: "team", old: "Search", new: "Identity"),
            ])
            #expect(try store.history(of: id).last?.note == "re-triaged")
            // Clearing the subcategory only, then the category.
            #expect(try store.editGap(id, GapEdit(subcategory: ""), by: "bo").subcategory == nil)
            let cleared = try store.editGap(id, GapEdit(category: ""), by: "bo")
            #expect(cleared.category == nil)
            expectFailure(.invalidField) { try store.editGap(id, GapEdit(title: "New title"), by: "bo") }
            expectFailure(.notFound) { try store.editGap(GapID(99), GapEdit(title: "x"), by: "bo") }
            // The team index follows the edit.
            #expect(try store.listGaps(GapQuery(teams: ["identity"])).total == 1)
            #expect(try store.listGaps(GapQuery(teams: ["search"])).total == 0)
        }
    }

    @Test func renamingACategoryKeepsGapsInIt() throws {
        try withStore { store, _ in
            try seedTaxonomyAndAccounts(store)
            let id = try store.createGap(GapDraft(title: "SSO", category: "Authentication", subcategory: "SAML"), by: "ana").gap.id
            try store.renameCategory("authentication", to: "Identity & access")
            try store.renameSubcategory(of: "Identity & access", "saml", to: "SAML 2.0")
            let gap = try #require(try store.gap(id))
            #expect(gap.category == "Identity & access")
            #expect(gap.subcategory == "SAML 2.0")
            expectFailure(.alreadyExists) { try store.renameCategory("Code search", to: "identity & ACCESS") }
            expectFailure(.alreadyExists) { try store.addCategory("Batch changes") }
            expectFailure(.unknownCategory) { try store.renameCategory("Nope", to: "Other") }
            #expect(try store.listGaps(GapQuery(categories: ["Identity & access"])).total == 1)
        }
    }
}
