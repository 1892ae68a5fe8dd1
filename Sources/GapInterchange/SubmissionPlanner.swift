import Foundation
import GapStore

/// Validates submission records against the store: their gap, account and opportunity must
/// exist there or be recorded by an earlier record of the file.
struct SubmissionPlanner {
    let store: GapStore
    let options: ImportOptions
    let dates = DateCodec()

    func plan(_ plan: inout ImportPlan) throws {
        var firstLines: [String: Int] = [:]
        var gaps: [String: GapID?] = [:]
        var accounts: [String: Bool] = [:]
        /// Opportunity id → its account, from the store or earlier records.
        var opportunities: [String: String?] = [:]
        let present = try store.submissionIDs(externalIDs: candidateKeys(plan.source))
        for (index, record) in plan.source.records.enumerated() {
            var issues = record.problems
            guard issues.isEmpty else {
                plan.reject(index, issues)
                continue
            }
            let line = record.line
            let key = recordKey(record, firstLines: &firstLines, issues: &issues)
            if let key, issues.isEmpty, present[key] != nil {
                plan.alreadyPresent += 1
                continue
            }
            var gapID: GapID?
            if let reference = record.value("gap")?.trimmingCharacters(in: .whitespaces), !reference.isEmpty {
                if gaps[reference] == nil { gaps.updateValue(try GapPlanner.existingGap(reference, in: store), forKey: reference) }
                gapID = gaps[reference]!
                if gapID == nil {
                    issues.append(ImportIssue(line: line, field: "gap", message: "no gap \"\(reference)\" in the store; import the gaps first, or give a gapsearch id such as GAP-000123"))
                }
            } else {
                issues.append(ImportIssue(line: line, field: "gap", message: "the gap is empty; name the gap this submission is for"))
            }
            let severity = check(&issues, line: line, field: "severity") { () throws(GapStoreError) in try Severity.parse(record.value("severity") ?? "") }
            let account = check(&issues, line: line, field: "account") { () throws(GapStoreError) in
                try Validate.optionalIdentifier(record.value("account"), field: "the account id")
            } ?? nil
            let accountName = check(&issues, line: line, field: "account_name") { () throws(GapStoreError) in
                try Validate.optionalName(record.value("account_name"), field: "the account name")
            } ?? nil
            if accountName != nil && account == nil && record.value("account") == nil {
                issues.append(ImportIssue(line: line, field: "account", message: "account_name is given without the account id; add the account id"))
            }
            if let account, accountName == nil {
                if accounts[account] == nil { accounts[account] = try store.account(account) != nil }
                if accounts[account] == false {
                    issues.append(ImportIssue(line: line, field: "account", message: "no account \"\(account)\" in the store; give its account_name so that the import creates it"))
                }
            }
            let opportunity = try checkOpportunity(record, account: account, known: &opportunities, &issues)
            let impact = check(&issues, line: line, field: "impact") { () throws(GapStoreError) in try Validate.text(record.value("impact") ?? "", field: "the impact") }
            let context = check(&issues, line: line, field: "context") { () throws(GapStoreError) in try Validate.text(record.value("context") ?? "", field: "the context") }
            var workaround = Workaround.unknown
            if let text = record.value("workaround")?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
                if text.lowercased() == "none" {
                    workaround = .none
                } else if let described = check(&issues, line: line, field: "workaround", { () throws(GapStoreError) in try Validate.text(text, field: "the workaround") }) {
                    workaround = .described(described)
                }
            }
            let anonymous = InterchangeValue.bool(record.value("anonymous")?.trimmingCharacters(in: .whitespaces) ?? "")
            if anonymous == nil {
                issues.append(ImportIssue(line: line, field: "anonymous", message: "\"\(record.value("anonymous") ?? "")\" is not true or false"))
            }
            // An anonymous submitter is never looked at, let alone stored.
            let submitter = anonymous == true ? options.actor : check(&issues, line: line, field: "submitter") { () throws(GapStoreError) in
                try Validate.optionalName(record.value("submitter"), field: "the submitter")
            }.map { $0 ?? options.actor }
            let created = parseDate(record, "created", dates, &issues)
            guard issues.isEmpty, let key, let gapID, let severity, let impact, let context, let submitter else {
                plan.reject(index, issues)
                continue
            }
            if let account, accountName != nil { accounts[account] = true }
            if let recorded = opportunity.draft { opportunities[recorded.id] = account }
            var draft = SubmissionDraft(
                gapID: gapID, accountID: account, opportunityID: opportunity.id, accountName: accountName, opportunity: opportunity.draft,
                severity: severity, impact: impact, workaround: workaround, context: context, submitter: submitter,
                anonymous: anonymous == true, createdAt: created, externalID: key)
            // The gap the file names, merged or not: the submission may predate the merge, and
            // it still counts for the surviving gap.
            draft.followsMerges = false
            plan.submissions.append((line, draft))
        }
    }

    /// The opportunity a record names: recorded with it (id, kind, amount and close date
    /// together) or, by id alone, one the account already has.
    private func checkOpportunity(
        _ record: SourceRecord, account: String?, known: inout [String: String?], _ issues: inout [ImportIssue]
    ) throws -> (id: String?, draft: OpportunityDraft?) {
        let line = record.line
        let details = ["opportunity_kind", "amount", "close_date"]
        let id = record.value("opportunity")?.trimmingCharacters(in: .whitespaces)
        guard let id, !id.isEmpty else {
            if details.contains(where: { record.value($0) != nil }) {
                issues.append(ImportIssue(line: line, field: "opportunity", message: "opportunity details are given without the opportunity id; add the id"))
            }
            return (nil, nil)
        }
        guard account != nil else {
            issues.append(ImportIssue(line: line, field: "opportunity", message: "an opportunity needs its account; give the account id too"))
            return (nil, nil)
        }
        guard check(&issues, line: line, field: "opportunity", { () throws(GapStoreError) in try Validate.identifier(id, field: "the opportunity id") }) != nil
        else { return (nil, nil) }
        let missing = details.filter { record.value($0) == nil }
        if missing.count == details.count {
            // By id only: it must exist already, for this account.
            if known[id] == nil { known.updateValue(try store.opportunity(id)?.accountID, forKey: id) }
            guard let owner = known[id]! else {
                issues.append(ImportIssue(line: line, field: "opportunity", message: "no opportunity \"\(id)\" in the store; give its opportunity_kind, amount and close_date so that the import records it"))
                return (nil, nil)
            }
            if owner != account {
                issues.append(ImportIssue(line: line, field: "opportunity", message: "opportunity \(id) belongs to account \(owner), not \(account!)"))
            }
            return (id, nil)
        }
        guard missing.isEmpty else {
            issues.append(ImportIssue(line: line, field: missing[0], message: "recording opportunity \(id) needs opportunity_kind, amount and close_date; missing: \(missing.joined(separator: ", "))"))
            return (nil, nil)
        }
        let kind = check(&issues, line: line, field: "opportunity_kind") { () throws(GapStoreError) in try OpportunityKind.parse(record.value("opportunity_kind")!) }
        let amountText = record.value("amount")!.trimmingCharacters(in: .whitespaces)
        let amount = InterchangeValue.money(amountText)
        if amount == nil {
            issues.append(ImportIssue(line: line, field: "amount", message: "\"\(amountText)\" is not an amount; write it in major units, like 25000 or 25000.50"))
        }
        let closeDate = parseDate(record, "close_date", dates, &issues)
        if let currency = record.value("currency")?.trimmingCharacters(in: .whitespaces).uppercased(), !currency.isEmpty, currency != store.currency {
            issues.append(ImportIssue(line: line, field: "currency", message: "this store counts money in \(store.currency); convert the amount to \(store.currency) (got \(currency))"))
        }
        if known[id] == nil { known.updateValue(try store.opportunity(id)?.accountID, forKey: id) }
        if let owner = known[id]!, owner != account {
            issues.append(ImportIssue(line: line, field: "opportunity", message: "opportunity \(id) belongs to account \(owner), not \(account!)"))
        }
        guard let kind, let amount, let closeDate else { return (nil, nil) }
        return (id, OpportunityDraft(id: id, kind: kind, amount: amount, closeDate: closeDate))
    }
}
