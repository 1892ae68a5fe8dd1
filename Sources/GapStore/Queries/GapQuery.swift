public import Foundation

/// Which gaps to list, in what order, and which page of them.
public struct GapQuery: Sendable, Hashable {
    /// How to order the gaps.
    public enum Sort: String, Sendable, Hashable, CaseIterable {
        /// Most recently created first.
        case newest
        /// Oldest first.
        case oldest
        /// Most distinct customers first (then most revenue).
        case mostCustomers = "customers"
        /// Most revenue at stake first (then most customers).
        case mostRevenue = "revenue"
    }

    /// Only gaps in one of these statuses; empty for any.
    public var statuses: Set<GapStatus> = []
    /// Only gaps owned by one of these teams (case-insensitive); empty for any.
    public var teams: [String] = []
    /// Only gaps in one of these categories; empty for any.
    public var categories: [String] = []
    /// Only gaps this customer account submitted to.
    public var accountID: String?
    /// Only gaps created at or after this time.
    public var createdFrom: Date?
    /// Only gaps created before this time.
    public var createdBefore: Date?
    /// Include gaps that were merged into others (they are hidden by default).
    public var includeMerged = false
    public var sort: Sort = .newest
    /// At most this many gaps (1–``maxLimit``).
    public var limit = 50
    /// The largest page ``GapStore/listGaps(_:)`` returns.
    public static let maxLimit = 10_000
    /// Skip this many gaps first.
    public var offset = 0

    public init(
        statuses: Set<GapStatus> = [], teams: [String] = [], categories: [String] = [], accountID: String? = nil,
        createdFrom: Date? = nil, createdBefore: Date? = nil, includeMerged: Bool = false, sort: Sort = .newest,
        limit: Int = 50, offset: Int = 0
    ) {
        self.statuses = statuses
        self.teams = teams
        self.categories = categories
        self.accountID = accountID
        self.createdFrom = createdFrom
        self.createdBefore = createdBefore
        self.includeMerged = includeMerged
        self.sort = sort
        self.limit = limit
        self.offset = offset
    }
}

/// One page of a gap listing.
public struct GapPage: Sendable, Hashable {
    /// The gaps on this page, each with its impact.
    public let items: [GapListing]
    /// How many gaps match the query in all.
    public let total: Int
}

/// A gap with its impact numbers.
public struct GapListing: Sendable, Hashable {
    public let gap: Gap
    public let impact: GapImpact
}

/// How much a gap matters: the customers it touches and what they bring.
///
/// Counts include the submissions of gaps merged into this one; a customer who submitted to
/// several of them counts once.
public struct GapImpact: Sendable, Hashable {
    public let gapID: GapID
    /// Distinct customer accounts.
    public let customers: Int
    /// Submissions in all (customer and internal).
    public let submissions: Int
    /// Submissions without a customer (employees' own feedback).
    public let internalSubmissions: Int
    /// Sum of each distinct customer's most recent opportunity amount, in minor units.
    public let revenueAtStake: Int64
    /// Submissions per severity.
    public let severity: SeverityMix
    /// Submissions whose customer has a workaround.
    public let withWorkaround: Int
}

/// Counts per ``Severity``.
public struct SeverityMix: Sendable, Hashable {
    public var blocker = 0
    public var high = 0
    public var medium = 0
    public var low = 0

    public init() {}

    public subscript(severity: Severity) -> Int {
        get {
            switch severity {
            case .blocker: blocker
            case .high: high
            case .medium: medium
            case .low: low
            }
        }
        set {
            switch severity {
            case .blocker: blocker = newValue
            case .high: high = newValue
            case .medium: medium = newValue
            case .low: low = newValue
            }
        }
    }

    /// All submissions counted.
    public var total: Int { blocker + high + medium + low }

    static func + (lhs: SeverityMix, rhs: SeverityMix) -> SeverityMix {
        var sum = lhs
        for severity in Severity.allCases { sum[severity] += rhs[severity] }
        return sum
    }
}
