internal import GapIndex
internal import LMDB

/// What ``GapStore/verify()`` found.
public struct VerificationReport: Sendable, Hashable {
    public let gapsChecked: Int
    public let submissionsChecked: Int
    /// Each inconsistency, described; empty when the store is consistent.
    public let problems: [String]

    /// Whether records and indexes agree.
    public var isConsistent: Bool { problems.isEmpty }
}

extension GapStore {
    /// Checks that the store is consistent: every record decodes, every secondary index holds
    /// exactly the entries its records imply, merge links lead to existing gaps without
    /// cycles, submissions point at existing gaps and accounts, and counters are ahead of
    /// every id in use. Reads one snapshot; writers are not blocked.
    public func verify() throws(GapStoreError) -> VerificationReport {
        try readWithIndex("verifying the store") { txn, segments in
            var problems: [String] = []
            let expected = try expectedIndexes(txn, problems: &problems)
            for (database, entries) in expected.entries {
                var actual: [[UInt8]: [UInt8]] = [:]
                try txn.scan(database) { key, value in
                    actual[Array(key)] = Array(value)
                    return .proceed
                }
                let name = database.name ?? "main"
                let missing = entries.keys.filter { actual[$0] == nil }.count
                let extra = actual.keys.filter { entries[$0] == nil }.count
                let differing = entries.filter { key, value in actual[key].map { $0 != value } ?? false }.count
                if missing > 0 { problems.append("index \(name): \(missing) entries missing") }
                if extra > 0 { problems.append("index \(name): \(extra) entries that no record implies") }
                if differing > 0 { problems.append("index \(name): \(differing) entries with wrong values") }
            }
            let nextGap = try schema.readCounter(MetaKey.nextGap, txn)
            if expected.maxGap > nextGap { problems.append("the gap counter (\(nextGap)) is behind gap \(GapID(expected.maxGap))") }
            let nextSubmission = try schema.readCounter(MetaKey.nextSubmission, txn)
            if expected.maxSubmission > nextSubmission {
                problems.append("the submission counter (\(nextSubmission)) is behind \(SubmissionID(expected.maxSubmission))")
            }
            var lastChange: UInt64 = 0
            try txn.scan(schema.changes, reverse: true) { key, _ in
                lastChange = KeyBytes.uint64(key, at: 0)
                return .stop
            }
            let nextChange = try schema.readCounter(MetaKey.nextChange, txn)
            if lastChange != nextChange { problems.append("the change log ends at \(lastChange) but the counter is \(nextChange)") }
            try txn.scan(schema.history) { key, _ in
                let gap = GapID(KeyBytes.uint64(key, at: 0))
                if expected.gaps[gap] == nil { problems.append("history of \(gap), which does not exist") }
                return .proceed
            }
            guard try verifySearchIndex(expected.gaps, segments, txn, &problems) else { return nil }
            return VerificationReport(gapsChecked: expected.gaps.count, submissionsChecked: expected.submissions, problems: problems)
        }
    }

    /// Checks that the search index (persisted segments, with later ones superseding earlier
    /// ones, plus the changes since) holds the current version of every gap and nothing else.
    /// Returns false, checking nothing, if the index no longer holds `segments` (see
    /// ``readWithIndex(_:_:)``).
    private func verifySearchIndex(
        _ gaps: [GapID: GapRecord], _ segments: [Segment], _ txn: borrowing Transaction, _ problems: inout [String]
    ) throws -> Bool {
        guard let deltaDocuments = searchIndex.deltaDocuments(ifCurrent: segments) else { return false }
        if let database = schema.search {
            for key in SegmentKey.all {
                try txn.withValue(forKey: key, in: database) { bytes in
                    do {
                        _ = try Segment(bytes: bytes)
                    } catch Segment.FormatError.unsupportedVersion {
                        // Written by another version: not damage; ignored until the next rebuild.
                    } catch {
                        problems.append("search index segment \(key) is damaged (\(error)); run `gapsearch reindex`")
                    }
                }
            }
        }
        var indexed: [UInt64: UInt64] = [:]
        for segment in segments { for document in segment.documents() { indexed[document.id] = document.contentHash } }
        for document in deltaDocuments { indexed[document.id] = document.contentHash }
        var missing = 0
        var stale = 0
        for (id, gap) in gaps {
            guard let hash = indexed.removeValue(forKey: id.number) else {
                missing += 1
                continue
            }
            if hash != indexDocument(gap).contentHash { stale += 1 }
        }
        if missing > 0 { problems.append("search index: \(missing) gaps missing; run `gapsearch reindex`") }
        if stale > 0 { problems.append("search index: \(stale) gaps indexed in an outdated version; run `gapsearch reindex`") }
        if !indexed.isEmpty { problems.append("search index: \(indexed.count) entries for gaps that do not exist; run `gapsearch reindex`") }
        return true
    }

    /// Rebuilds every secondary index and the search index from the records (after damage,
    /// or after `verify` found drift). Records themselves are not changed.
    ///
    /// - Returns: The number of gaps and submissions indexed.
    @discardableResult
    public func rebuildIndexes() throws(GapStoreError) -> (gaps: Int, submissions: Int) {
        let counts = try rebuildSecondaryIndexes()
        try rebuildSearchIndex()
        return counts
    }

    private func rebuildSecondaryIndexes() throws(GapStoreError) -> (gaps: Int, submissions: Int) {
        do {
            return try env.write { txn in
                var problems: [String] = []
                let expected = try expectedIndexes(txn, problems: &problems)
                for (database, entries) in expected.entries {
                    try txn.removeAll(in: database)
                    for key in entries.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                        try txn.put(entries[key]!, forKey: key, in: database, flags: .append)
                    }
                }
                return (expected.gaps.count, expected.submissions)
            }
        } catch let error as GapStoreError {
            throw error
        } catch let error as LMDBError {
            throw GapStoreError(storage: error, while: "rebuilding the indexes")
        } catch {
            throw GapStoreError(.storage, "rebuilding the indexes: \(error)")
        }
    }

    private struct ExpectedIndexes {
        var entries: [(Database, [[UInt8]: [UInt8]])] = []
        var gaps: [GapID: GapRecord] = [:]
        var submissions = 0
        var maxGap: UInt64 = 0
        var maxSubmission: UInt64 = 0
    }

    /// Every secondary index entry the records imply, derived by the same functions the
    /// write path uses, so a difference means drift rather than two definitions.
    private func expectedIndexes(_ txn: borrowing Transaction, problems: inout [String]) throws -> ExpectedIndexes {
        var result = ExpectedIndexes()
        var recorder = IndexRecorder()
        try txn.scan(schema.gaps) { key, value in
            let id = GapID(KeyBytes.uint64(key, at: 0))
            do {
                let record = try RecordCodec.decodeGap(value)
                if record.id != id { problems.append("gap record under key \(id) says it is \(record.id)") }
                result.gaps[id] = record
                result.maxGap = max(result.maxGap, id.number)
            } catch let error as GapStoreError {
                problems.append("gap \(id): \(error.message)")
            }
            return .proceed
        }
        for record in result.gaps.values {
            recorder.gapEntries(of: record, schema)
            if let target = record.mergedInto {
                if result.gaps[target] == nil { problems.append("\(record.id) is merged into \(target), which does not exist") }
                var seen: Set<GapID> = [record.id]
                var next: GapID? = target
                while let current = next {
                    if !seen.insert(current).inserted {
                        problems.append("the merge chain from \(record.id) loops")
                        break
                    }
                    next = result.gaps[current]?.mergedInto
                }
            }
        }
        try txn.scan(schema.submissions) { key, value in
            let id = SubmissionID(KeyBytes.uint64(key, at: 0))
            do {
                let submission = try RecordCodec.decodeSubmission(value)
                result.submissions += 1
                result.maxSubmission = max(result.maxSubmission, id.number)
                if result.gaps[submission.gapID] == nil { problems.append("\(id) belongs to missing gap \(submission.gapID)") }
                if let account = submission.accountID, try !txn.contains(account, in: schema.accounts) {
                    problems.append("\(id) names missing account \(account)")
                }
                recorder.submissionEntries(of: submission, schema)
            } catch let error as GapStoreError {
                problems.append("submission \(id): \(error.message)")
            }
            return .proceed
        }
        try txn.scan(schema.opportunities) { key, value in
            let id = String(decoding: key, as: UTF8.self)
            do {
                let (opportunity, sequence) = try RecordCodec.decodeOpportunity(value)
                recorder.put(
                    Array(id.utf8),
                    Keys.accountOpportunity(opportunity.accountID, closeMillis: opportunity.closeDate.millis, sequence: sequence),
                    schema.opportunitiesByAccount)
            } catch let error as GapStoreError {
                problems.append("opportunity \(id): \(error.message)")
            }
            return .proceed
        }
        result.entries = schema.secondaryIndexes.map { ($0, recorder.entries[$0] ?? [:]) }
        return result
    }
}

/// Collects index entries in memory, keyed like the write path keys them.
private struct IndexRecorder {
    var entries: [Database: [[UInt8]: [UInt8]]] = [:]

    mutating func put(_ value: [UInt8], _ key: [UInt8], _ database: Database) {
        entries[database, default: [:]][key] = value
    }

    mutating func gapEntries(of gap: GapRecord, _ schema: Schema) {
        for (database, key, value) in GapIndexEntries.entries(of: gap, schema) { put(value, key, database) }
    }

    mutating func submissionEntries(of submission: Submission, _ schema: Schema) {
        for (database, key, value) in GapIndexEntries.entries(of: submission, schema) { put(value, key, database) }
    }
}
