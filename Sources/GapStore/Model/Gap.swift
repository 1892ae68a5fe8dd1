public import Foundation

/// A product gap: a feature request or enhancement heard from customers, tracked until
/// Product resolves or declines it.
public struct Gap: Sendable, Hashable, Identifiable {
    /// The stable id (`GAP-000123`).
    public let id: GapID
    /// One line naming the request (1–300 characters).
    public var title: String
    /// Details: what is asked for and why (up to 64 KiB of UTF-8).
    public var description: String
    /// The category from the store's taxonomy, if set.
    public var category: String?
    /// The subcategory within ``category``, if set.
    public var subcategory: String?
    /// The team that owns the gap, if assigned.
    public var team: String?
    /// Where the gap stands in the workflow.
    public var status: GapStatus
    /// When the gap was created.
    public var createdAt: Date
    /// Who created it.
    public var createdBy: String
    /// When it last changed.
    public var updatedAt: Date
    /// Who changed it last.
    public var updatedBy: String
    /// The GitHub issue tracking it, if any.
    public var externalLink: String?
    /// The gap this one was merged into, if it was merged.
    public var mergedInto: GapID?
    /// The id of the gap in the system it was imported from, if any.
    public var externalID: String?

    /// Whether the gap was merged into another (and so resolves to it).
    public var isMerged: Bool { mergedInto != nil }
}

/// What a new gap is made of; see ``GapStore/createGap(_:by:force:)``.
public struct GapDraft: Sendable, Hashable {
    public var title: String
    public var description: String
    public var category: String?
    public var subcategory: String?
    public var team: String?
    public var status: GapStatus
    public var externalLink: String?
    public var externalID: String?
    /// When it was created; `nil` for now. Imports set the original time.
    public var createdAt: Date?

    public init(
        title: String, description: String = "", category: String? = nil, subcategory: String? = nil,
        team: String? = nil, status: GapStatus = .open, externalLink: String? = nil, externalID: String? = nil,
        createdAt: Date? = nil
    ) {
        self.title = title
        self.description = description
        self.category = category
        self.subcategory = subcategory
        self.team = team
        self.status = status
        self.externalLink = externalLink
        self.externalID = externalID
        self.createdAt = createdAt
    }
}

/// Changes to a gap's fields; `nil` leaves a field as it is. See
/// ``GapStore/editGap(_:_:by:note:)``.
public struct GapEdit: Sendable, Hashable {
    public var title: String?
    public var description: String?
    /// A new category; pass an empty string to clear it (and the subcategory).
    public var category: String?
    /// A new subcategory (within the new or current category); empty clears it.
    public var subcategory: String?
    /// A new team; empty clears it.
    public var team: String?
    /// A new GitHub issue URL; empty clears it.
    public var externalLink: String?

    public init(
        title: String? = nil, description: String? = nil, category: String? = nil, subcategory: String? = nil,
        team: String? = nil, externalLink: String? = nil
    ) {
        self.title = title
        self.description = description
        self.category = category
        self.subcategory = subcategory
        self.team = team
        self.externalLink = externalLink
    }
}

/// The outcome of creating a gap.
public struct GapCreation: Sendable, Hashable {
    /// The new gap.
    public let gap: Gap
    /// Advice that did not stop the creation, such as text that reads like a bug report.
    public let warnings: [GapWarning]
}

/// Advice about a gap's text that does not prevent saving it.
public struct GapWarning: Sendable, Hashable, CustomStringConvertible {
    /// Stable identifiers for the kinds of warning.
    public enum Kind: String, Sendable, Hashable {
        /// The text reads like a bug report; product gaps are feature requests.
        case looksLikeBug = "looks-like-bug"
    }

    public let kind: Kind
    public let message: String
    /// The words that triggered the warning.
    public let evidence: [String]

    public var description: String { message }
}
