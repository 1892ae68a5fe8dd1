import Foundation
import GapStore

/// The JSON shapes `--json` prints. Field names are stable; new fields may be added.
struct GapJSON: Codable {
    var id: String
    var title: String
    var description: String
    var category: String?
    var subcategory: String?
    var team: String?
    var status: String
    var createdAt: Date
    var createdBy: String
    var updatedAt: Date
    var updatedBy: String
    var link: String?
    var mergedInto: String?
    var externalID: String?

    init(_ gap: Gap) {
        id = gap.id.description
        title = gap.title
        description = gap.description
        category = gap.category
        subcategory = gap.subcategory
        team = gap.team
        status = gap.status.name
        createdAt = gap.createdAt
        createdBy = gap.createdBy
        updatedAt = gap.updatedAt
        updatedBy = gap.updatedBy
        link = gap.externalLink
        mergedInto = gap.mergedInto?.description
        externalID = gap.externalID
    }
}

struct ImpactJSON: Codable {
    var customers: Int
    var submissions: Int
    var internalSubmissions: Int
    /// In minor units of the store's currency.
    var revenueAtStake: Int64
    var currency: String
    var severity: [String: Int]
    var withWorkaround: Int

    init(_ impact: GapImpact, currency: String) {
        customers = impact.customers
        submissions = impact.submissions
        internalSubmissions = impact.internalSubmissions
        revenueAtStake = impact.revenueAtStake
        self.currency = currency
        severity = Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.rawValue, impact.severity[$0]) })
        withWorkaround = impact.withWorkaround
    }
}

struct GapWithImpactJSON: Codable {
    var gap: GapJSON
    var impact: ImpactJSON
}

struct SubmissionJSON: Codable {
    var id: String
    var gap: String
    var account: String?
    var opportunity: String?
    var severity: String
    var impact: String
    /// "unknown", "none", or the workaround's text.
    var workaround: String
    var context: String
    var submitter: String?
    var anonymous: Bool
    var createdAt: Date
    var externalID: String?

    init(_ submission: Submission) {
        id = submission.id.description
        gap = submission.gapID.description
        account = submission.accountID
        opportunity = submission.opportunityID
        severity = submission.severity.rawValue
        impact = submission.impact
        switch submission.workaround {
        case .unknown: workaround = "unknown"
        case .none: workaround = "none"
        case .described(let text): workaround = text
        }
        context = submission.context
        submitter = submission.submitter
        anonymous = submission.isAnonymous
        createdAt = submission.createdAt
        externalID = submission.externalID
    }
}

struct HistoryJSON: Codable {
    var sequence: UInt64
    var time: Date
    var actor: String?
    var event: String
    var detail: String
    var note: String?

    init(_ entry: HistoryEntry) {
        sequence = entry.sequence
        time = entry.time
        actor = entry.actor
        note = entry.note
        (event, detail) = describe(entry.event)
    }
}

/// A history event as a stable kind and a human detail.
func describe(_ event: HistoryEntry.Event) -> (kind: String, detail: String) {
    switch event {
    case .created(let forced): ("created", forced ? "created despite a likely duplicate" : "created")
    case let .edited(field, old, new): ("edited", "\(field): \"\(old)\" → \"\(new)\"")
    case let .statusChanged(from, to): ("status", "\(from.name) → \(to.name)")
    case .mergedInto(let target): ("merged", "merged into \(target)")
    case .absorbed(let source): ("absorbed", "\(source) merged into this gap")
    case .unmergedFrom(let target): ("unmerged", "split out of \(target)")
    case .released(let source): ("released", "\(source) split out of this gap")
    case .submissionAdded(let id): ("submission", "\(id) filed")
    }
}

/// Writes `value` as pretty, key-sorted JSON with ISO 8601 dates.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    let data = try encoder.encode(value)
    print(String(decoding: data, as: UTF8.self))
}
