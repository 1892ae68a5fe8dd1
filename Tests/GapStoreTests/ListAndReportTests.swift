import Foundation
import GapStore
import Testing

@Suite struct ListAndReportTests {
    /// Four gaps: two in Code search (Search team), one in Authentication (Identity), one bare.
    private func seed(_ store: GapStore) throws -> [GapID] {
        try seedTaxonomyAndAccounts(store)
        let ids = try [
            store.createGap(draft("Regex search in diffs", category: "Code search", team: "Search"), by: "ana").gap.id,
            store.createGap(draft("Search archived repos", category: "Code search", team: "Search"), by: "ana").gap.id,
            store.createGap(draft("SAML group sync", category: "Authentication", team: "Identity"), by: "bo").gap.id,
            store.createGap(draft("Dark mode"), by: "bo").gap.id,
        ]
        try store.submit(SubmissionDraft(gapID: ids[0], accountID: "INITECH", severity: .low, submitter: "ce"))
        try store.submit(SubmissionDraft(gapID: ids[1], accountID: "ACME", severity: .high, submitter: "ce"))
        try store.submit(SubmissionDraft(gapID: ids[1], accountID: "INITECH", severity: .medium, submitter: "ce"))
        try store.submit(SubmissionDraft(gapID: ids[2], accountID: "GLOBEX", severity: .blocker, workaround: .described("LDAP"), submitter: "ce"))
        try store.setStatus(ids[2], to: .scheduled, by: "pm")
        return ids
    }

    @Test func filtersSortsAndPages() throws {
        try withStore { store, _ in
            let ids = try seed(store)
            #expect(try store.listGaps().items.map(\.gap.id) == ids.reversed())
            #expect(try store.listGaps(GapQuery(sort: .oldest)).items.map(\.gap.id) == ids)
            #expect(try store.listGaps(GapQuery(statuses: [.open])).total == 3)
            #expect(try store.listGaps(GapQuery(teams: ["SEARCH"], sort: .oldest)).items.map(\.gap.id) == [ids[0], ids[1]])
            #expect(try store.listGaps(GapQuery(categories: ["authentication"])).items.map(\.gap.id) == [ids[2]])
            #expect(try store.listGaps(GapQuery(statuses: [.open], teams: ["Search"], categories: ["Code search"])).total == 2)
            #expect(Set(try store.listGaps(GapQuery(accountID: "INITECH")).items.map(\.gap.id)) == [ids[0], ids[1]])
            // Revenue: GLOBEX 40,000 > ACME 25,000 + INITECH 5,000 = 30,000 > INITECH 5,000 > none.
            #expect(try store.listGaps(GapQuery(sort: .mostRevenue)).items.map(\.gap.id) == [ids[2], ids[1], ids[0], ids[3]])
            #expect(try store.listGaps(GapQuery(sort: .mostCustomers)).items.map(\.gap.id) == [ids[1], ids[2], ids[0], ids[3]])
            let page = try store.listGaps(GapQuery(sort: .oldest, limit: 2, offset: 1))
            #expect(page.items.map(\.gap.id) == [ids[1], ids[2]])
            #expect(page.total == 4)
            let firstCreated = try #require(try store.gap(ids[0])).createdAt
            let thirdCreated = try #require(try store.gap(ids[2])).createdAt
            let window = try store.listGaps(GapQuery(createdFrom: firstCreated.addingTimeInterval(0.5), createdBefore: thirdCreated.addingTimeInterval(0.5), sort: .oldest))
            #expect(window.items.map(\.gap.id) == [ids[1], ids[2]])
            expectFailure(.invalidField) { try store.listGaps(GapQuery(limit: 0)) }
            expectFailure(.unknownCategory) { try store.listGaps(GapQuery(categories: ["Nope"])) }
        }
    }

    @Test func impactReportRanksAndRollsUp() throws {
        try withStore { store, _ in
            let ids = try seed(store)
            let report = try store.impactReport(GapQuery(limit: 2))
            #expect(report.top.map(\.gap.id) == [ids[2], ids[1]])
            #expect(report.total.gaps == 4)
            #expect(report.total.submissions == 4)
            #expect(report.total.customers == 3)
            #expect(report.total.revenueAtStake == 70_000_00)
            #expect(report.total.withWorkaround == 1)
            let search = try #require(report.byTeam.first { $0.key == "Search" })
            #expect(search.gaps == 2 && search.customers == 2 && search.revenueAtStake == 30_000_00)  // INITECH once
            #expect(report.byTeam.map(\.key) == ["Identity", "Search", ""])
            #expect(report.byStatus.map(\.key) == ["Open", "Scheduled"])
            #expect(report.byCategory.first { $0.key == "Code search" }?.submissions == 3)
            let byCustomers = try store.impactReport(GapQuery(sort: .mostCustomers, limit: 1))
            #expect(byCustomers.top.map(\.gap.id) == [ids[1]])
            let filtered = try store.impactReport(GapQuery(teams: ["Identity"]))
            #expect(filtered.total.gaps == 1 && filtered.total.severity.blocker == 1)
        }
    }

    @Test func changeLogNumbersEveryWrite() throws {
        try withStore { store, _ in
            let ids = try seed(store)
            let all = try store.changes(after: 0, limit: 1000)
            #expect(all.map(\.sequence) == Array(1...UInt64(all.count)))
            #expect(try store.lastChangeSequence() == UInt64(all.count))
            let lastThree = try store.changes(after: UInt64(all.count - 3))
            #expect(lastThree.count == 3)
            #expect(lastThree.last?.kind == .statusChanged)
            #expect(lastThree.last?.gaps == [ids[2]])
            let submission = try #require(all.first { $0.kind == .submissionAdded })
            #expect(submission.submission == SubmissionID(1))
            #expect(try store.changes(after: 0, limit: 2).count == 2)
            #expect(try store.changes(after: UInt64(all.count)).isEmpty)
        }
    }
}
