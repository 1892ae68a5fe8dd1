import Foundation
internal import LMDB

extension GapStore {
    /// The gap with that id. A merged gap resolves to the gap it was merged into (through any
    /// chain) unless `followMerges` is `false`.
    ///
    /// - Returns: `nil` when no gap has that id.
    public func gap(_ id: GapID, followMerges: Bool = true) throws(GapStoreError) -> Gap? {
        try read("reading \(id)") { txn in
            guard try schema.loadGap(id, txn) != nil else { return nil }
            let record = followMerges ? try schema.resolve(id, txn) : try schema.requireGap(id, txn)
            return record.gap(in: try schema.loadTaxonomy(txn))
        }
    }

    /// The gap imported under an external id, if any.
    public func gap(externalID: String) throws(GapStoreError) -> Gap? {
        try read("reading external id \(externalID)") { txn in
            guard let bytes = try txn.get(externalID, in: schema.gapsByExternalID) else { return nil }
            let id = bytes.withUnsafeBytes { GapID(KeyBytes.uint64($0, at: 0)) }
            return try schema.requireGap(id, txn).gap(in: try schema.loadTaxonomy(txn))
        }
    }

    /// A gap's impact: customers, submissions, revenue at stake, severity mix and workarounds,
    /// counting the gaps merged into it. A merged `id` is resolved to its survivor.
    public func impact(of id: GapID) throws(GapStoreError) -> GapImpact {
        try read("computing the impact of \(id)") { txn in
            let survivor = try schema.resolve(id, txn)
            var calculator = ImpactCalculator(store: self)
            return try calculator.impact(of: survivor.id, txn).0
        }
    }

    /// A gap's history, oldest first: creation, edits, status changes, merges and submissions.
    public func history(of id: GapID) throws(GapStoreError) -> [HistoryEntry] {
        try read("reading the history of \(id)") { txn in
            _ = try schema.requireGap(id, txn)
            var entries: [HistoryEntry] = []
            try txn.scan(schema.history, range: .prefix(Keys.gap(id))) { _, value in
                entries.append(try RecordCodec.decodeHistory(value))
                return .proceed
            }
            return entries
        }
    }

    /// The change log after sequence number `sequence`, oldest first: what consumers that
    /// follow the store (a search index, a sync job) apply next.
    public func changes(after sequence: UInt64, limit: Int = 1000) throws(GapStoreError) -> [Change] {
        try read("reading the change log") { txn in
            var changes: [Change] = []
            guard limit > 0 else { return changes }
            try txn.scan(schema.changes, range: KeyRange(from: Keys.change(sequence + 1))) { _, value in
                changes.append(try RecordCodec.decodeChange(value))
                return changes.count < limit ? .proceed : .stop
            }
            return changes
        }
    }

    /// The sequence number of the last committed change (0 for a new store).
    public func lastChangeSequence() throws(GapStoreError) -> UInt64 {
        try read("reading the change log") { txn in try schema.readCounter(MetaKey.nextChange, txn) }
    }

    /// Lists gaps matching `query`, each with its impact, sorted and paged.
    ///
    /// - Throws: ``GapStoreError/Code/unknownCategory`` for a category not in the taxonomy;
    ///   ``GapStoreError/Code/invalidField`` for a limit outside 1–10,000 or a negative offset.
    public func listGaps(_ query: GapQuery = GapQuery()) throws(GapStoreError) -> GapPage {
        guard (1...GapQuery.maxLimit).contains(query.limit), query.offset >= 0 else {
            throw GapStoreError(.invalidField, "the page limit must be 1–10,000 and the offset 0 or more")
        }
        return try read("listing gaps") { txn in
            let taxonomy = try schema.loadTaxonomy(txn)
            let records = try matchingGaps(query, taxonomy, txn)
            var calculator = ImpactCalculator(store: self)
            var listings: [GapListing] = []
            if query.sort == .mostCustomers || query.sort == .mostRevenue {
                // Rank (impact, record) pairs; only the page becomes full Gap values.
                var ranked: [(impact: GapImpact, record: Int)] = []
                ranked.reserveCapacity(records.count)
                for (index, record) in records.enumerated() { ranked.append((try calculator.impact(of: record.id, txn).0, index)) }
                let byCustomers = query.sort == .mostCustomers
                ranked.sort { a, b in
                    ranksHigher(a.impact, records[a.record].id, than: b.impact, records[b.record].id, byCustomers: byCustomers)
                }
                for entry in ranked.dropFirst(query.offset).prefix(query.limit) {
                    listings.append(GapListing(gap: records[entry.record].gap(in: taxonomy), impact: entry.impact))
                }
            } else {
                var ordered = records
                ordered.sort { query.sort == .oldest ? ($0.createdAt, $0.id) < ($1.createdAt, $1.id) : ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
                for record in ordered.dropFirst(query.offset).prefix(query.limit) {
                    listings.append(GapListing(gap: record.gap(in: taxonomy), impact: try calculator.impact(of: record.id, txn).0))
                }
            }
            return GapPage(items: listings, total: records.count)
        }
    }

    /// The records of the gaps matching the query's filters, in no particular order.
    func matchingGaps(_ query: GapQuery, _ taxonomy: Taxonomy, _ txn: borrowing Transaction) throws -> [GapRecord] {
        var candidates: Set<UInt64>?
        func narrow(_ ids: Set<UInt64>) {
            candidates = candidates.map { $0.intersection(ids) } ?? ids
        }
        func collect(_ database: Database, _ ranges: [KeyRange]) throws -> Set<UInt64> {
            var ids = Set<UInt64>()
            for range in ranges {
                try txn.scan(database, range: range) { key, _ in
                    ids.insert(KeyBytes.uint64(key, at: key.count - 8))
                    return .proceed
                }
            }
            return ids
        }
        if !query.statuses.isEmpty {
            narrow(try collect(schema.gapsByStatus, query.statuses.map { .prefix([$0.storageCode]) }))
        }
        if !query.teams.isEmpty {
            narrow(try collect(schema.gapsByTeam, query.teams.map { .prefix(Keys.teamPrefix($0.trimmingWhitespace())) }))
        }
        if !query.categories.isEmpty {
            let ids = try query.categories.map { (name) throws(GapStoreError) in try taxonomy.resolve(category: name, subcategory: nil).0 }
            narrow(try collect(schema.gapsByCategory, ids.map { id in
                var prefix: [UInt8] = []
                KeyBytes.append(id, to: &prefix)
                return .prefix(prefix)
            }))
        }
        if query.createdFrom != nil || query.createdBefore != nil {
            let range = KeyRange(
                from: query.createdFrom.map { Keys.createdBound($0.millis) },
                to: query.createdBefore.map { Keys.createdBound($0.millis) })
            narrow(try collect(schema.gapsByCreated, [range]))
        }
        if let account = query.accountID {
            var ids = Set<UInt64>()
            try txn.scan(schema.submissionsByAccount, range: .prefix(Keys.accountPrefix(account))) { _, value in
                ids.insert(try schema.resolve(GapID(KeyBytes.uint64(value, at: 0)), txn).id.number)
                return .proceed
            }
            narrow(ids)
        }
        var records: [GapRecord] = []
        if let candidates {
            for id in candidates {
                if let record = try schema.loadGap(GapID(id), txn), query.includeMerged || !record.isMerged { records.append(record) }
            }
        } else {
            try txn.scan(schema.gaps) { _, value in
                let record = try RecordCodec.decodeGap(value)
                if query.includeMerged || !record.isMerged { records.append(record) }
                return .proceed
            }
        }
        return records
    }
}

extension GapRecord {
    var isMerged: Bool { mergedInto != nil }
}

/// Impact order: more revenue at stake first (then more customers), or with `byCustomers` more
/// customers first (then more revenue); ties by lower id.
func ranksHigher(_ a: GapImpact, _ idA: GapID, than b: GapImpact, _ idB: GapID, byCustomers: Bool) -> Bool {
    let (primaryA, secondaryA) = byCustomers ? (Int64(a.customers), a.revenueAtStake) : (a.revenueAtStake, Int64(a.customers))
    let (primaryB, secondaryB) = byCustomers ? (Int64(b.customers), b.revenueAtStake) : (b.revenueAtStake, Int64(b.customers))
    if primaryA != primaryB { return primaryA > primaryB }
    if secondaryA != secondaryB { return secondaryA > secondaryB }
    return idA < idB
}
