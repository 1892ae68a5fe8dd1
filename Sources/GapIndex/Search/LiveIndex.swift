import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The searchable index of a store: persisted segments (read in place) plus a delta in
/// memory holding the documents changed since the segments were built.
///
/// Segments live in memory the caller owns (an LMDB value), valid only for the duration of
/// one read; so every call that searches is handed the current segments, and the index keeps
/// only what it derives from them (per-document length norms, which of their documents the
/// delta supersedes), keyed by each segment's ``Segment/nonce``.
///
/// Thread-safe: searches run concurrently; ``update(segments:documents:through:)`` excludes
/// them while it applies changes.
public final class LiveIndex: @unchecked Sendable {
    // @unchecked Sendable: all mutable state is guarded by `lock`.

    public let analyzer: Analyzer
    private let lock = ReadWriteLock()
    private var parametersStorage: RankingParameters
    private var delta: DeltaIndex
    private var segmentStates: [UInt64: SegmentState] = [:]
    private var segmentNonces: [UInt64] = []
    private var appliedSequenceStorage: UInt64 = 0
    /// The delta's norms, for searches of every field and of titles alone (description
    /// weight 0: a posting in a description only scores nothing). Segments need no such pair:
    /// their title postings carry no description frequency.
    private var deltaNorms = Norms()
    private var deltaTitleNorms = Norms()
    private var deltaFacts = SlotFactsTable(count: 0) { _ in fatalError("no slots") }
    /// Scratch buffers shared by concurrent searches: each search takes one and gives it
    /// back, so steady-state searches allocate no accumulators.
    private let scratchPool = Mutex<[SearchScratch]>([])

    public init(analyzer: Analyzer = Analyzer(), parameters: RankingParameters = RankingParameters()) {
        self.analyzer = analyzer
        self.parametersStorage = parameters
        self.delta = DeltaIndex(analyzer: analyzer)
    }

    /// The ranking parameters; changing them takes effect on the next search.
    public var parameters: RankingParameters {
        get { lock.withReadLock { parametersStorage } }
        set {
            lock.withWriteLock {
                parametersStorage = newValue
                // Norms depend on the field weights and length normalisations.
                for nonce in segmentStates.keys { segmentStates[nonce]!.recomputeNorms(newValue, averages: averagesStorage) }
                refreshDeltaNorms()
            }
        }
    }

    /// How searches walk the postings (tests pin one to check both against brute force).
    var strategy: SearchStrategy {
        get { lock.withReadLock { strategyStorage } }
        set { lock.withWriteLock { strategyStorage = newValue } }
    }
    private var strategyStorage = SearchStrategy.automatic

    /// The share of each segment's postings whose scores searches may keep
    /// (``ImpactCache``); set before the first update (tests turn it off to compare).
    var impactCacheShare = ImpactCache.defaultShare

    /// The average field lengths every norm uses: the base segment's (the delta's when there
    /// is no segment), so that a document scores the same wherever it is stored.
    private var averagesStorage: (title: Float, description: Float) = (1, 1)

    /// The change sequence the index reflects (segments plus delta).
    public var appliedSequence: UInt64 { lock.withReadLock { appliedSequenceStorage } }

    /// How many documents the delta holds (a measure of how stale the segments are).
    public var deltaDocumentCount: Int { lock.withReadLock { delta.liveCount } }

    /// Segments already checked in full, by nonce and size.
    private let checkedSegments = Mutex<Set<[UInt64]>>([])

    /// Reads a segment in place, checking its structure in full the first time these bytes
    /// are seen (by nonce and size) and only its header afterwards.
    public func openSegment(_ bytes: UnsafeRawBufferPointer) throws(Segment.FormatError) -> Segment {
        let header = try Segment(bytes: bytes, deepCheck: false)
        let key = [header.nonce, UInt64(bytes.count)]
        if checkedSegments.withLock({ $0.contains(key) }) { return header }
        let checked = try Segment(bytes: bytes, deepCheck: true)
        checkedSegments.withLock { _ = $0.insert(key) }
        return checked
    }

    /// Whether `segments` are the ones the delta was built against.
    public func isCurrent(segments: [Segment]) -> Bool {
        lock.withReadLock { segments.map(\.nonce) == segmentNonces }
    }

    /// Brings the index to `sequence`: adopts `segments` (dropping the delta if they changed)
    /// and indexes `documents` — the current version of every document changed after the
    /// segments' (or the delta's) sequence — in the delta.
    public func update(segments: [Segment], documents: [IndexDocument], through sequence: UInt64) {
        lock.withWriteLock {
            let nonces = segments.map(\.nonce)
            // Another thread may have brought the index further already.
            if nonces == segmentNonces && sequence < appliedSequenceStorage { return }
            if nonces != segmentNonces {
                delta = DeltaIndex(analyzer: analyzer)
                segmentNonces = nonces
                if let base = segments.first { averagesStorage = Self.averages(of: base) }
                var states: [UInt64: SegmentState] = [:]
                for (index, segment) in segments.enumerated() {
                    var state = segmentStates[segment.nonce]
                        ?? SegmentState(segment, parametersStorage, averages: averagesStorage, impactShare: impactCacheShare)
                    if state.averages != averagesStorage { state.recomputeNorms(parametersStorage, averages: averagesStorage) }
                    state.reviveAll()
                    // Documents in a later segment supersede the same gap in earlier ones.
                    for later in segments[(index + 1)...] {
                        for slot in 0..<later.documentCount {
                            if let old = segment.slot(ofID: later.ids[slot]) { state.markDead(old) }
                        }
                    }
                    states[segment.nonce] = state
                }
                segmentStates = states
            }
            for document in documents {
                delta.add(document)
                for segment in segments {
                    if let slot = segment.slot(ofID: document.id) { segmentStates[segment.nonce]!.markDead(slot) }
                }
            }
            delta.sortTerms()
            if segments.isEmpty { averagesStorage = Self.averages(of: delta) }
            refreshDeltaNorms()
            deltaFacts = SlotFactsTable(delta)
            appliedSequenceStorage = sequence
        }
    }

    /// Recomputes both sets of delta norms (under the write lock).
    private func refreshDeltaNorms() {
        deltaNorms = Norms(delta, parametersStorage, averages: averagesStorage)
        var titles = parametersStorage
        titles.descriptionWeight = 0
        deltaTitleNorms = Norms(delta, titles, averages: averagesStorage)
    }

    /// The delta's documents (gap id and content hash of the version indexed).
    public func deltaDocuments() -> [(id: UInt64, contentHash: UInt64)] {
        lock.withReadLock { deltaDocumentsLocked() }
    }

    /// ``deltaDocuments()`` if `segments` are those of the last
    /// ``update(segments:documents:through:)``; nil if another update has adopted other
    /// segments since (see ``searchIfCurrent(_:segments:)``).
    public func deltaDocuments(ifCurrent segments: [Segment]) -> [(id: UInt64, contentHash: UInt64)]? {
        lock.withReadLock { segments.map(\.nonce) == segmentNonces ? deltaDocumentsLocked() : nil }
    }

    private func deltaDocumentsLocked() -> [(id: UInt64, contentHash: UInt64)] {
        (0..<delta.slotCount).filter { delta.live[$0] }.map { (delta.ids[$0], delta.contentHashes[$0]) }
    }

    /// Searches `segments` (which must be those of the last ``update(segments:documents:through:)``)
    /// and the delta.
    public func search(_ request: SearchRequest, segments: [Segment]) -> [SearchHit] {
        guard let hits = searchIfCurrent(request, segments: segments) else {
            preconditionFailure("LiveIndex.search: segments differ from the last update")
        }
        return hits
    }

    /// Searches `segments` and the delta if `segments` are those of the last
    /// ``update(segments:documents:through:)``; nil if another update has adopted other
    /// segments since. Callers that share an index between threads reading different
    /// snapshots (around a segment rebuild, some still see the old segments) update it and
    /// search in two steps, so another thread can come between them: they start over on nil.
    public func searchIfCurrent(_ request: SearchRequest, segments: [Segment]) -> [SearchHit]? {
        lock.withReadLock {
            guard segments.map(\.nonce) == segmentNonces else { return nil }
            let states = segments.map { segmentStates[$0.nonce]! }
            let scratch = scratchPool.withLock { $0.popLast() } ?? SearchScratch()
            defer { scratchPool.withLock { pool in if pool.count < 8 { pool.append(scratch) } } }
            var execution = SearchExecution(
                analyzer: analyzer, parameters: parametersStorage, segments: segments, states: states,
                delta: delta, deltaNorms: request.scope == .titles ? deltaTitleNorms : deltaNorms, deltaFacts: deltaFacts,
                averages: averagesStorage, scratch: scratch)
            return execution.run(request, strategy: strategyStorage)
        }
    }

    static func averages(of segment: Segment) -> (title: Float, description: Float) {
        let n = Float(max(segment.documentCount, 1))
        return (max(Float(segment.totalTitleLength) / n, 1), max(Float(segment.totalDescriptionLength) / n, 1))
    }

    static func averages(of delta: DeltaIndex) -> (title: Float, description: Float) {
        let n = Float(max(delta.liveCount, 1))
        return (max(Float(delta.totalTitleLength) / n, 1), max(Float(delta.totalDescriptionLength) / n, 1))
    }

    /// What the index derives from `segment`, if it is in use (for tests).
    func segmentStateForTesting(_ segment: Segment) -> SegmentState? {
        lock.withReadLock { segmentStates[segment.nonce] }
    }

    /// The averages in use (for the planner's self-score).
    var averages: (title: Float, description: Float) { averagesStorage }
}

/// What the index derives from a segment: length norms and superseded slots.
struct SegmentState {
    var norms: Norms
    /// Filter and prior inputs per slot, including which slots a later segment or the delta
    /// supersedes.
    let facts: SlotFactsTable
    var deadCount: Int { facts.deadCount }
    var averages: (title: Float, description: Float)

    /// The blocks of all postings and of the title postings.
    private var blocks: BlockSaturations
    private var titleBlocks: BlockSaturations

    /// The most a posting of each block can score per unit of scale, for the postings a search
    /// of `scope` walks (see ``Segment``'s blocks).
    func blockSaturations(_ scope: SearchScope) -> [Float] {
        (scope == .titles ? titleBlocks : blocks).values
    }

    /// Postings' scores per unit of scale under `norms`, for the terms searches walk.
    private(set) var impacts: ImpactCache

    /// The keys of the segment's terms and stems, for query planning (see ``PackedPrefixes``).
    let termPrefixes: PackedPrefixes
    let stemPrefixes: PackedPrefixes

    /// The segment's field lengths, kept to recompute norms when parameters change.
    private let titleLengths: [UInt16]
    private let descriptionLengths: [UInt16]

    init(
        _ segment: Segment, _ parameters: RankingParameters, averages: (title: Float, description: Float),
        impactShare: Double = ImpactCache.defaultShare
    ) {
        self.averages = averages
        impacts = ImpactCache(postingCount: segment.postings.count + segment.titlePostings.count, share: impactShare)
        titleLengths = Array(UnsafeBufferPointer(start: segment.titleLengths, count: segment.documentCount))
        descriptionLengths = Array(UnsafeBufferPointer(start: segment.descriptionLengths, count: segment.documentCount))
        norms = Norms(titleLengths: titleLengths, descriptionLengths: descriptionLengths, parameters, averages: averages)
        blocks = BlockSaturations(segment.postings, parameters, averages: averages)
        titleBlocks = BlockSaturations(segment.titlePostings, parameters, averages: averages)
        facts = SlotFactsTable(segment)
        termPrefixes = PackedPrefixes(segment.terms)
        stemPrefixes = PackedPrefixes(segment.stems)
    }

    mutating func recomputeNorms(_ parameters: RankingParameters, averages: (title: Float, description: Float)) {
        self.averages = averages
        norms = Norms(titleLengths: titleLengths, descriptionLengths: descriptionLengths, parameters, averages: averages)
        impacts = ImpactCache(budget: impacts.budget)
        blocks.recompute(parameters, averages: averages)
        titleBlocks.recompute(parameters, averages: averages)
    }

    func markDead(_ slot: Int) { facts.markDead(slot) }

    func reviveAll() { facts.reviveAll() }
}

/// A posting set's block bounds (copied: the segment's bytes may go away) and the most a
/// posting of each block can score per unit of scale under the current parameters.
struct BlockSaturations {
    private let bounds: [UInt16]
    private(set) var values: [Float] = []

    init(_ postings: PostingSet, _ parameters: RankingParameters, averages: (title: Float, description: Float)) {
        bounds = Array(UnsafeBufferPointer(start: postings.blockBounds, count: postings.blockCount * 4))
        recompute(parameters, averages: averages)
    }

    /// Each block's saturation at its highest frequencies and shortest lengths. The norms and
    /// ``saturation(_:k1:)`` are monotonic in floating point too, so no posting of the block
    /// computes a higher value.
    mutating func recompute(_ p: RankingParameters, averages: (title: Float, description: Float)) {
        let bounds = self.bounds
        values = (0..<bounds.count / 4).map { block in
            let weighted = Float(bounds[4 * block]) * Norms.title(length: Float(bounds[4 * block + 2]), p, averages: averages)
                + Float(bounds[4 * block + 1]) * Norms.description(length: Float(bounds[4 * block + 3]), p, averages: averages)
            return saturation(weighted, k1: p.k1)
        }
    }
}

/// Per-document BM25F factors (field weight divided by the length normalisation), the title's
/// and the description's side by side: a posting's two reads share a cache line. (In two
/// arrays, they were a third of the last-level cache misses of a draft search.)
///
/// A reference type on purpose: searches read it through a raw pointer; it never changes after
/// it is made (new parameters or averages make new norms).
final class Norms: @unchecked Sendable {
    // @unchecked Sendable: immutable after init.
    let count: Int
    /// `factors[2 * slot]` is the title factor of `slot`, `factors[2 * slot + 1]` its description's.
    let factors: UnsafeMutablePointer<Float>

    convenience init() { self.init(titleLengths: [UInt16](), descriptionLengths: [UInt16](), RankingParameters(), averages: (1, 1)) }

    init<Lengths: Collection>(
        titleLengths: Lengths, descriptionLengths: Lengths, _ p: RankingParameters, averages: (title: Float, description: Float)
    ) where Lengths.Element: BinaryInteger {
        count = titleLengths.count
        factors = .allocate(capacity: max(1, 2 * count))
        for (slot, (title, description)) in zip(titleLengths, descriptionLengths).enumerated() {
            factors[2 * slot] = Self.title(length: Float(title), p, averages: averages)
            factors[2 * slot + 1] = Self.description(length: Float(description), p, averages: averages)
        }
    }

    convenience init(_ delta: DeltaIndex, _ p: RankingParameters, averages: (title: Float, description: Float)) {
        self.init(titleLengths: delta.titleLengths, descriptionLengths: delta.descriptionLengths, p, averages: averages)
    }

    deinit { factors.deallocate() }

    func title(_ slot: Int) -> Float { factors[2 * slot] }
    func description(_ slot: Int) -> Float { factors[2 * slot + 1] }

    /// The title factor of a document whose title has `length` words.
    @inline(__always)
    static func title(length: Float, _ p: RankingParameters, averages: (title: Float, description: Float)) -> Float {
        p.titleWeight / (1 - p.titleLengthNormalization + p.titleLengthNormalization * length / averages.title)
    }

    /// The description factor of a document whose description has `length` words.
    @inline(__always)
    static func description(length: Float, _ p: RankingParameters, averages: (title: Float, description: Float)) -> Float {
        p.descriptionWeight
            / (1 - p.descriptionLengthNormalization + p.descriptionLengthNormalization * length / averages.description)
    }
}

/// BM25F's weighted frequency of posting `j` in document `slot`: its title and description
/// frequencies (interleaved) times the document's field factors (``Norms/factors``).
@inline(__always)
func weightedFrequency(_ frequencies: UnsafePointer<UInt8>, _ j: Int, _ factors: UnsafePointer<Float>, _ slot: Int) -> Float {
    Float(frequencies[2 &* j]) * factors[2 &* slot] + Float(frequencies[2 &* j &+ 1]) * factors[2 &* slot &+ 1]
}

extension Segment {
    /// The slot of gap `id` (binary search: slots are in id order).
    func slot(ofID id: UInt64) -> Int? {
        var low = 0
        var high = documentCount
        while low < high {
            let mid = (low + high) / 2
            let value = ids[mid]
            if value == id { return mid }
            if value < id { low = mid + 1 } else { high = mid }
        }
        return nil
    }
}

/// A pthread read-write lock.
final class ReadWriteLock: @unchecked Sendable {
    private let lock: UnsafeMutablePointer<pthread_rwlock_t>

    init() {
        lock = .allocate(capacity: 1)
        pthread_rwlock_init(lock, nil)
    }

    deinit {
        pthread_rwlock_destroy(lock)
        lock.deallocate()
    }

    func withReadLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_rwlock_rdlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

    func withWriteLock<R>(_ body: () throws -> R) rethrows -> R {
        pthread_rwlock_wrlock(lock)
        defer { pthread_rwlock_unlock(lock) }
        return try body()
    }

}


