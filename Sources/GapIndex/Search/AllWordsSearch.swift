/// The documents that match every query group, by intersecting posting lists — for
/// ``SearchRequest/allWordsFirst``.
///
/// Per segment (and the delta), each variant of a *driving* group gives candidates; each
/// further group keeps the candidates one of its variants has — found by galloping forward
/// through the variants' lists — and adds its best variant's score. A candidate costs one
/// gallop per variant of each group it is checked against, so the driving group is the one
/// whose postings times the other groups' variants is least (an unfinished word's thirty
/// completions drive, rather than be probed thirty times per candidate), and the others follow
/// by postings times variants. The cost follows the rarer words, not the most common one: an
/// as-you-type search of a common word plus a rarer one is cheap here, where a search for the
/// best score over any of the words must look at every document with the common one.
///
/// Two common words are the exception: galloping through a list about as long as the
/// candidates is a slow merge (a wait and a mispredicted branch per step). Then the first
/// group checked is *scattered* instead: its best score per document is written into a dense
/// array, one entry per slot, which the candidates read in slot order.
struct AllWordsSearch {
    /// See ``intersection(_:factors:k1:slots:best:dense:scatterRatio:)``. On the as-you-type
    /// queries at 100k, side by side against 1 (scattering only lists no longer than the
    /// driver's): p50 0.239 → 0.219 ms, p99 1.60 → 1.58; 4 lay between.
    static let scatteredListRatio = 16

    let execution: SearchExecution
    let request: SearchRequest
    /// The driving group first, then the order the others are checked in.
    let groups: [QueryGroup]

    init(execution: SearchExecution, request: SearchRequest, groups: [QueryGroup]) {
        self.execution = execution
        self.request = request
        let variants = groups.reduce(0) { $0 + $1.variants.count }
        func cost(driving group: QueryGroup) -> Int { group.postingCount * (1 + variants - group.variants.count) }
        var others = groups
        let driver = others.remove(at: others.indices.min { cost(driving: others[$0]) < cost(driving: others[$1]) }!)
        self.groups = [driver] + others.sorted { $0.postingCount * $0.variants.count < $1.postingCount * $1.variants.count }
    }

    /// One variant's postings in one part of the index (a segment or the delta).
    struct List {
        let docs: UnsafePointer<UInt32>
        /// Title and description frequency per posting.
        let frequencies: UnsafePointer<UInt8>
        let count: Int
        /// idf × kind weight × query-word weight.
        let scale: Float
        /// The kept score per unit of scale of each posting (``ImpactCache``), if any.
        var impacts: UnsafePointer<Float>? = nil
    }

    /// The best `request.limit` documents matching every group, best first: their text
    /// scores go into the scratch accumulators, from which the search's own selection
    /// (filters, priors, ties) picks the top k; the accumulators are zero again after.
    ///
    /// Where priors differ, the parts go newest first (the delta, then the segments from the
    /// last), each segment in ranges of slots highest prior bound first (see
    /// ``SearchExecution/slotRanges(documentCount:runBounds:shift:)``), the top k selected after
    /// each: a range whose best possible match — every word at its bound, at the range's
    /// highest prior — stays below the k-th best is not intersected, nor is any after it.
    func top(bases: [Int]) -> [SearchExecution.Candidate] {
        // The accumulators are zero on entry; a part's (a segment's or the delta's) stay zero
        // until its matches are kept, so they serve its intersection as the dense array.
        let scores = execution.scratch.scores
        var matched: [UInt32] = []
        func keep(_ matches: [(slot: UInt32, score: Float)], base: Int) {
            for (slot, text) in matches {
                scores[base + Int(slot)] = text
                matched.append(UInt32(base + Int(slot)))
            }
        }
        defer { for global in matched { scores[Int(global)] = 0 } }
        guard execution.priorBoundsVary else {
            for index in execution.segments.indices {
                keep(segmentMatches(index, slots: 0..<UInt32(execution.segments[index].documentCount), bases: bases), base: bases[index])
            }
            keep(deltaMatches(bases: bases), base: bases.last!)
            return execution.select(request, bases: bases, from: matched)
        }
        var top: [SearchExecution.Candidate] = []
        // The top k of the previous selection and the new matches, newest first: the top k of
        // all matches so far.
        func select(since count: Int) {
            guard matched.count > count else { return }
            top = execution.select(request, bases: bases, from: top.map { UInt32($0.global) } + matched[count...].reversed())
        }
        keep(deltaMatches(bases: bases), base: bases.last!)
        select(since: 0)
        for index in execution.segments.indices.reversed() {
            let best = groups.reduce(Float(0)) { $0 + execution.bound($1, segment: index) }
            for range in execution.priorRanges[index] {
                // Ranges come by ceiling, highest first.
                if top.count == request.limit, let kth = top.last?.score, best * range.ceiling < kth { break }
                let before = matched.count
                keep(segmentMatches(index, slots: range.slots, bases: bases), base: bases[index])
                select(since: before)
            }
        }
        return top
    }

    /// The matches among segment `index`'s slots in `slots`.
    private func segmentMatches(_ index: Int, slots: Range<UInt32>, bases: [Int]) -> [(slot: UInt32, score: Float)] {
        let segment = execution.segments[index]
        let postings = segment.postings(request.scope)
        let whole = slots.lowerBound == 0 && slots.upperBound >= UInt32(segment.documentCount)
        let lists = groups.map { group in
            group.variants.compactMap { variant -> List? in
                let term = variant.segmentTerms[index]
                guard term >= 0 else { return nil }
                let termStart = Int(postings.starts[term])
                let termEnd = Int(postings.starts[term + 1])
                // The postings of the slots in range (all of them for the whole segment).
                let start = whole ? termStart : gallop(postings.docs, from: termStart, to: termEnd, toward: slots.lowerBound)
                let end = whole ? termEnd : gallop(postings.docs, from: start, to: termEnd, toward: slots.upperBound)
                return List(
                    docs: postings.docs + start, frequencies: postings.frequencies + 2 * start, count: end - start, scale: variant.scale,
                    impacts: execution.impacts(segment: index, term: term).map { $0 + (start - termStart) })
            }
        }
        let factors = UnsafePointer(execution.states[index].norms.factors)
        return Self.intersection(
            lists, factors: factors, k1: execution.parameters.k1, slots: segment.documentCount, best: execution.scratch.best + bases[index],
            dense: execution.scratch.scores + bases[index])
    }

    /// The matches in the delta.
    private func deltaMatches(bases: [Int]) -> [(slot: UInt32, score: Float)] {
        // The delta keeps an array per term: copied into one buffer (the delta is small), so
        // that its lists are pointers like a segment's. A titles search's delta norms score a
        // posting in a description only 0, which is no match.
        let delta = execution.delta
        var docs: [UInt32] = []
        var frequencies: [UInt8] = []
        var extents: [[(start: Int, count: Int, scale: Float)]] = []
        for group in groups {
            extents.append([])
            for variant in group.variants {
                guard let term = variant.deltaTerm.map(Int.init) else { continue }
                extents[extents.count - 1].append((docs.count, delta.postingDocs[term].count, variant.scale))
                docs += delta.postingDocs[term]
                frequencies += delta.postingFrequencies[term]
            }
        }
        return docs.withUnsafeBufferPointer { docs in
            frequencies.withUnsafeBufferPointer { frequencies in
                let lists = extents.map { group in
                    group.map { List(docs: docs.baseAddress! + $0.start, frequencies: frequencies.baseAddress! + 2 * $0.start, count: $0.count, scale: $0.scale) }
                }
                return docs.isEmpty
                    ? []
                    : Self.intersection(
                        lists, factors: UnsafePointer(execution.deltaNorms.factors), k1: execution.parameters.k1, slots: delta.slotCount,
                        best: execution.scratch.best + bases.last!, dense: execution.scratch.scores + bases.last!)
            }
        }
    }

    /// The slots below `limit` in a list of every group (each list ascending), with their
    /// text score: the sum over groups of the best variant's. Each variant of the first group
    /// is intersected with the others on its own (no merge of long lists first); `best` (zero
    /// on entry and on return, one entry per slot) keeps a document several of them share
    /// once, at its best. The first group after the driving one is scattered into `dense` (zero
    /// on entry and on return, one entry per slot) when its lists together hold at most
    /// `scatterRatio` times the driving group's postings; otherwise every group is galloped
    /// through.
    static func intersection(
        _ groups: [[List]], factors: UnsafePointer<Float>, k1: Float, slots limit: Int, best: UnsafeMutablePointer<Float>,
        dense: UnsafeMutablePointer<Float>, scatterRatio: Int = scatteredListRatio
    ) -> [(slot: UInt32, score: Float)] {
        guard let first = groups.first, let longest = first.map(\.count).max(), longest > 0 else { return [] }
        @inline(__always)
        func score(_ list: List, _ j: Int, _ slot: Int) -> Float {
            list.scale * (list.impacts?[j] ?? saturation(weightedFrequency(list.frequencies, j, factors, slot), k1: k1))
        }
        let slots = UnsafeMutablePointer<UInt32>.allocate(capacity: longest)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: longest)
        // Where each candidate's posting is in the driving list: it is scored only if it
        // survives (scoring reads the document's norms, a cache miss per posting).
        let origins = UnsafeMutablePointer<Int>.allocate(capacity: longest)
        let positions = UnsafeMutablePointer<Int>.allocate(capacity: max(1, groups.map(\.count).max()!))
        defer {
            slots.deallocate()
            scores.deallocate()
            origins.deallocate()
            positions.deallocate()
        }
        let rest = groups.dropFirst().map { ContiguousArray($0) }
        let scattered = rest.first.map { $0.reduce(0) { $0 + $1.count } <= scatterRatio * first.reduce(0) { $0 + $1.count } } ?? false
        if scattered {
            for list in rest[0] {
                for j in 0..<list.count where Int(list.docs[j]) < limit {
                    let slot = Int(list.docs[j])
                    dense[slot] = max(dense[slot], score(list, j, slot))
                }
            }
        }
        defer {
            if scattered { for list in rest[0] { for j in 0..<list.count where Int(list.docs[j]) < limit { dense[Int(list.docs[j])] = 0 } } }
        }
        var matched: [UInt32] = []
        for driver in first {
            var count = 0
            for j in 0..<driver.count where Int(driver.docs[j]) < limit {
                slots[count] = driver.docs[j]
                scores[count] = 0
                origins[count] = j
                count &+= 1
            }
            for (checked, lists) in rest.enumerated() where count > 0 {
                if checked == 0 && scattered {
                    // A posting that scores 0 (a description's, searching titles) is no match.
                    // Written always, counted when kept: no branch on a coin toss.
                    var kept = 0
                    for i in 0..<count {
                        let value = dense[Int(slots[i])]
                        slots[kept] = slots[i]
                        scores[kept] = scores[i] + value
                        origins[kept] = origins[i]
                        kept &+= Int(unsafeBitCast(value > 0, to: UInt8.self))
                    }
                    count = kept
                    continue
                }
                lists.withUnsafeBufferPointer { lists in
                    for l in 0..<lists.count { positions[l] = 0 }
                    var kept = 0
                    for i in 0..<count {
                        let slot = slots[i]
                        var groupBest: Float = 0
                        for l in 0..<lists.count {
                            let list = lists[l]
                            let position = gallop(list.docs, from: positions[l], to: list.count, toward: slot)
                            positions[l] = position
                            if position < list.count && list.docs[position] == slot {
                                groupBest = max(groupBest, score(list, position, Int(slot)))
                            }
                        }
                        // A posting that scores 0 (a description's, searching titles) is no match.
                        if groupBest > 0 {
                            slots[kept] = slot
                            scores[kept] = scores[i] + groupBest
                            origins[kept] = origins[i]
                            kept &+= 1
                        }
                    }
                    count = kept
                }
            }
            for i in 0..<count {
                let slot = Int(slots[i])
                let driving = score(driver, origins[i], slot)
                guard driving > 0 else { continue }  // as for the other groups: no match
                if best[slot] == 0 { matched.append(slots[i]) }
                best[slot] = max(best[slot], scores[i] + driving)
            }
        }
        return matched.map { slot in
            defer { best[Int(slot)] = 0 }
            return (slot, best[Int(slot)])
        }
    }
}
