import Foundation
internal import LMDB

extension GapWriter {
    /// Files a submission: ties a customer (or, without an account, internal feedback) to a
    /// gap with the impact on them. A submission to a merged gap goes to the gap it resolves to.
    ///
    /// The account (``SubmissionDraft/accountName``) and opportunity
    /// (``SubmissionDraft/opportunity``) can be recorded in the same transaction.
    ///
    /// With `anonymous` set, the submitter is dropped before anything is written: the record,
    /// the gap's history and the change log hold nothing that identifies them.
    ///
    /// - Throws: ``GapStoreError/Code/notFound`` for an unknown gap, account or opportunity;
    ///   ``GapStoreError/Code/invalidField`` when the opportunity belongs to another account,
    ///   or for a field over its limit; ``GapStoreError/Code/alreadyExists`` for an external
    ///   id already imported.
    @discardableResult
    public func submit(_ draft: SubmissionDraft) throws(GapStoreError) -> Submission {
        let accountID = try Validate.optionalIdentifier(draft.accountID, field: "the account id")
        let accountName = try Validate.optionalName(draft.accountName, field: "the account name")
        let opportunity = try draft.opportunity.map { (draft) throws(GapStoreError) -> Opportunity in
            guard let accountID else { throw GapStoreError(.invalidField, "an opportunity needs its account; give the account id too") }
            return try validatedOpportunity(draft, accountID: accountID)
        }
        if let opportunity, let given = draft.opportunityID, given.trimmingWhitespace() != opportunity.id {
            throw GapStoreError(.invalidField, "two different opportunity ids given (\(given) and \(opportunity.id))")
        }
        var opportunityID = opportunity?.id
        if opportunityID == nil { opportunityID = try Validate.optionalIdentifier(draft.opportunityID, field: "the opportunity id") }
        let impact = try Validate.text(draft.impact, field: "the impact")
        let context = try Validate.text(draft.context, field: "the context")
        let workaround: Workaround
        if case .described(let text) = draft.workaround {
            let cleaned = try Validate.text(text, field: "the workaround")
            workaround = cleaned.isEmpty ? .unknown : .described(cleaned)
        } else {
            workaround = draft.workaround
        }
        // Anonymous: the name is validated nowhere and stored nowhere.
        let submitter = draft.anonymous ? nil : try Validate.name(draft.submitter, field: "the submitter")
        if opportunityID != nil && accountID == nil {
            throw GapStoreError(.invalidField, "an opportunity needs its account; give the account id too")
        }
        let created = draft.createdAt?.millis
        let externalID = try Validate.optionalIdentifier(draft.externalID, field: "the external id")

        return try perform("filing a submission", kind: .submissionAdded) { txn, writeContext in
            let gap = draft.followsMerges ? try schema.resolve(draft.gapID, txn) : try schema.requireGap(draft.gapID, txn)
            if let externalID, let existing = try schema.submission(externalID: externalID, txn) {
                throw GapStoreError(.alreadyExists, "external id \"\(externalID)\" was already imported as \(existing)")
            }
            if let accountID, let accountName {
                try txn.put(RecordCodec.encode(Account(id: accountID, name: accountName)), forKey: accountID, in: schema.accounts)
            }
            if let opportunity { try schema.upsert(opportunity, writeContext, txn) }
            if let accountID, try !txn.contains(accountID, in: schema.accounts) {
                throw GapStoreError(.notFound, "no account \"\(accountID)\"; add it first (`gapsearch account add`)")
            }
            if let opportunityID {
                guard let (opportunity, _) = try schema.loadOpportunity(opportunityID, txn) else {
                    throw GapStoreError(.notFound, "no opportunity \"\(opportunityID)\"; add it first")
                }
                guard opportunity.accountID == accountID else {
                    throw GapStoreError(.invalidField, "opportunity \(opportunityID) belongs to account \(opportunity.accountID), not \(accountID ?? "")")
                }
            }
            let id = SubmissionID(try schema.nextCounter(MetaKey.nextSubmission, txn))
            let submission = Submission(
                id: id, gapID: gap.id, accountID: accountID, opportunityID: opportunityID, severity: draft.severity,
                impact: impact, workaround: workaround, context: context, submitter: submitter,
                createdAt: Date(millis: created ?? writeContext.now), externalID: externalID)
            try txn.put(RecordCodec.encode(submission), forKey: Keys.submission(id), in: schema.submissions, flags: .append)
            try schema.addIndexEntries(of: submission, txn)
            try schema.appendHistory(gap.id, [.submissionAdded(id)], actor: submitter, note: nil, writeContext, txn)
            return (submission, [gap.id], id)
        }
    }
}
