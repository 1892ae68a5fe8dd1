import Foundation
import GapInterchange
import GapStore
import Testing

@Suite struct RoundTripTests {
    /// A store with every kind of content an export carries: categories, statuses, teams,
    /// links, a merge chain, submissions with and without customers, opportunities,
    /// workarounds, anonymity, and text that needs quoting.
    func populate(_ store: GapStore) throws {
        try store.addCategory("Authentication", subcategories: ["SAML", "SCIM"])
        try store.addCategory("Code search")
        let day: TimeInterval = 86_400
        let start = Date(timeIntervalSince1970: 1_750_000_000.5)
        try store.batch { writer in
            let saml = try writer.createGap(GapDraft(
                title: "SAML group sync", description: "Sync \"Okta\" groups,\nnightly", category: "Authentication", subcategory: "SAML",
                team: "Identity", externalLink: "https://github.com/acme/app/issues/7", createdAt: start), by: "ana@example.com").gap.id
            let again = try writer.createGap(GapDraft(title: "Okta group sync", externalID: "CRM-77", createdAt: start + day), by: "bo").gap.id
            let third = try writer.createGap(GapDraft(title: "Group sync from Azure AD", category: "Authentication", createdAt: start + 2 * day), by: "bo").gap.id
            let search = try writer.createGap(GapDraft(
                title: "Search archived repositories", category: "Code search", team: "Search", status: .backlog, createdAt: start + 3 * day), by: "chen").gap.id
            try writer.setStatus(search, to: .scheduled, by: "pm")
            // A chain: the third into the second while it stood alone, then the second into the first.
            try writer.merge(third, into: again, by: "pm")
            try writer.merge(again, into: saml, by: "pm")
            try writer.submit(SubmissionDraft(
                gapID: saml, accountID: "001ACME", accountName: "Acme, Inc.",
                opportunity: OpportunityDraft(id: "006A", kind: .renewal, amount: 120_000_50, closeDate: Date(timeIntervalSince1970: 1_798_675_200)),
                severity: .blocker, impact: "Blocks rollout", workaround: .described("Manual sync"), context: "Okta shop",
                submitter: "ce@example.com", createdAt: start + 5 * day))
            try writer.submit(SubmissionDraft(gapID: third, accountID: "001ACME", opportunityID: "006A", severity: .high, workaround: .none, submitter: "ce2", createdAt: start + 6 * day))
            try writer.submit(SubmissionDraft(gapID: search, severity: .low, context: "I want it too", submitter: "secret", anonymous: true, createdAt: start + 7 * day))
            try writer.submit(SubmissionDraft(gapID: search, accountID: "002GLOBEX", accountName: "Globex", severity: .medium, submitter: "ce", externalID: "SF-1"))
        }
    }

    /// A gap as another store would hold it after an import: the key it was imported
    /// under, its own id aside (ids are reassigned), merges by key.
    struct GapContent: Hashable {
        var key, title, description, status, createdBy: String
        var category, subcategory, team, link, mergedInto: String?
        var createdAt: Date
    }

    struct SubmissionContent: Hashable {
        var key, gap, severity, impact, context: String
        var workaround: Workaround
        var account, accountName, opportunity: String?
        var amount: Int64?
        var submitter: String?
        var createdAt: Date
    }

    func content(_ store: GapStore) throws -> (gaps: [GapContent], submissions: [SubmissionContent]) {
        var keys: [GapID: String] = [:]
        var gaps: [Gap] = []
        try store.forEachGap { gap in
            keys[gap.id] = gap.externalID ?? gap.id.description
            gaps.append(gap)
        }
        let gapContent = gaps.map { gap in
            GapContent(
                key: keys[gap.id]!, title: gap.title, description: gap.description, status: gap.status.name, createdBy: gap.createdBy,
                category: gap.category, subcategory: gap.subcategory, team: gap.team, link: gap.externalLink,
                mergedInto: gap.mergedInto.map { keys[$0]! }, createdAt: gap.createdAt)
        }
        var submissions: [SubmissionContent] = []
        try store.forEachSubmission { s in
            submissions.append(SubmissionContent(
                key: s.externalID ?? s.id.description, gap: keys[s.gapID]!, severity: s.severity.rawValue, impact: s.impact, context: s.context,
                workaround: s.workaround, account: s.accountID, accountName: try s.accountID.flatMap { try store.account($0)?.name },
                opportunity: s.opportunityID, amount: try s.opportunityID.flatMap { try store.opportunity($0)?.amount },
                submitter: s.submitter, createdAt: s.createdAt))
        }
        return (gapContent, submissions)
    }

    @Test(arguments: InterchangeFormat.allCases)
    func anExportImportsIntoAnEmptyStoreWithTheSameContent(format: InterchangeFormat) throws {
        try withStore { source, directory in
            try populate(source)
            let gaps = try exportText(.gaps, from: source, format: format)
            let submissions = try exportText(.submissions, from: source, format: format)
            let target = try GapStore(path: directory + "/target")
            let importedGaps = try importText(gaps, format: format, into: target) { $0.createCategories = true }
            #expect(importedGaps.created == 4 && importedGaps.merged == 2)
            let importedSubmissions = try importText(submissions, format: format, into: target)
            #expect(importedSubmissions.created == 4)
            let expected = try content(source)
            let actual = try content(target)
            #expect(actual.gaps == expected.gaps)
            #expect(actual.submissions == expected.submissions)
            // Gaps are created in export order, so the ids come out the same here.
            #expect(try target.gap(externalID: "GAP-000001")?.id == GapID(1))
            #expect(try target.impact(of: GapID(1)) == (try source.impact(of: GapID(1))))
            #expect(try target.verify().isConsistent)
            // The target's own export imports into it again as a no-op.
            let before = try snapshot(target)
            let again = try importText(try exportText(.gaps, from: target, format: format), format: format, into: target)
            #expect(again.created == 0 && again.alreadyPresent == 4)
            #expect(try snapshot(target) == before)
        }
    }

    @Test func csvExportQuotesWhatNeedsQuoting() throws {
        try withStore { store, _ in
            try populate(store)
            let csv = try exportText(.gaps, from: store, format: .csv)
            let lines = csv.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines[0] == "id,external_id,title,description,category,subcategory,team,status,created,created_by,link,merged_into")
            #expect(lines[1].hasPrefix("GAP-000001,,SAML group sync,\"Sync \"\"Okta\"\" groups,"))
            #expect(csv.hasSuffix("\n"))
        }
    }
}
