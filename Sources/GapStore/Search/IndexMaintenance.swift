internal import GapIndex
internal import LMDB

/// Keys of the `search` database.
enum SegmentKey {
    /// Every gap as of the base's sequence.
    static let base = "base"
    /// The gaps changed between the base's sequence and the tail's.
    static let tail = "tail"
    /// The gaps changed between the tail's sequence and the recent segment's.
    static let recent = "recent"
    /// In search order: a gap in a later segment supersedes the same gap in earlier ones.
    static let all = [base, tail, recent]
}

extension GapStore {
    /// What the search index stores about a gap.
    func indexDocument(_ gap: GapRecord) -> IndexDocument {
        IndexDocument(
            id: gap.id.number, title: gap.title, description: gap.description,
            attributes: DocumentAttributes(
                status: gap.status.storageCode, category: gap.categoryID, team: gap.team.map(teamHash) ?? 0,
                merged: gap.mergedInto != nil, createdAt: gap.createdAt))
    }

    /// The persisted segments in use: the base, the tail, the recent segment. A segment
    /// written by another analyzer version or in another format is ignored (the delta covers
    /// its gaps until the next rebuild); so are the segments after a missing one. The segments
    /// are valid for the transaction, and as long as `storage` lives.
    func loadSegments(_ txn: borrowing Transaction) throws -> (segments: [Segment], storage: [AlignedCopy]) {
        guard let database = schema.search else { return ([], []) }
        var segments: [Segment] = []
        var storage: [AlignedCopy] = []
        for key in SegmentKey.all {
            let segment: Segment? = try txn.withValue(forKey: key, in: database) { bytes in
                var source = bytes
                if let base = bytes.baseAddress, Int(bitPattern: base) % 8 != 0 {
                    // Written by a version that did not pad small segments: read a copy.
                    let copy = AlignedCopy(bytes)
                    storage.append(copy)
                    source = copy.bytes
                }
                do {
                    let segment = try searchIndex.openSegment(source)
                    return segment.analyzerFingerprint == searchIndex.analyzer.fingerprint ? segment : nil
                } catch {
                    // Damaged (`verify` reports it) or an older format: the next rebuild replaces it.
                    return nil
                }
            } ?? nil
            // A segment holds the changes since the one before it: without that one it means nothing.
            guard let segment else { break }
            segments.append(segment)
        }
        return (segments, storage)
    }

    /// The gaps whose search entries changes after `sequence` may have changed. A filed
    /// submission names its gap (its demand changed) but leaves what the index holds of it as
    /// it was: re-indexing the gap would only grow the delta and the small segments (and
    /// supersede the gap's copy in the base), which every check then pays for.
    func gapsChanged(after sequence: UInt64, _ txn: borrowing Transaction) throws -> Set<GapID> {
        var gaps = Set<GapID>()
        try txn.scan(schema.changes, range: KeyRange(from: Keys.change(sequence + 1))) { _, value in
            let change = try RecordCodec.decodeChange(value)
            if change.kind != .submissionAdded { gaps.formUnion(change.gaps) }
            return .proceed
        }
        return gaps
    }

    /// How many snapshots ``readWithIndex(_:_:)`` tries before it gives up.
    static let indexViewAttempts = 8

    /// Runs `body` in a read transaction, with the search index brought to that snapshot's
    /// segments and changes. `body` returns nil when the index no longer holds its segments
    /// (``LiveIndex/searchIfCurrent(_:segments:)``): another thread, reading a snapshot from
    /// before or after a segment rebuild, brought the index to its own segments in between.
    /// Then it runs again on a fresh snapshot — at least as new as the other thread's, so the
    /// threads soon agree.
    func readWithIndex<R>(_ doing: String, _ body: (borrowing Transaction, [Segment]) throws -> R?) throws(GapStoreError) -> R {
        for _ in 0..<Self.indexViewAttempts {
            let result: R? = try read(doing) { txn in
                let (segments, storage) = try loadSegments(txn)
                defer { withExtendedLifetime(storage) {} }
                try synchronizeIndex(segments, txn)
                return try body(txn, segments)
            }
            if let result { return result }
        }
        throw GapStoreError(
            .storage, "\(doing): the search index was rebuilt under it \(Self.indexViewAttempts) times in a row; retry")
    }

    /// Brings the in-memory part of the search index up to the last committed change: the
    /// documents changed since the persisted segments go into its delta.
    func synchronizeIndex(_ segments: [Segment], _ txn: borrowing Transaction) throws {
        let last = try schema.readCounter(MetaKey.nextChange, txn)
        let current = searchIndex.isCurrent(segments: segments)
        if current && searchIndex.appliedSequence >= last { return }
        let from = current ? searchIndex.appliedSequence : (segments.last?.sequence ?? 0)
        var documents: [IndexDocument] = []
        if from == 0 && segments.isEmpty {
            try txn.scan(schema.gaps) { _, value in
                documents.append(indexDocument(try RecordCodec.decodeGap(value)))
                return .proceed
            }
        } else {
            for id in try gapsChanged(after: from, txn).sorted() {
                if let gap = try schema.loadGap(id, txn) { documents.append(indexDocument(gap)) }
            }
        }
        searchIndex.update(segments: segments, documents: documents, through: last)
    }

    /// Rebuilds persisted segments when enough has changed since they were written. After
    /// ``Options/tailRebuildChanges`` changes the newest segment is rebuilt: the *recent* one,
    /// from the gaps changed since the tail; the tail, from the gaps changed since the base,
    /// once the recent one would hold more than ``Options/recentSegmentLimit`` gaps (so most
    /// rebuilds stay small however far the tail has grown); the base, from every gap, once
    /// more than an eighth of all gaps (and at least ``Options/baseRebuildMinimum``) changed
    /// since it. Segments are built from a read snapshot, so other writers are not held up
    /// meanwhile; the write that stores them is skipped if another process stored newer ones
    /// first.
    ///
    /// Runs after writes as ``Options/indexUpkeep`` says: within the write (the default), on
    /// the store's upkeep thread, or only when called.
    public func maintainSearchIndex() throws(GapStoreError) {
        guard schema.search != nil, !env.isReadOnly else { return }
        // What to store, and the segments it builds on (their nonces), which must still be
        // the ones in use when it is stored.
        let plan: (key: String, bytes: [UInt8], sequence: UInt64, below: [UInt64])? = try read("planning a search index rebuild") { txn in
            let (segments, storage) = try loadSegments(txn)
            defer { withExtendedLifetime(storage) {} }
            let last = try schema.readCounter(MetaKey.nextChange, txn)
            let gapCount = try txn.statistics(of: schema.gaps).entries
            guard let base = segments.first else {
                // No usable base: build it when there is anything to index.
                guard gapCount > 0 else { return nil }
                return (SegmentKey.base, try buildSegment(of: nil, through: last, txn), last, [])
            }
            let newest = segments.last!.sequence
            guard last >= newest + options.tailRebuildChanges else { return nil }
            let changed = try gapsChanged(after: base.sequence, txn)
            if changed.count > max(options.baseRebuildMinimum, gapCount / 8) {
                return (SegmentKey.base, try buildSegment(of: nil, through: last, txn), last, [])
            }
            if segments.count >= 2 {
                let recent = try gapsChanged(after: segments[1].sequence, txn)
                if recent.count <= options.recentSegmentLimit {
                    return (SegmentKey.recent, try buildSegment(of: recent, through: last, txn), last, [base.nonce, segments[1].nonce])
                }
            }
            return (SegmentKey.tail, try buildSegment(of: changed, through: last, txn), last, [base.nonce])
        }
        guard let plan, let database = schema.search else { return }
        do {
            try env.write { txn in
                // Another process may have stored newer segments meanwhile.
                let (current, storage) = try loadSegments(txn)
                defer { withExtendedLifetime(storage) {} }
                if plan.key == SegmentKey.base {
                    if let base = current.first, base.sequence >= plan.sequence { return }
                } else {
                    guard current.prefix(plan.below.count).map(\.nonce) == plan.below,
                        (current.last?.sequence ?? 0) < plan.sequence
                    else { return }
                }
                try txn.put(plan.bytes, forKey: plan.key, in: database)
                // The segments above the one stored held changes it now includes.
                for key in SegmentKey.all.drop(while: { $0 != plan.key }).dropFirst() {
                    try txn.delete(key, in: database)
                }
            }
        } catch let error as LMDBError {
            throw GapStoreError(storage: error, while: "storing the search index")
        } catch {
            throw GapStoreError(.storage, "storing the search index: \(error)")
        }
    }

    /// Rebuilds the base segment from every gap now, dropping the tail.
    func rebuildSearchIndex() throws(GapStoreError) {
        guard let database = schema.search, !env.isReadOnly else { return }
        do {
            try env.write { txn in
                let last = try schema.readCounter(MetaKey.nextChange, txn)
                let bytes = try buildSegment(of: nil, through: last, txn)
                try txn.put(bytes, forKey: SegmentKey.base, in: database)
                try txn.delete(SegmentKey.tail, in: database)
                try txn.delete(SegmentKey.recent, in: database)
            }
        } catch let error as GapStoreError {
            throw error
        } catch let error as LMDBError {
            throw GapStoreError(storage: error, while: "rebuilding the search index")
        } catch {
            throw GapStoreError(.storage, "rebuilding the search index: \(error)")
        }
    }

    /// Builds a segment of the given gaps (all when `nil`), in id order.
    private func buildSegment(of gaps: Set<GapID>?, through sequence: UInt64, _ txn: borrowing Transaction) throws -> [UInt8] {
        var documents: [IndexDocument] = []
        if let gaps {
            for id in gaps.sorted() {
                if let gap = try schema.loadGap(id, txn) { documents.append(indexDocument(gap)) }
            }
        } else {
            try txn.scan(schema.gaps) { _, value in
                documents.append(indexDocument(try RecordCodec.decodeGap(value)))
                return .proceed
            }
        }
        return SegmentBuilder.build(documents, analyzer: searchIndex.analyzer, sequence: sequence)
    }
}

/// Teams are matched case-insensitively: the index keeps a hash of the lowercased name.
func teamHash(_ team: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in team.trimmingWhitespace().lowercased().utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
    return hash == 0 ? 1 : hash
}

/// An 8-byte-aligned copy of bytes, freed with the object.
final class AlignedCopy {
    let bytes: UnsafeRawBufferPointer

    init(_ source: UnsafeRawBufferPointer) {
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(source.count, 1), alignment: 16)
        memory.copyMemory(from: source)
        bytes = UnsafeRawBufferPointer(memory)
    }

    deinit { bytes.deallocate() }
}
