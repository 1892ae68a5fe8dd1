public import Foundation

/// How badly a gap hurts one customer, from worst to mildest.
public enum Severity: String, CaseIterable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Stops the customer from buying, renewing or going live.
    case blocker
    /// Seriously hampers their use; a workaround is costly or missing.
    case high
    /// A real inconvenience with a workable workaround.
    case medium
    /// Nice to have.
    case low

    public var description: String { rawValue }

    /// Parses a severity name case-insensitively, or throws an error listing the valid ones.
    public static func parse(_ text: String) throws(GapStoreError) -> Severity {
        guard let severity = Severity(rawValue: text.trimmingWhitespace().lowercased()) else {
            throw GapStoreError(
                .invalidField,
                "unknown severity \"\(text)\"; use one of: \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return severity
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    var storageCode: UInt8 { UInt8(Self.allCases.firstIndex(of: self)!) }

    init(storageCode: UInt8) throws(GapStoreError) {
        guard Int(storageCode) < Self.allCases.count else {
            throw GapStoreError(.corruptRecord, "unknown stored severity code \(storageCode); run `gapsearch verify`")
        }
        self = Self.allCases[Int(storageCode)]
    }
}

/// What a customer does today in place of the missing feature.
public enum Workaround: Sendable, Hashable {
    /// Not said.
    case unknown
    /// Explicitly none: the customer has no way around the gap.
    case none
    /// The workaround, described.
    case described(String)

    /// Whether the customer has a workaround.
    public var exists: Bool { if case .described = self { true } else { false } }
}

/// Ties one customer (or an internal colleague) to a gap, with the impact on them.
public struct Submission: Sendable, Hashable, Identifiable {
    /// The stable id (`SUB-000042`).
    public let id: SubmissionID
    /// The gap it was filed against. After a merge the submission counts for the surviving
    /// gap; this keeps the original so that an unmerge can give it back.
    public let gapID: GapID
    /// The customer account, or `nil` for internal feedback.
    public let accountID: String?
    /// The customer's opportunity the submission was filed from, if given.
    public let opportunityID: String?
    /// How badly the gap hurts this customer.
    public let severity: Severity
    /// The true level of impact on the customer, in words.
    public let impact: String
    /// What the customer does today instead.
    public let workaround: Workaround
    /// Anything else worth knowing.
    public let context: String
    /// Who filed it; `nil` when filed anonymously (then nothing identifying is stored).
    public let submitter: String?
    /// When it was filed.
    public let createdAt: Date
    /// The id of the submission in the system it was imported from, if any (unique per store).
    public let externalID: String?

    /// Whether it was filed anonymously.
    public var isAnonymous: Bool { submitter == nil }
}

/// What a new submission is made of; see ``GapStore/submit(_:)``.
public struct SubmissionDraft: Sendable, Hashable {
    public var gapID: GapID
    /// The customer account; `nil` for internal feedback (an employee's own).
    public var accountID: String?
    public var opportunityID: String?
    /// Creates the account, or renames it, in the same transaction as the submission.
    public var accountName: String?
    /// Records the customer's opportunity in the same transaction (its id becomes
    /// ``opportunityID``), as a CRM form that files a submission from an opportunity does.
    public var opportunity: OpportunityDraft?
    public var severity: Severity
    public var impact: String
    public var workaround: Workaround
    public var context: String
    /// Who files it.
    public var submitter: String
    /// File it anonymously: ``submitter`` is then dropped, and nothing that identifies them is
    /// stored anywhere (record, history, change log, indexes, backups).
    public var anonymous: Bool
    /// When it was filed; `nil` for now. Imports set the original time.
    public var createdAt: Date?
    /// The id of the submission in the system it is imported from; a second submission with
    /// the same external id is refused, which makes re-running an import safe.
    public var externalID: String?
    /// File it against the gap that ``gapID`` was merged into, as people filing new feedback
    /// want (the default). An import of submissions filed before their gap was merged turns
    /// this off to keep them under the original gap, where an unmerge finds them.
    public var followsMerges = true

    public init(
        gapID: GapID, accountID: String? = nil, opportunityID: String? = nil, accountName: String? = nil,
        opportunity: OpportunityDraft? = nil, severity: Severity,
        impact: String = "", workaround: Workaround = .unknown, context: String = "", submitter: String,
        anonymous: Bool = false, createdAt: Date? = nil, externalID: String? = nil
    ) {
        self.gapID = gapID
        self.accountID = accountID
        self.opportunityID = opportunityID
        self.accountName = accountName
        self.opportunity = opportunity
        self.severity = severity
        self.impact = impact
        self.workaround = workaround
        self.context = context
        self.submitter = submitter
        self.anonymous = anonymous
        self.createdAt = createdAt
        self.externalID = externalID
    }
}
