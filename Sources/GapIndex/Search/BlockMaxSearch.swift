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
}

/// Document-at-a-time search with MaxScore and block-max pruning, for one segment at a time.
///
/// Query groups are ordered by their bound, lowest first. The lowest groups whose bounds add
/// up to less than the k-th best score so far are *non-essential*: a document matching only
/// them cannot enter the results, so documents are enumerated from the essential groups'
/// postings alone, and the non-essential groups are probed (by galloping) only for documents
/// whose score can still reach the k-th best, highest bound first, stopping as soon as it
/// cannot. As the k-th best rises, more groups become non-essential.
///
/// Blocks (runs of 64 postings with bounds, stored in the segment) prune further: a cursor
/// skips a whole block when its bound plus every other group's bound cannot reach the k-th
/// best — exact for the best-variant-per-word scoring too, because a document whose word
/// matches this variant and another one scores by the better one, which is then not the
/// skipped one. This is what makes short (as-you-type) queries over common words cheap.
struct BlockMaxSearch {
    /// Queries of up to this many words are searched document at a time. Longer drafts
    /// spread their work over many lists, where term-at-a-time accumulation measured faster.
    static let groupLimit = 6

    let execution: SearchExecution
    let request: SearchRequest
    /// Query groups, ascending by bound, with their bounds and the running sums of bounds
    /// (`below[i]` = sum of the bounds of groups `0..<i`).
    let groups: [QueryGroup]
    let bounds: [Float]
    let below: [Float]
    let maxPrior: Float

    init(execution: SearchExecution, request: SearchRequest, groups descending: [QueryGroup], maxPrior: Float) {
        self.execution = execution
        self.request = request
        groups = descending.reversed()
        bounds = groups.map(\.maxScore)
        var sums: [Float] = [0]
        for bound in bounds { sums.append(sums.last! + bound) }
        below = sums
        self.maxPrior = maxPrior
    }

    /// The best `request.limit` documents of segment `index`, merged into `heap`.
    func search(segment index: Int, base: Int, into heap: inout TopK<SearchExecution.Candidate>) {
        let segment = execution.segments[index]
        let state = execution.states[index]
        let groupCount = groups.count
        // Cursors grouped by group, groups in ascending-bound order.
        var cursorList: [PostingCursor] = []
        var groupStarts: [Int] = []
        for (g, group) in groups.enumerated() {
            groupStarts.append(cursorList.count)
            for variant in group.variants {
                let term = variant.segmentTerms[index]
                guard term >= 0 else { continue }
                let start = Int(segment.postingStarts[term])
                let end = Int(segment.postingStarts[term + 1])
                guard start < end else { continue }
                cursorList.append(PostingCursor(
                    position: start, end: end, doc: segment.postingDocs[start], scale: variant.scale, termStart: start,
                    firstBlock: Int(segment.blockStarts[term]), group: g))
            }
        }
        groupStarts.append(cursorList.count)
        guard !cursorList.isEmpty else { return }

        let docs = segment.postingDocs
        let frequencies = segment.postingFrequencies
        let limit = UInt32(segment.documentCount)
        let ids = segment.ids
        let facts = state.facts.facts
        let k1 = execution.parameters.k1
        let filter = request.filter
        let restricted = filter.restrictsAttributes
        let priorModel = PriorModel(request, execution.parameters)
        let allBounds = below[groupCount]
        let single = groupCount == 1
        state.norms.title.withUnsafeBufferPointer { titleNorms in
            state.norms.description.withUnsafeBufferPointer { descriptionNorms in
                state.blockSaturations.withUnsafeBufferPointer { blockSaturations in
                    cursorList.withUnsafeMutableBufferPointer { cursors in
                        var threshold = heap.threshold?.score ?? -.infinity
                        var worstID = heap.threshold?.id ?? 0
                        // Documents below `next` are done.
                        var next: UInt32 = 0
                        // The enumerating cursors, and the other groups in probing order
                        // (highest bound first) with the sums of their bounds from each on.
                        var enumerating: [Int] = []
                        var probing: [Int] = []
                        var probingBounds: [Float] = []
                        var isEnumerating = [Bool](repeating: true, count: groupCount)
                        // Postings per group: what enumerating it costs.
                        let postings = (0..<groupCount).map { g in
                            (groupStarts[g]..<groupStarts[g + 1]).reduce(0) { $0 + cursors[$1].end - cursors[$1].position }
                        }
                        // Groups by postings per unit of bound, most first: the best to leave out of the enumeration.
                        let leaveOutOrder = (0..<groupCount).sorted {
                            Float(postings[$0]) * bounds[$1] > Float(postings[$1]) * bounds[$0]
                        }
                        /// Chooses which groups to enumerate: any set such that the others'
                        /// bounds together cannot reach the threshold will do (a document
                        /// with none of its groups cannot enter the results); the one chosen
                        /// greedily leaves out the groups with the most postings per unit of
                        /// bound. Returns false when no document can reach the threshold.
                        func plan() -> Bool {
                            var leftOut: Float = 0
                            var changed = false
                            for g in leaveOutOrder {
                                let out = (leftOut + bounds[g]) * maxPrior < threshold
                                if out { leftOut += bounds[g] }
                                if isEnumerating[g] == out {
                                    isEnumerating[g] = !out
                                    changed = true
                                    // A group joining the enumeration starts where it left off.
                                    if !out { for c in groupStarts[g]..<groupStarts[g + 1] { advance(c, to: next) } }
                                }
                            }
                            guard isEnumerating.contains(true) else { return false }
                            guard changed || enumerating.isEmpty else { return true }
                            enumerating.removeAll(keepingCapacity: true)
                            probing.removeAll(keepingCapacity: true)
                            for g in 0..<groupCount {
                                if isEnumerating[g] {
                                    enumerating.append(contentsOf: groupStarts[g]..<groupStarts[g + 1])
                                } else {
                                    probing.append(g)
                                }
                            }
                            probing.reverse()
                            probingBounds = [Float](repeating: 0, count: probing.count + 1)
                            for i in stride(from: probing.count - 1, through: 0, by: -1) {
                                probingBounds[i] = probingBounds[i + 1] + bounds[probing[i]]
                            }
                            return true
                        }

                        @inline(__always)
                        func score(_ cursor: PostingCursor) -> Float {
                            let j = cursor.position
                            let slot = Int(cursor.doc)
                            let weighted = Float(frequencies[2 &* j]) * titleNorms[slot] + Float(frequencies[2 &* j &+ 1]) * descriptionNorms[slot]
                            return cursor.scale * saturation(weighted, k1: k1)
                        }

                        /// Moves a cursor past the blocks that cannot matter: their bound plus
                        /// every other group's cannot reach the threshold (or only ties it, with
                        /// documents that lose the tie on their id).
                        @inline(__always)
                        func skipBlocks(_ c: Int) {
                            let others = (allBounds - bounds[cursors[c].group]) * maxPrior
                            while cursors[c].doc != UInt32.max {
                                let offset = cursors[c].position &- cursors[c].termStart
                                let block = cursors[c].firstBlock &+ (offset &>> Segment.blockShift)
                                let bound = cursors[c].scale * blockSaturations[block] * maxPrior + others
                                guard bound < threshold || (single && bound == threshold && ids[Int(cursors[c].doc)] > worstID) else { return }
                                let next = cursors[c].termStart &+ ((offset &>> Segment.blockShift) &+ 1) &<< Segment.blockShift
                                cursors[c].position = next
                                cursors[c].doc = next < cursors[c].end ? docs[next] : UInt32.max
                            }
                        }

                        @inline(__always)
                        func step(_ c: Int) {
                            let next = cursors[c].position &+ 1
                            cursors[c].position = next
                            if next < cursors[c].end {
                                cursors[c].doc = docs[next]
                                if (next &- cursors[c].termStart) & (Segment.blockSize &- 1) == 0 { skipBlocks(c) }
                            } else {
                                cursors[c].doc = UInt32.max
                            }
                        }

                        /// Moves a cursor to its first posting at or after `target`.
                        @inline(__always)
                        func advance(_ c: Int, to target: UInt32) {
                            guard cursors[c].doc < target else { return }
                            let position = gallopForward(docs, from: cursors[c].position, to: cursors[c].end, toward: target)
                            cursors[c].position = position
                            cursors[c].doc = position < cursors[c].end ? docs[position] : UInt32.max
                        }

                        guard plan() else { return }
                        for c in 0..<cursors.count { skipBlocks(c) }
                        while true {
                            // The next document an enumerated group has.
                            var doc = UInt32.max
                            for c in enumerating where cursors[c].doc < doc { doc = cursors[c].doc }
                            guard doc < limit else { break }  // exhausted (or a malformed slot)
                            next = doc &+ 1
                            // The enumerated groups' exact contributions (their cursors are listed group by group).
                            var total: Float = 0
                            var group = -1
                            var best: Float = 0
                            for c in enumerating {
                                if cursors[c].group != group {
                                    total += best
                                    best = 0
                                    group = cursors[c].group
                                }
                                guard cursors[c].doc == doc else { continue }
                                let value = score(cursors[c])
                                if value > best { best = value }
                                step(c)
                            }
                            total += best
                            guard (total + probingBounds[0]) * maxPrior >= threshold else { continue }
                            let fact = facts[Int(doc)]
                            guard !fact.isDead,
                                restricted
                                    ? filter.accepts(
                                        status: fact.status, category: fact.category, merged: fact.isMerged,
                                        team: { segment.team[Int(doc)] })
                                    : filter.includeMerged || !fact.isMerged
                            else { continue }
                            let prior = priorModel.factor(fact)
                            // The other groups, highest bound first, while they can still matter.
                            var i = 0
                            while i < probing.count {
                                guard (total + probingBounds[i]) * prior >= threshold else { break }
                                let g = probing[i]
                                var best: Float = 0
                                for c in groupStarts[g]..<groupStarts[g + 1] {
                                    advance(c, to: doc)
                                    if cursors[c].doc == doc {
                                        let value = score(cursors[c])
                                        if value > best { best = value }
                                    }
                                }
                                total += best
                                i += 1
                            }
                            guard i == probing.count else { continue }
                            let value = total * prior
                            let id = ids[Int(doc)]
                            guard value > threshold || (value == threshold && id < worstID) else { continue }
                            heap.insert(SearchExecution.Candidate(global: base + Int(doc), id: id, score: value))
                            if let worst = heap.threshold, worst.score != threshold || worst.id != worstID {
                                let raised = worst.score > threshold
                                threshold = worst.score
                                worstID = worst.id
                                if raised {
                                    guard plan() else { break }
                                    for c in enumerating { skipBlocks(c) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The first index in `from..<to` whose value is ≥ `target` (values ascending), found by
/// doubling steps then binary search.
@inline(__always)
func gallopForward(_ values: UnsafePointer<UInt32>, from: Int, to: Int, toward target: UInt32) -> Int {
    guard from < to, values[from] < target else { return from }
    var step = 1
    var low = from
    var high = from + 1
    while high < to && values[high] < target {
        low = high
        step &<<= 1
        high = min(to, low + step)
    }
    high = min(high, to)
    while low < high {
        let mid = (low + high) / 2
        if values[mid] < target { low = mid + 1 } else { high = mid }
    }
    return low
}
