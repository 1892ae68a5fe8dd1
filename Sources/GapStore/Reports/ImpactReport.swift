internal import LMDB

/// The impact ranking and rollups over the gaps matching a query.
public struct ImpactReport: Sendable, Hashable {
    /// The highest-ranked gaps with their impact (merged gaps are folded into their survivors).
    public let top: [GapListing]
    /// Per owning team ("" for gaps without one).
    public let byTeam: [ImpactRollup]
    /// Per status, in workflow order.
    public let byStatus: [ImpactRollup]
    /// Per category ("" for uncategorised gaps).
    public let byCategory: [ImpactRollup]
    /// All matching gaps together.
    public let total: ImpactRollup
}

/// Impact summed over a group of gaps. Customers are distinct across the group, and so is the
/// revenue at stake: a customer on several gaps of the group counts once.
public struct ImpactRollup: Sendable, Hashable {
    /// The group's name: a team, status or category ("" where unset).
    public let key: String
    public let gaps: Int
    public let submissions: Int
    public let customers: Int
    public let revenueAtStake: Int64
    public let severity: SeverityMix
    public let withWorkaround: Int
}

extension GapStore {
    /// Ranks the gaps matching `query` by impact and rolls them up by team, status and
    /// category. `query.sort` picks the ranking (customers or revenue; newest and oldest rank
    /// by revenue), `query.limit` the length of ``ImpactReport/top``.
    ///
    /// - Complexity: Reads every matching gap's submission index entries once, in one
    ///   snapshot.
    public func impactReport(_ query: GapQuery = GapQuery(limit: 20)) throws(GapStoreError) -> ImpactReport {
        var ranking = query
        if ranking.sort != .mostCustomers { ranking.sort = .mostRevenue }
        return try read("computing the impact report") { txn in
            let taxonomy = try schema.loadTaxonomy(txn)
            let records = try matchingGaps(query, taxonomy, txn)
            var calculator = ImpactCalculator(store: self)
            // Rank (impact, record) pairs; only the page shown becomes full Gap values.
            var ranked: [(impact: GapImpact, record: Int)] = []
            ranked.reserveCapacity(records.count)
            var byTeam: [String: Group] = [:]
            var byStatus: [GapStatus: Group] = [:]
            var byCategory: [String: Group] = [:]
            var total = Group()
            for (index, record) in records.enumerated() {
                let (impact, tally) = try calculator.impact(of: record.id, txn)
                ranked.append((impact, index))
                byTeam[record.team ?? "", default: Group()].add(tally)
                byStatus[record.status, default: Group()].add(tally)
                byCategory[taxonomy.names(category: record.categoryID, subcategory: 0).0 ?? "", default: Group()].add(tally)
                total.add(tally)
            }
            let byCustomers = ranking.sort == .mostCustomers
            ranked.sort { a, b in
                ranksHigher(a.impact, records[a.record].id, than: b.impact, records[b.record].id, byCustomers: byCustomers)
            }
            let listings = ranked.dropFirst(query.offset).prefix(query.limit).map { entry in
                GapListing(gap: records[entry.record].gap(in: taxonomy), impact: entry.impact)
            }
            var statusRollups: [ImpactRollup] = []
            for status in GapStatus.allCases {
                if let group = byStatus[status] { statusRollups.append(try group.rollup(key: status.name, &calculator, txn)) }
            }
            return ImpactReport(
                top: listings,
                byTeam: try Group.rollups(byTeam, &calculator, txn),
                byStatus: statusRollups,
                byCategory: try Group.rollups(byCategory, &calculator, txn),
                total: try total.rollup(key: "", &calculator, txn))
        }
    }
}

/// Gaps added up for a rollup.
private struct Group {
    var gaps = 0
    var tally = ImpactCalculator.Tally()

    mutating func add(_ gapTally: ImpactCalculator.Tally) {
        gaps += 1
        tally.add(gapTally)
    }

    /// Rollups of named groups, most revenue first.
    static func rollups(
        _ groups: [String: Group], _ calculator: inout ImpactCalculator, _ txn: borrowing Transaction
    ) throws -> [ImpactRollup] {
        var result: [ImpactRollup] = []
        for (key, group) in groups { result.append(try group.rollup(key: key, &calculator, txn)) }
        return result.sorted { ($0.revenueAtStake, $0.customers, $1.key) > ($1.revenueAtStake, $1.customers, $0.key) }
    }

    func rollup(key: String, _ calculator: inout ImpactCalculator, _ txn: borrowing Transaction) throws -> ImpactRollup {
        ImpactRollup(
            key: key, gaps: gaps, submissions: tally.submissions, customers: tally.accounts.count,
            revenueAtStake: try calculator.revenue(of: tally.accounts, txn), severity: tally.severity,
            withWorkaround: tally.withWorkaround)
    }
}
