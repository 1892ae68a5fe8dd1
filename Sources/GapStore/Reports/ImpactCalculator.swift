internal import LMDB

/// Computes impact numbers inside one read transaction, remembering what it looked up
/// (accounts' most recent opportunity amounts, merge families) so that a report over many
/// gaps reads each thing once.
struct ImpactCalculator {
    let store: GapStore
    private var revenueByAccount: [String: Int64] = [:]

    init(store: GapStore) { self.store = store }

    /// What one gap family's submissions add up to before revenue is priced.
    struct Tally {
        var accounts: Set<String> = []
        var submissions = 0
        var internalSubmissions = 0
        var severity = SeverityMix()
        var withWorkaround = 0

        mutating func add(_ other: Tally) {
            accounts.formUnion(other.accounts)
            submissions += other.submissions
            internalSubmissions += other.internalSubmissions
            severity = severity + other.severity
            withWorkaround += other.withWorkaround
        }
    }

    /// Tallies the submissions filed against exactly `gap` (not its merge family).
    func tally(ofOwnSubmissions gap: GapID, _ txn: borrowing Transaction) throws -> Tally {
        var tally = Tally()
        try txn.scan(store.schema.submissionsByGap, range: .prefix(Keys.gap(gap))) { _, value in
            let summary = try RecordCodec.decodeSummary(value)
            tally.submissions += 1
            tally.severity[summary.severity] += 1
            if summary.hasWorkaround { tally.withWorkaround += 1 }
            if let account = summary.accountID { tally.accounts.insert(account) } else { tally.internalSubmissions += 1 }
            return .proceed
        }
        return tally
    }

    /// Tallies `survivor` and every gap merged into it.
    func tally(ofFamily survivor: GapID, _ txn: borrowing Transaction) throws -> Tally {
        var tally = Tally()
        for gap in try store.schema.mergeFamily(of: survivor, txn) { tally.add(try self.tally(ofOwnSubmissions: gap, txn)) }
        return tally
    }

    /// The revenue at stake of a set of accounts: each one's most recent opportunity amount.
    mutating func revenue(of accounts: Set<String>, _ txn: borrowing Transaction) throws -> Int64 {
        var total: Int64 = 0
        for account in accounts {
            if let cached = revenueByAccount[account] {
                total += cached
                continue
            }
            let amount = try store.schema.latestOpportunity(of: account, txn)?.amount ?? 0
            revenueByAccount[account] = amount
            total += amount
        }
        return total
    }

    mutating func impact(of survivor: GapID, _ txn: borrowing Transaction) throws -> (GapImpact, Tally) {
        let tally = try tally(ofFamily: survivor, txn)
        return (try impact(of: survivor, tally, txn), tally)
    }

    mutating func impact(of gap: GapID, _ tally: Tally, _ txn: borrowing Transaction) throws -> GapImpact {
        GapImpact(
            gapID: gap, customers: tally.accounts.count, submissions: tally.submissions,
            internalSubmissions: tally.internalSubmissions, revenueAtStake: try revenue(of: tally.accounts, txn),
            severity: tally.severity, withWorkaround: tally.withWorkaround)
    }
}
