import Foundation
import GapStore
import GapTestSupport
import Testing

@Suite struct SubmissionTests {
    @Test func submissionsTieCustomersToGapsWithImpact() throws {
        try withStore { store, _ in
            try seedTaxonomyAndAccounts(store)
            let id = try store.createGap(draft("SCIM provisioning", category: "Authentication"), by: "ana").gap.id
            let first = try store.submit(SubmissionDraft(
                gapID: id, accountID: "ACME", opportunityID: "OPP-A2", severity: .blocker, impact: "Blocks renewal",
                workaround: .described("Manual user sync"), context: "Okta shop", submitter: "ce@example.com"))
            try store.submit(SubmissionDraft(gapID: id, accountID: "ACME", severity: .medium, workaround: .none, submitter: "ce2@example.com"))
            try store.submit(SubmissionDraft(gapID: id, accountID: "GLOBEX", severity: .high, submitter: "ce@example.com"))
            try store.submit(SubmissionDraft(gapID: id, severity: .low, context: "I want this myself", submitter: "eng@example.com"))
            #expect(first.id == SubmissionID(1))
            #expect(first.workaround == .described("Manual user sync"))
            #expect(try store.submission(first.id) == first)

            let impact = try store.impact(of: id)
            #expect(impact.customers == 2)
            #expect(impact.submissions == 4)
            #expect(impact.internalSubmissions == 1)
            // ACME's most recent opportunity (OPP-A2, 25,000.00) once, plus GLOBEX's 40,000.00.
            #expect(impact.revenueAtStake == 65_000_00)
            #expect(impact.severity.blocker == 1 && impact.severity.high == 1 && impact.severity.medium == 1 && impact.severity.low == 1)
            #expect(impact.withWorkaround == 1)
            #expect(try store.submissions(forGap: id).count == 4)
            #expect(try store.submissions(forAccount: "ACME").map(\.id) == [SubmissionID(1), SubmissionID(2)])
            #expect(try store.history(of: id).filter { if case .submissionAdded = $0.event { true } else { false } }.count == 4)
        }
    }

    @Test func invalidSubmissionsChangeNothing() throws {
        try withStore { store, _ in
            try seedTaxonomyAndAccounts(store)
            let id = try store.createGap(draft("X"), by: "ana").gap.id
            let before = try store.lastChangeSequence()
            expectFailure(.notFound) { try store.submit(SubmissionDraft(gapID: GapID(99), severity: .low, submitter: "a")) }
            expectFailure(.notFound) {
                try store.submit(SubmissionDraft(gapID: id, accountID: "NOPE", severity: .low, submitter: "a"))
            }
            expectFailure(.notFound) {
                try store.submit(SubmissionDraft(gapID: id, accountID: "ACME", opportunityID: "OPP-X", severity: .low, submitter: "a"))
            }
            expectFailure(.invalidField) {
                try store.submit(SubmissionDraft(gapID: id, accountID: "ACME", opportunityID: "OPP-G1", severity: .low, submitter: "a"))
            }
            expectFailure(.invalidField) {
                try store.submit(SubmissionDraft(gapID: id, opportunityID: "OPP-G1", severity: .low, submitter: "a"))
            }
            expectFailure(.invalidField) {
                try store.submit(SubmissionDraft(gapID: id, severity: .low, context: String(repeating: "x", count: 16 * 1024 + 1), submitter: "a"))
            }
            expectFailure(.invalidField) { try store.submit(SubmissionDraft(gapID: id, severity: .low, submitter: "")) }
            #expect(try store.lastChangeSequence() == before)
            #expect(try store.statistics().submissions == 0)
        }
    }

    @Test func submissionCanRecordItsAccountAndOpportunityInOneTransaction() throws {
        try withStore { store, _ in
            let id = try store.createGap(draft("X"), by: "ana").gap.id
            let close = Date(timeIntervalSince1970: 1_800_000_000)
            let submission = try store.submit(SubmissionDraft(
                gapID: id, accountID: "HOOLI", accountName: "Hooli",
                opportunity: OpportunityDraft(id: "OPP-H1", kind: .renewal, amount: 99_000_00, closeDate: close),
                severity: .blocker, submitter: "ce"))
            #expect(submission.opportunityID == "OPP-H1")
            #expect(try store.account("HOOLI")?.name == "Hooli")
            #expect(try store.mostRecentOpportunity(ofAccount: "HOOLI")?.amount == 99_000_00)
            #expect(try store.impact(of: id).revenueAtStake == 99_000_00)
            // A refused submission leaves no account or opportunity behind.
            expectFailure(.currencyMismatch) {
                try store.submit(SubmissionDraft(
                    gapID: id, accountID: "PIED", accountName: "Pied Piper",
                    opportunity: OpportunityDraft(id: "OPP-P1", kind: .netNew, amount: 1, currency: "EUR", closeDate: close),
                    severity: .low, submitter: "ce"))
            }
            expectFailure(.notFound) {
                try store.submit(SubmissionDraft(
                    gapID: GapID(99), accountID: "PIED", accountName: "Pied Piper",
                    opportunity: OpportunityDraft(id: "OPP-P1", kind: .netNew, amount: 1, closeDate: close),
                    severity: .low, submitter: "ce"))
            }
            #expect(try store.account("PIED") == nil)
            #expect(try store.opportunities(ofAccount: "PIED").isEmpty)
        }
    }

    @Test func severityParsing() throws {
        #expect(try Severity.parse(" Blocker ") == .blocker)
        let error = #expect(throws: GapStoreError.self) { try Severity.parse("critical") }
        #expect(error?.message.contains("blocker, high, medium, low") == true)
        #expect(try OpportunityKind.parse("Net_New") == .netNew)
        #expect(throws: GapStoreError.self) { try OpportunityKind.parse("upsell") }
    }

    @Test func mostRecentOpportunityIsLatestCloseThenLatestRecorded() throws {
        try withStore { store, _ in
            try store.saveAccount(id: "A", name: "A")
            let date = Date(timeIntervalSince1970: 1_800_000_000)
            try store.saveOpportunity(id: "O1", accountID: "A", kind: .netNew, amount: 100, closeDate: date)
            try store.saveOpportunity(id: "O2", accountID: "A", kind: .renewal, amount: 200, closeDate: date.addingTimeInterval(-86_400))
            #expect(try store.mostRecentOpportunity(ofAccount: "A")?.id == "O1")
            try store.saveOpportunity(id: "O3", accountID: "A", kind: .renewal, amount: 300, closeDate: date)
            #expect(try store.mostRecentOpportunity(ofAccount: "A")?.id == "O3")
            // Updating O1 records it again: now it is the later of the two on that date.
            try store.saveOpportunity(id: "O1", accountID: "A", kind: .netNew, amount: 150, closeDate: date)
            #expect(try store.mostRecentOpportunity(ofAccount: "A")?.amount == 150)
            #expect(try store.opportunities(ofAccount: "A").map(\.id) == ["O2", "O3", "O1"])
            expectFailure(.currencyMismatch) {
                try store.saveOpportunity(id: "O4", accountID: "A", kind: .netNew, amount: 1, currency: "EUR", closeDate: date)
            }
            expectFailure(.invalidField) {
                try store.saveOpportunity(id: "O4", accountID: "A", kind: .netNew, amount: -1, closeDate: date)
            }
            expectFailure(.notFound) {
                try store.saveOpportunity(id: "O4", accountID: "B", kind: .netNew, amount: 1, closeDate: date)
            }
            try store.saveAccount(id: "B", name: "B")
            expectFailure(.invalidField) {
                try store.saveOpportunity(id: "O1", accountID: "B", kind: .netNew, amount: 1, closeDate: date)
            }
        }
    }

    /// The submitter of an anonymous submission appears nowhere in the store's files, nor in a
    /// backup; the same search does find a named submitter (so it can fail).
    @Test func anonymousSubmissionsStoreNothingIdentifying() throws {
        try withTemporaryDirectory { directory in
            let secret = "zelda.whistleblower@example.com"
            let named = "visible.person@example.com"
            do {
                let store = try GapStore(path: directory + "/store")
                try store.saveAccount(id: "ACME", name: "Acme")
                let id = try store.createGap(draft("Private feedback gap"), by: "pm@example.com").gap.id
                let anonymous = try store.submit(SubmissionDraft(
                    gapID: id, accountID: "ACME", severity: .high, impact: "hurts", submitter: secret, anonymous: true))
                #expect(anonymous.submitter == nil)
                #expect(anonymous.isAnonymous)
                try store.submit(SubmissionDraft(gapID: id, severity: .low, submitter: named))
                let historyActors = try store.history(of: id).map(\.actor)
                #expect(historyActors.contains(nil))
                #expect(!historyActors.contains(secret))
                try store.backup(to: directory + "/backup")
            }
            let bytes = try allBytes(below: directory)
            #expect(bytes.range(of: Data(named.utf8)) != nil, "the search must find a named submitter")
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "the anonymous submitter leaked into the files")
            #expect(bytes.range(of: Data("zelda".utf8)) == nil)
        }
    }
}
