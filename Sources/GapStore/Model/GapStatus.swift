/// Where a gap stands in Product's workflow: exactly the seven statuses of the process.
///
/// The allowed moves (``canMove(to:)``) follow the work: a gap is reviewed, parked in the
/// backlog, scheduled, built and resolved, or declined. Rules:
/// - A gap never "moves" to the status it already has.
/// - **Won't do** always needs a note saying why.
/// - **Resolved** and **Won't do** are closed: a closed gap can only be reopened to **Open** or
///   **In review**, and reopening needs a note.
/// - Any open status may move to any other open status, to **Resolved** or to **Won't do**.
public enum GapStatus: String, CaseIterable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Needs to be reviewed by Product.
    case open
    /// Being reviewed by Product, not yet prioritized.
    case inReview
    /// Prioritized; the team is working on it.
    case inProgress
    /// On the product roadmap.
    case scheduled
    /// Done.
    case resolved
    /// Wanted, with no date yet.
    case backlog
    /// Declined.
    case wontDo

    /// The canonical display name: `Open`, `In review`, `In progress`, `Scheduled`,
    /// `Resolved`, `Backlog`, `Won't do`.
    public var name: String {
        switch self {
        case .open: "Open"
        case .inReview: "In review"
        case .inProgress: "In progress"
        case .scheduled: "Scheduled"
        case .resolved: "Resolved"
        case .backlog: "Backlog"
        case .wontDo: "Won't do"
        }
    }

    public var description: String { name }

    /// Parses a status name case-insensitively, accepting spaces, kebab and snake case and
    /// the apostrophe-free spelling: `in review`, `In-Review`, `in_review`, `inReview`,
    /// `won't do`, `wont_do`.
    public init?(parsing text: String) {
        let key = String(
            text.lowercased().unicodeScalars.filter { $0 != " " && $0 != "-" && $0 != "_" && $0 != "'" && $0 != "’" })
        guard let status = Self.allCases.first(where: { $0.lookupKey == key }) else { return nil }
        self = status
    }

    private var lookupKey: String {
        String(name.lowercased().unicodeScalars.filter { $0 != " " && $0 != "'" })
    }

    /// Parses a status name or throws an error listing the valid ones.
    public static func parse(_ text: String) throws(GapStoreError) -> GapStatus {
        guard let status = GapStatus(parsing: text) else {
            throw GapStoreError(
                .unknownStatus,
                "unknown status \"\(text)\"; use one of: \(allCases.map(\.name).joined(separator: ", "))")
        }
        return status
    }

    /// Whether the status ends the work (Resolved, Won't do).
    public var isClosed: Bool { self == .resolved || self == .wontDo }

    /// Whether the workflow allows moving from this status to `target` (a note may still be
    /// required: see ``requiresNote(toMoveTo:)``).
    public func canMove(to target: GapStatus) -> Bool {
        guard target != self else { return false }
        if isClosed { return target == .open || target == .inReview }
        return true
    }

    /// Whether moving to `target` needs a note: declining, and reopening a closed gap.
    public func requiresNote(toMoveTo target: GapStatus) -> Bool {
        target == .wontDo || isClosed
    }

    /// Workflow order, for sorting and reports.
    public static func < (lhs: GapStatus, rhs: GapStatus) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The byte stored in records and index keys; never renumber.
    var storageCode: UInt8 {
        switch self {
        case .open: 0
        case .inReview: 1
        case .inProgress: 2
        case .scheduled: 3
        case .resolved: 4
        case .backlog: 5
        case .wontDo: 6
        }
    }

    init(storageCode: UInt8) throws(GapStoreError) {
        guard let status = Self.allCases.first(where: { $0.storageCode == storageCode }) else {
            throw GapStoreError(.corruptRecord, "unknown stored status code \(storageCode); run `gapsearch verify`")
        }
        self = status
    }
}
