internal import LMDB
import Foundation

/// Reading and writing records inside a transaction: the one place that knows how records
/// and their index entries are laid out (see ``Schema``).
extension Schema {
    /// Takes the next number of a counter kept in `meta` (starting at 1).
    func nextCounter(_ key: String, _ txn: borrowing Transaction) throws -> UInt64 {
        let current = try txn.get(key, in: meta).map { bytes in
            bytes.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)) }
        } ?? 0
        try txn.put(KeyBytes.uint64(current + 1), forKey: key, in: meta)
        return current + 1
    }

    func readCounter(_ key: String, _ txn: borrowing Transaction) throws -> UInt64 {
        try txn.get(key, in: meta).map { bytes in
            bytes.withUnsafeBytes { UInt64(bigEndian: $0.loadUnaligned(as: UInt64.self)) }
        } ?? 0
    }

    func loadGap(_ id: GapID, _ txn: borrowing Transaction) throws -> GapRecord? {
        try txn.withValue(forKey: Keys.gap(id), in: gaps) { bytes in try RecordCodec.decodeGap(bytes) }
    }

    func requireGap(_ id: GapID, _ txn: borrowing Transaction) throws -> GapRecord {
        guard let gap = try loadGap(id, txn) else {
            throw GapStoreError(.notFound, "no gap \(id); `gapsearch gap list` shows the existing ones")
        }
        return gap
    }

    /// Follows `mergedInto` links to the surviving gap.
    func resolve(_ id: GapID, _ txn: borrowing Transaction) throws -> GapRecord {
        var gap = try requireGap(id, txn)
        var hops = 0
        while let next = gap.mergedInto {
            hops += 1
            guard hops < 10_000 else {
                throw GapStoreError(.corruptRecord, "the merge chain from \(id) does not end; run `gapsearch verify`")
            }
            gap = try requireGap(next, txn)
        }
        return gap
    }

    func loadTaxonomy(_ txn: borrowing Transaction) throws -> Taxonomy {
        try txn.withValue(forKey: MetaKey.taxonomy, in: meta) { bytes in try taxonomyCache.taxonomy(decoding: bytes) }
            ?? Taxonomy()
    }

    func appendHistory(
        _ gap: GapID, _ events: [HistoryEntry.Event], actor: String?, note: String?, _ context: WriteContext,
        _ txn: borrowing Transaction
    ) throws {
        // A later operation in the same transaction never reuses a sequence; the index keeps
        // several entries of one operation in order.
        var index: UInt16 = 0
        while try txn.contains(Keys.history(gap, context.sequence, index), in: history) { index += 1 }
        for event in events {
            let entry = HistoryEntry(sequence: context.sequence, time: Date(millis: context.now), actor: actor, event: event, note: note)
            try txn.put(RecordCodec.encode(entry), forKey: Keys.history(gap, context.sequence, index), in: history)
            index += 1
        }
    }

    /// Writes a gap record and keeps its secondary index entries in step with it.
    func saveGap(_ gap: GapRecord, replacing old: GapRecord?, _ txn: borrowing Transaction) throws {
        try txn.put(RecordCodec.encode(gap), forKey: Keys.gap(gap.id), in: gaps)
        if let old {
            try removeIndexEntries(of: old, txn)
        }
        try addIndexEntries(of: gap, txn)
    }

    func addIndexEntries(of gap: GapRecord, _ txn: borrowing Transaction) throws {
        for entry in GapIndexEntries.entries(of: gap, self) { try txn.put(entry.value, forKey: entry.key, in: entry.database) }
    }

    func removeIndexEntries(of gap: GapRecord, _ txn: borrowing Transaction) throws {
        for entry in GapIndexEntries.entries(of: gap, self) { try txn.delete(entry.key, in: entry.database) }
    }

    /// Stores an opportunity of an existing account, replacing one with the same id.
    func upsert(_ opportunity: Opportunity, _ context: WriteContext, _ txn: borrowing Transaction) throws {
        guard try txn.contains(opportunity.accountID, in: accounts) else {
            throw GapStoreError(.notFound, "no account \"\(opportunity.accountID)\"; add it first")
        }
        if let (old, oldSequence) = try loadOpportunity(opportunity.id, txn) {
            guard old.accountID == opportunity.accountID else {
                throw GapStoreError(.invalidField, "opportunity \(opportunity.id) belongs to account \(old.accountID), not \(opportunity.accountID)")
            }
            try txn.delete(
                Keys.accountOpportunity(old.accountID, closeMillis: old.closeDate.millis, sequence: oldSequence),
                in: opportunitiesByAccount)
        }
        try txn.put(RecordCodec.encode(opportunity, sequence: context.sequence), forKey: opportunity.id, in: opportunities)
        try txn.put(
            opportunity.id,
            forKey: Keys.accountOpportunity(opportunity.accountID, closeMillis: opportunity.closeDate.millis, sequence: context.sequence),
            in: opportunitiesByAccount)
    }

    func loadOpportunity(_ id: String, _ txn: borrowing Transaction) throws -> (Opportunity, UInt64)? {
        try txn.withValue(forKey: id, in: opportunities) { bytes in try RecordCodec.decodeOpportunity(bytes) }
    }

    func latestOpportunity(of accountID: String, _ txn: borrowing Transaction) throws -> Opportunity? {
        var latest: String?
        try txn.scan(opportunitiesByAccount, range: .prefix(Keys.accountPrefix(accountID)), reverse: true) { _, value in
            latest = String(decoding: value, as: UTF8.self)
            return .stop
        }
        guard let latest else { return nil }
        return try loadOpportunity(latest, txn)?.0
    }

    /// The submission imported under an external id, if any.
    func submission(externalID: String, _ txn: borrowing Transaction) throws -> SubmissionID? {
        guard let database = submissionsByExternalID,
            let bytes = try txn.get(externalID, in: database)
        else { return nil }
        return bytes.withUnsafeBytes { SubmissionID(KeyBytes.uint64($0, at: 0)) }
    }

    func addIndexEntries(of submission: Submission, _ txn: borrowing Transaction) throws {
        for entry in GapIndexEntries.entries(of: submission, self) {
            try txn.put(entry.value, forKey: entry.key, in: entry.database)
        }
    }

    /// `survivor` and every gap merged into it, directly or through a chain.
    func mergeFamily(of survivor: GapID, _ txn: borrowing Transaction) throws -> [GapID] {
        var family = [survivor]
        var next = 0
        while next < family.count {
            let current = family[next]
            next += 1
            try txn.scan(mergeSources, range: .prefix(Keys.gap(current))) { key, _ in
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

extension GapRecord {
    func refuseIfMerged() throws {
        if let target = mergedInto {
            throw GapStoreError(.mergeConflict, "\(id) was merged into \(target); change \(target), or unmerge \(id) first")
        }
    }
}
