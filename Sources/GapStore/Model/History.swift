public import Foundation

/// One change in a gap's life, as its history shows it.
public struct HistoryEntry: Sendable, Hashable {
    /// What happened.
    public enum Event: Sendable, Hashable {
        /// The gap was created (`forced` when a likely duplicate was overridden).
        case created(forced: Bool)
        /// A field changed from `old` to `new` (empty strings for unset values).
        case edited(field: String, old: String, new: String)
        /// The status moved.
        case statusChanged(from: GapStatus, to: GapStatus)
        /// This gap was merged into `target`.
        case mergedInto(GapID)
        /// `source` was merged into this gap.
        case absorbed(GapID)
        /// This gap was split out of `target` again.
        case unmergedFrom(GapID)
        /// `source` was split out of this gap again.
        case released(GapID)
        /// A submission was filed against the gap.
        case submissionAdded(SubmissionID)
    }

    /// The change log sequence number of the operation that recorded it.
    public let sequence: UInt64
    public let time: Date
    /// Who did it; `nil` for anonymous submissions.
    public let actor: String?
    public let event: Event
    /// The note given with the change, if any.
    public let note: String?
}

/// One entry of the store's change log: every write operation appends one, numbered in
/// commit order, so that consumers (a search index, a sync job) can follow the store with
/// ``GapStore/changes(after:limit:)``.
public struct Change: Sendable, Hashable {
    /// The kinds of operation.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case gapCreated = "gap-created"
        case gapEdited = "gap-edited"
        case statusChanged = "status-changed"
        case gapMerged = "gap-merged"
        case gapUnmerged = "gap-unmerged"
        case submissionAdded = "submission-added"
        case accountSaved = "account-saved"
        case opportunitySaved = "opportunity-saved"
        case taxonomyChanged = "taxonomy-changed"
    }

    /// Position in the log: strictly increasing, never reused.
    public let sequence: UInt64
    public let kind: Kind
    public let time: Date
    /// The gaps whose records (or search entries) changed.
    public let gaps: [GapID]
    /// The submission concerned, if any.
    public let submission: SubmissionID?
}
