public import Foundation

/// A customer (or prospect) account, keyed by the CRM's account id.
public struct Account: Sendable, Hashable, Identifiable {
    /// The CRM's account id.
    public let id: String
    /// The account's name.
    public var name: String
}

/// Whether an opportunity wins a new customer or keeps an existing one.
public enum OpportunityKind: String, CaseIterable, Sendable, Hashable, CustomStringConvertible {
    case netNew = "net-new"
    case renewal

    public var description: String { rawValue }

    /// Parses `net-new`, `new`, `net_new` or `renewal`, case-insensitively.
    public static func parse(_ text: String) throws(GapStoreError) -> OpportunityKind {
        switch text.trimmingWhitespace().lowercased().replacingOccurrences(of: "_", with: "-") {
        case "net-new", "netnew", "new": return .netNew
        case "renewal": return .renewal
        default:
            throw GapStoreError(.invalidField, "unknown opportunity kind \"\(text)\"; use net-new or renewal")
        }
    }
}

/// A sales opportunity of an account: the deal at stake.
///
/// An account's **most recent opportunity** is the one with the latest ``closeDate``; when two
/// close on the same day, the one recorded later wins. Its amount is the account's revenue at
/// stake in impact reports.
public struct Opportunity: Sendable, Hashable, Identifiable {
    /// The CRM's opportunity id.
    public let id: String
    /// The account it belongs to.
    public let accountID: String
    public var kind: OpportunityKind
    /// The amount in minor units of ``currency`` (cents for USD).
    public var amount: Int64
    /// ISO 4217 code, such as `USD`. A store counts money in one currency.
    public var currency: String
    /// When the deal closes (or closed).
    public var closeDate: Date
}

/// An opportunity to record together with a submission; see ``SubmissionDraft/opportunity``.
public struct OpportunityDraft: Sendable, Hashable {
    public var id: String
    public var kind: OpportunityKind
    /// The amount in minor units (cents for USD).
    public var amount: Int64
    /// ISO 4217 code; `nil` for the store's currency.
    public var currency: String?
    public var closeDate: Date

    public init(id: String, kind: OpportunityKind, amount: Int64, currency: String? = nil, closeDate: Date) {
        self.id = id
        self.kind = kind
        self.amount = amount
        self.currency = currency
        self.closeDate = closeDate
    }
}
