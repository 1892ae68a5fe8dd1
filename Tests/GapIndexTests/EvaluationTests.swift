import Testing

@testable import GapIndex

/// ``DuplicateEvaluation`` on a tiny labelled dataset whose duplicates are obvious.
@Suite("DuplicateEvaluation")
struct EvaluationTests {
    typealias Record = DuplicateEvaluation.Record

    static func record(_ id: String, _ created: Int64, _ title: String, _ body: String = "", of original: String? = nil, group: String? = nil)
        -> Record
    {
        Record(id: id, title: title, body: body, created: created, duplicateOf: original, group: group)
    }

    /// Six distinct originals; four later duplicates of them; a record whose original is
    /// created after it; a record whose original does not exist; a record created at the
    /// same time as its original; and a later copy of a query's text (only records created
    /// before a query may be searched, so it must not get in the way).
    static let records: [Record] = [
        record("A1", 10, "Export dashboard to PDF", "we need to export every dashboard as a pdf file", group: "pdf"),
        record("A2", 20, "SAML single sign-on with Okta", "support okta as a saml identity provider"),
        record("A3", 30, "Dark mode for the mobile app", "the mobile app is too bright at night"),
        record("A4", 40, "CSV import fails on large files", "importing a csv over 10 MB times out"),
        record("A5", 50, "Webhook retries", "retry failed webhook deliveries with backoff"),
        record("A6", 60, "Keyboard shortcuts in the editor", "vim style shortcuts for the text editor"),
        record("B1", 70, "Export dashboards as PDF files", "please allow exporting a dashboard to pdf", of: "A1", group: "pdf"),
        record("B2", 80, "Okta SAML SSO", "saml sign-on through okta", of: "A2"),
        record("B3", 90, "Mobile app dark mode", "a dark theme for the mobile app at night", of: "A3"),
        record("B4", 100, "Large CSV import times out", "csv import fails for large files", of: "A4"),
        record("C1", 5, "Webhook delivery retries", "retry webhooks", of: "A5"),  // original created later
        record("C2", 110, "Something unrelated", "no original", of: "NOPE"),  // original unknown
        record("C3", 60, "Editor keyboard shortcuts", "shortcuts", of: "A6"),  // same time as original
        record("L1", 120, "Large CSV import times out", "csv import fails for large files"),  // later copy of B4
    ]

    @Test func obviousDuplicatesAreFoundFirst() {
        var ticks: UInt64 = 0
        let result = DuplicateEvaluation().run(Self.records) {
            ticks += 1_000
            return ticks
        }
        #expect(result.queries == 4, "B1–B4; not C1 (original later), C2 (unknown), C3 (same time)")
        #expect(result.documents == Self.records.count)
        #expect(result.strictRanks == [1, 1, 1, 1])
        for k in [1, 5, 10, 20] {
            #expect(result.strict.recall[k] == 1.0, "recall@\(k)")
            #expect(result.group.recall[k] == 1.0, "group recall@\(k)")
        }
        #expect(result.strict.meanReciprocalRank == 1.0)
        #expect(result.latenciesNanoseconds == [1_000, 1_000, 1_000, 1_000])
        #expect(result.topConfidence.count == 4)
        #expect(result.topConfidence.allSatisfy { $0.correct && $0.confidence > 0 && $0.confidence <= 1 })
    }

    @Test func recordWhoseOriginalIsLaterIsNotAQuery() {
        let records = [
            Self.record("X", 10, "Export dashboard to PDF", of: "Y"),
            Self.record("Y", 20, "Export dashboard to PDF"),
        ]
        let result = DuplicateEvaluation().run(records) { 0 }
        #expect(result.queries == 0)
        #expect(result.strictRanks.isEmpty)
        #expect(result.documents == 2)
    }

    @Test func missedDuplicateLowersRecall() {
        let records = [
            Self.record("A", 10, "Export dashboard to PDF"),
            Self.record("B", 20, "Dark mode for the mobile app"),
            Self.record("C", 30, "Export dashboard to PDF", of: "A"),
            Self.record("D", 40, "Completely different words", of: "B"),
        ]
        let result = DuplicateEvaluation().run(records) { 0 }
        #expect(result.queries == 2)
        #expect(result.strictRanks == [1, nil])
        #expect(result.strict.recall[1] == 0.5)
        #expect(result.strict.meanReciprocalRank == 0.5)
    }
}
