import Foundation
internal import LMDB

extension GapStore {
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
    ///   or for a field over its limit.
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

        return try write("filing a submission", kind: .submissionAdded) { txn, writeContext in
            let gap = try resolve(draft.gapID, txn)
            if let accountID, let accountName {
                try txn.put(RecordCodec.encode(Account(id: accountID, name: accountName)), forKey: accountID, in: schema.accounts)
            }
            if let opportunity { try upsert(opportunity, writeContext, txn) }
            if let accountID, try !txn.contains(accountID, in: schema.accounts) {
                throw GapStoreError(.notFound, "no account \"\(accountID)\"; add it first (`gapsearch account add`)")
            }
            if let opportunityID {
                guard let (opportunity, _) = try loadOpportunity(opportunityID, txn) else {
                    throw GapStoreError(.notFound, "no opportunity \"\(opportunityID)\"; add it first")
                }
                guard opportunity.accountID == accountID else {
                    throw GapStoreError(.invalidField, "opportunity \(opportunityID) belongs to account \(opportunity.accountID), not \(accountID ?? "")")
                }
            }
            let id = SubmissionID(try nextCounter(MetaKey.nextSubmission, txn))
            let submission = Submission(
                id: id, gapID: gap.id, accountID: accountID, opportunityID: opportunityID, severity: draft.severity,
                impact: impact, workaround: workaround, context: context, submitter: submitter,
                createdAt: Date(millis: created ?? writeContext.now))
            try txn.put(RecordCodec.encode(submission), forKey: Keys.submission(id), in: schema.submissions, flags: .append)
            try addIndexEntries(of: submission, txn)
            try appendHistory(gap.id, [.submissionAdded(id)], actor: submitter, note: nil, writeContext, txn)
            return (submission, [gap.id], id)
        }
    }

    func addIndexEntries(of submission: Submission, _ txn: borrowing Transaction) throws {
        for entry in GapIndexEntries.entries(of: submission, schema) {
            try txn.put(entry.value, forKey: entry.key, in: entry.database)
        }
    }

    /// The submission with that id.
    public func submission(_ id: SubmissionID) throws(GapStoreError) -> Submission? {
        try read("reading \(id)") { txn in
            try txn.withValue(forKey: Keys.submission(id), in: schema.submissions) { bytes in try RecordCodec.decodeSubmission(bytes) }
        }
    }

    /// Every submission that counts for gap `id`: those filed against it and against the gaps
    /// merged into it, oldest first. A merged `id` is resolved to its survivor first.
    public func submissions(forGap id: GapID) throws(GapStoreError) -> [Submission] {
        try read("reading the submissions of \(id)") { txn in
            let survivor = try resolve(id, txn)
            var result: [Submission] = []
            for gap in try mergeFamily(of: survivor.id, txn) {
                try txn.scan(schema.submissionsByGap, range: .prefix(Keys.gap(gap))) { key, _ in
                    let submission = SubmissionID(KeyBytes.uint64(key, at: 8))
                    if let record = try txn.withValue(forKey: Keys.submission(submission), in: schema.submissions, { bytes in
                        try RecordCodec.decodeSubmission(bytes)
                    }) {
                        result.append(record)
                    }
                    return .proceed
                }
            }
            return result.sorted { $0.id < $1.id }
        }
    }

    /// Every submission of customer account `accountID`, oldest first.
    public func submissions(forAccount accountID: String) throws(GapStoreError) -> [Submission] {
        try read("reading the submissions of account \(accountID)") { txn in
            var result: [Submission] = []
            try txn.scan(schema.submissionsByAccount, range: .prefix(Keys.accountPrefix(accountID))) { key, _ in
                let submission = SubmissionID(KeyBytes.uint64(key, at: key.count - 8))
                if let record = try txn.withValue(forKey: Keys.submission(submission), in: schema.submissions, { bytes in
                    try RecordCodec.decodeSubmission(bytes)
                }) {
                    result.append(record)
                }
                return .proceed
            }
            return result
        }
    }

    /// `survivor` and every gap merged into it, directly or through a chain.
    func mergeFamily(of survivor: GapID, _ txn: borrowing Transaction) throws -> [GapID] {
        var family = [survivor]
        var next = 0
        while next < family.count {
            let current = family[next]
            next += 1
            try txn.scan(schema.mergeSources, range: .prefix(Keys.gap(current))) { key, _ in
                family.append(GapID(KeyBytes.uint64(key, at: 8)))
                return .proceed
            }
            guard family.count < 1_000_000 else {
                throw GapStoreError(.corruptRecord, "the merge tree of \(survivor) does not end; run `gapsearch verify`")
            }
        }
        return family
    }
}
