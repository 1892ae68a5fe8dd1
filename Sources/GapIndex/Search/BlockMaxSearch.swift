/// BM25's term-frequency saturation, w / (k1 + w), written as 1 − k1 / (k1 + w): every
/// operation of this form rounds monotonically, so a bound computed from larger frequencies
/// and shorter lengths is never below a posting's value, to the last bit. That exactness lets
/// a block whose bound only ties the k-th best be skipped (see ``BlockMaxSearch``).
@inline(__always)
func saturation(_ weighted: Float, k1: Float) -> Float {
    1 - k1 / (k1 + weighted)
}

/// One variant's postings in one segment, walked forward.
struct PostingCursor {
    /// The current posting, and the end of the term's postings.
    var position: Int
    let end: Int
    /// The slot at `position`; `UInt32.max` once exhausted.
    var doc: UInt32
    /// The variant's scale: idf × kind weight × query-word weight.
    let scale: Float
    /// The term's first posting and first block.
    let termStart: Int
    let firstBlock: Int
    /// Index of the cursor's query group (in the search's ascending-bound order).
    let group: Int
    /// The term's kept posting scores per unit of scale (``ImpactCache``), if any.
    let impacts: UnsafePointer<Float>?
}

/// Document-at-a-time search with MaxScore and block-max pruning, for one segment at a time.
///
/// Any set of query groups whose bounds together cannot reach the k-th best score so far can
/// be left out of the enumeration: a document matching only them cannot enter the results. So
/// documents are enumerated from the other groups' postings alone (the set left out is chosen
/// greedily to skip the most postings), and the groups left out are probed (by galloping)
/// only for documents whose score can still reach the k-th best, highest bound first,
/// stopping as soon as it cannot. As the k-th best rises, more groups are left out.
///
/// Blocks (runs of 64 postings with bounds, stored in the segment) prune further: a cursor
/// skips a whole block when its bound plus every other group's bound cannot reach the k-th
/// best — exact for the best-variant-per-word scoring too, because a document whose word
/// matches this variant and another one scores by the better one, which is then not the
/// skipped one. This is what makes short (as-you-type) queries over common words cheap.
struct BlockMaxSearch {
    /// Queries of up to this many words are searched document at a time. On longer drafts
    /// both ways cost the same instructions (callgrind, 300 drafts at 100k) and term at a
    /// time needs no cursor set-up.
    static let groupLimit = 6

    let execution: SearchExecution
    let request: SearchRequest
    /// The query groups, in any order: each segment's walk orders them by its own bounds.
    let groups: [QueryGroup]
    let maxPrior: Float
    /// Global slots never to return (the documents with every word, already placed).
    let excluded: [Int]

    init(execution: SearchExecution, request: SearchRequest, groups: [QueryGroup], maxPrior: Float, excluded: [Int] = []) {
        self.execution = execution
        self.request = request
        self.groups = groups
        self.maxPrior = maxPrior
        self.excluded = excluded
    }

    /// The best `request.limit` documents of segment `index`, merged into `heap`.
    func search(segment index: Int, base: Int, into heap: inout TopK<SearchExecution.Candidate>) {
        let segment = execution.segments[index]
        let postings = segment.postings(request.scope)
        let state = execution.states[index]
        // The groups' bounds in this segment: a word's best postings may lie in another part
        // (a small segment's bounds are often far below the whole index's, and the base's
        // below the delta's), and the tighter the bounds, the more the walk skips.
        let segmentBounds = groups.map { execution.bound($0, segment: index) }
        let ascending = groups.indices.sorted { segmentBounds[$0] < segmentBounds[$1] }
        // Cursors grouped by group, groups in ascending-bound order.
        var cursors: [PostingCursor] = []
        var groupStarts: [Int] = []
        for (g, group) in ascending.map({ groups[$0] }).enumerated() {
            groupStarts.append(cursors.count)
            for variant in group.variants {
                let term = variant.segmentTerms[index]
                guard term >= 0 else { continue }
                let start = Int(postings.starts[term])
                let end = Int(postings.starts[term + 1])
                guard start < end else { continue }
                cursors.append(PostingCursor(
                    position: start, end: end, doc: postings.docs[start], scale: variant.scale, termStart: start,
                    firstBlock: Int(postings.blockStarts[term]), group: g, impacts: execution.impacts(segment: index, term: term)))
            }
        }
        groupStarts.append(cursors.count)
        guard !cursors.isEmpty else { return }
        let runs = execution.priorRuns[index]
        let ranges = execution.priorBoundsVary ? execution.priorRanges[index] : [(slots: 0..<UInt32(segment.documentCount), ceiling: maxPrior)]
        state.blockSaturations(request.scope).withUnsafeBufferPointer { blockSaturations in
            var walk = SegmentWalk(
                search: self, bounds: ascending.map { segmentBounds[$0] }, segment: segment, postings: postings, facts: state.facts.facts,
                base: base, cursors: cursors, groupStarts: groupStarts, norms: state.norms, blockSaturations: blockSaturations.baseAddress!,
                priorBounds: execution.priorBoundTable, priorStart: runs.start, priorShift: runs.shift)
            defer { walk.deallocate() }
            for range in ranges {
                // Ranges come by ceiling, highest first: once one cannot reach the k-th best,
                // none after it can.
                guard walk.run(into: &heap, slots: range.slots, ceiling: range.ceiling) else { break }
            }
        }
    }
}

/// The walk over one segment's postings (see ``BlockMaxSearch``). Its state lives in stored
/// properties and raw buffers, so the hot loops run on `inout self` with no runtime
/// exclusivity or uniqueness checks.
private struct SegmentWalk {
    let bounds: [Float]
    /// The highest prior of any document in the slots being walked.
    var maxPrior: Float
    let groupCount: Int
    /// Every group's bound together, and whether the query has a single group (then a
    /// block bound is exactly comparable with a document's score; see `skipBlocks`).
    let allBounds: Float
    let single: Bool
    let request: SearchRequest
    let priorModel: PriorModel
    let restricted: Bool
    let k1: Float
    /// Global slots never to return (see ``BlockMaxSearch/excluded``): a handful, checked only
    /// for a document about to enter the top k.
    let excluded: [Int]
    /// The highest prior factor of each run of `1 << priorShift` slots, this segment's from
    /// `priorStart` on (``SearchExecution/priorBoundTable``): a document is held to its run's,
    /// not to `maxPrior`.
    let priorBounds: [Float]
    let priorStart: Int
    let priorShift: Int

    let segment: Segment
    let facts: UnsafeMutablePointer<SlotFacts>
    let base: Int
    let docs: UnsafePointer<UInt32>
    let frequencies: UnsafePointer<UInt8>
    let ids: UnsafePointer<UInt64>
    /// The end of the slots being walked.
    var limit: UInt32
    let norms: Norms
    let factors: UnsafePointer<Float>
    let blockSaturations: UnsafePointer<Float>

    let cursorCount: Int
    let cursors: UnsafeMutablePointer<PostingCursor>
    let groupStarts: [Int]
    /// Groups by postings per unit of bound, most first: the best to leave out of the
    /// enumeration.
    let leaveOutOrder: [Int]

    /// The k-th best score so far (−∞ until there are k) and its id.
    var threshold: Float = -.infinity
    var worstID: UInt64 = 0
    /// Documents below `next` are done.
    var next: UInt32 = 0
    /// Which groups are enumerated; the other groups in probing order (highest bound first)
    /// with the sums of their bounds from each on.
    var isEnumerating: [Bool]
    var probing: [Int] = []
    var probingBounds: [Float] = [0]
    /// The enumerated cursors as a binary min-heap on their documents (a long prefix query
    /// enumerates dozens of completions at once).
    let queue: UnsafeMutablePointer<Int>
    var queueCount = 0
    /// Each group's best variant for the current document, and the groups it has.
    let groupBest: UnsafeMutablePointer<Float>
    let touchedGroups: UnsafeMutablePointer<Int>

    init(
        search: BlockMaxSearch, bounds: [Float], segment: Segment, postings: PostingSet, facts: UnsafeMutablePointer<SlotFacts>, base: Int,
        cursors list: [PostingCursor], groupStarts: [Int], norms: Norms, blockSaturations: UnsafePointer<Float>,
        priorBounds: [Float], priorStart: Int, priorShift: Int
    ) {
        self.bounds = bounds
        self.priorBounds = priorBounds
        self.priorStart = priorStart
        self.priorShift = priorShift
        maxPrior = search.maxPrior
        groupCount = bounds.count
        allBounds = bounds.reduce(0, +)
        single = groupCount == 1
        request = search.request
        excluded = search.excluded
        priorModel = PriorModel(search.request, search.execution.parameters)
        restricted = search.request.filter.restrictsAttributes
        k1 = search.execution.parameters.k1
        self.segment = segment
        self.facts = facts
        self.base = base
        docs = postings.docs
        frequencies = postings.frequencies
        ids = segment.ids
        limit = UInt32(segment.documentCount)
        self.norms = norms
        factors = UnsafePointer(norms.factors)
        self.blockSaturations = blockSaturations
        cursorCount = list.count
        cursors = .allocate(capacity: list.count)
        cursors.initialize(from: list, count: list.count)
        self.groupStarts = groupStarts
        var postings = [Float](repeating: 0, count: groupCount)
        for cursor in list { postings[cursor.group] += Float(cursor.end - cursor.position) }
        leaveOutOrder = (0..<groupCount).sorted { a, b in postings[a] * bounds[b] > postings[b] * bounds[a] }
        isEnumerating = [Bool](repeating: false, count: groupCount)
        queue = .allocate(capacity: list.count)
        groupBest = .allocate(capacity: groupCount)
        groupBest.initialize(repeating: 0, count: groupCount)
        touchedGroups = .allocate(capacity: groupCount)
    }

    func deallocate() {
        cursors.deallocate()
        queue.deallocate()
        groupBest.deallocate()
        touchedGroups.deallocate()
    }

    /// Walks the documents of `slots`, whose priors are at most `ceiling`, into `heap`.
    /// Returns false if none of them could reach the k-th best (nothing was walked).
    mutating func run(into heap: inout TopK<SearchExecution.Candidate>, slots: Range<UInt32>, ceiling: Float) -> Bool {
        maxPrior = ceiling
        limit = slots.upperBound
        next = slots.lowerBound
        for c in 0..<cursorCount {
            let start = cursors[c].termStart
            cursors[c].position = start
            cursors[c].doc = docs[start]
            advance(c, to: slots.lowerBound)
        }
        for g in 0..<groupCount { isEnumerating[g] = false }
        probing = []
        probingBounds = [0]
        threshold = heap.threshold?.score ?? -.infinity
        worstID = heap.threshold?.id ?? 0
        guard plan() else { return false }
        for c in 0..<cursorCount { skipBlocks(c) }
        rebuildQueue()
        let filter = request.filter
        while queueCount > 0 {
            // The next document an enumerated group has.
            let doc = cursors[queue[0]].doc
            guard doc < limit else { break }  // exhausted (or a malformed slot)
            next = doc &+ 1
            // The enumerated groups' exact contributions.
            var touchedCount = 0
            while queueCount > 0 && cursors[queue[0]].doc == doc {
                let c = queue[0]
                let g = cursors[c].group
                let value = score(c)
                if groupBest[g] == 0 {
                    touchedGroups[touchedCount] = g
                    touchedCount &+= 1
                }
                if value > groupBest[g] { groupBest[g] = value }
                step(c)
                if cursors[c].doc == UInt32.max {
                    queueCount &-= 1
                    queue[0] = queue[queueCount]
                }
                if queueCount > 0 { siftDown(0) }
            }
            var total: Float = 0
            for i in 0..<touchedCount {
                total += groupBest[touchedGroups[i]]
                groupBest[touchedGroups[i]] = 0
            }
            // The other groups, highest bound first, while they can still matter — at the
            // highest prior of its run of slots: the document's facts (a cache miss) are read
            // only if it still can.
            let priorBound = priorBounds[priorStart &+ Int(doc) >> priorShift]
            var i = 0
            while i < probing.count {
                guard (total + probingBounds[i]) * priorBound >= threshold else { break }
                let g = probing[i]
                var best: Float = 0
                for c in groupStarts[g]..<groupStarts[g + 1] {
                    advance(c, to: doc)
                    if cursors[c].doc == doc {
                        let value = score(c)
                        if value > best { best = value }
                    }
                }
                total += best
                i &+= 1
            }
            guard i == probing.count else { continue }
            // One that can at best tie the k-th best enters only with a lower id.
            let reach = total * priorBound
            guard reach > threshold || (reach == threshold && ids[Int(doc)] < worstID) else { continue }
            let fact = facts[Int(doc)]
            guard filter.admits(fact, restricted: restricted, team: { segment.team[Int(doc)] }) else { continue }
            let prior = priorModel.factor(fact)
            let value = total * prior
            let id = ids[Int(doc)]
            // A document all of whose postings weigh 0 (fields weighted 0) is no match.
            guard value > 0 && (value > threshold || (value == threshold && id < worstID)) else { continue }
            guard excluded.isEmpty || !excluded.contains(base + Int(doc)) else { continue }
            heap.insert(SearchExecution.Candidate(global: base + Int(doc), id: id, score: value))
            guard let worst = heap.threshold else { continue }
            let raised = worst.score > threshold
            threshold = worst.score
            worstID = worst.id
            if raised {
                guard plan() else { break }
                for g in 0..<groupCount where isEnumerating[g] {
                    for c in groupStarts[g]..<groupStarts[g + 1] { skipBlocks(c) }
                }
                rebuildQueue()
            }
        }
        return true
    }

    /// Chooses which groups to enumerate: any set such that the others' bounds together
    /// cannot reach the threshold will do (a document with none of its groups cannot enter
    /// the results); the one chosen greedily leaves out the groups with the most postings per
    /// unit of bound. Returns false when no document can reach the threshold.
    private mutating func plan() -> Bool {
        var leftOut: Float = 0
        var changed = false
        for g in leaveOutOrder {
            let out = (leftOut + bounds[g]) * maxPrior < threshold
            if out { leftOut += bounds[g] }
            guard isEnumerating[g] == out else { continue }
            isEnumerating[g] = !out
            changed = true
            // A group joining the enumeration starts where the walk is.
            if !out { for c in groupStarts[g]..<groupStarts[g + 1] { advance(c, to: next) } }
        }
        guard isEnumerating.contains(true) else { return false }
        guard changed else { return true }
        probing = (0..<groupCount).filter { !isEnumerating[$0] }.reversed()
        probingBounds = [Float](repeating: 0, count: probing.count + 1)
        for i in stride(from: probing.count - 1, through: 0, by: -1) { probingBounds[i] = probingBounds[i + 1] + bounds[probing[i]] }
        return true
    }

    private mutating func rebuildQueue() {
        queueCount = 0
        for g in 0..<groupCount where isEnumerating[g] {
            for c in groupStarts[g]..<groupStarts[g + 1] where cursors[c].doc != UInt32.max {
                queue[queueCount] = c
                queueCount &+= 1
            }
        }
        for i in stride(from: queueCount / 2 - 1, through: 0, by: -1) { siftDown(i) }
    }

    @inline(__always)
    private func siftDown(_ start: Int) {
        var parent = start
        let item = queue[parent]
        let key = cursors[item].doc
        while true {
            var child = 2 &* parent &+ 1
            guard child < queueCount else { break }
            if child &+ 1 < queueCount && cursors[queue[child &+ 1]].doc < cursors[queue[child]].doc { child &+= 1 }
            guard cursors[queue[child]].doc < key else { break }
            queue[parent] = queue[child]
            parent = child
        }
        queue[parent] = item
    }

    /// The cursor's posting's contribution: kept, or from the document's norms (a cache miss
    /// on a large segment).
    @inline(__always)
    private func score(_ c: Int) -> Float {
        let j = cursors[c].position
        if let impacts = cursors[c].impacts { return cursors[c].scale * impacts[j &- cursors[c].termStart] }
        let slot = Int(cursors[c].doc)
        return cursors[c].scale * saturation(weightedFrequency(frequencies, j, factors, slot), k1: k1)
    }

    /// Moves a cursor past the blocks that cannot matter: their bound plus every other
    /// group's cannot reach the threshold (or, for a single word, only ties it with documents
    /// that lose the tie on their id: slots are in id order within a segment).
    @inline(__always)
    private func skipBlocks(_ c: Int) {
        let others = (allBounds - bounds[cursors[c].group]) * maxPrior
        while cursors[c].doc != UInt32.max {
            let offset = cursors[c].position &- cursors[c].termStart
            let block = cursors[c].firstBlock &+ (offset &>> Segment.blockShift)
            let bound = cursors[c].scale * blockSaturations[block] * maxPrior + others
            guard bound < threshold || (single && bound == threshold && ids[Int(cursors[c].doc)] > worstID) else { return }
            let start = cursors[c].termStart &+ ((offset &>> Segment.blockShift) &+ 1) &<< Segment.blockShift
            cursors[c].position = start
            cursors[c].doc = start < cursors[c].end ? docs[start] : UInt32.max
        }
    }

    /// Moves a cursor to its next posting (past skippable blocks when it enters a new one).
    @inline(__always)
    private func step(_ c: Int) {
        let position = cursors[c].position &+ 1
        cursors[c].position = position
        if position < cursors[c].end {
            cursors[c].doc = docs[position]
            if (position &- cursors[c].termStart) & (Segment.blockSize &- 1) == 0 { skipBlocks(c) }
        } else {
            cursors[c].doc = UInt32.max
        }
    }

    /// Moves a cursor to its first posting at or after `target`.
    @inline(__always)
    private func advance(_ c: Int, to target: UInt32) {
        guard cursors[c].doc < target else { return }
        let position = gallop(docs, from: cursors[c].position, to: cursors[c].end, toward: target)
        cursors[c].position = position
        cursors[c].doc = position < cursors[c].end ? docs[position] : UInt32.max
    }
}
