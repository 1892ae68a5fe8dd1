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
struct AllWordsSearch {
    let execution: SearchExecution
    let request: SearchRequest
    /// The driving group first, then the order the others are checked in.
    let groups: [QueryGroup]
    /// The highest prior factor a document can have.
    let maxPrior: Float

    init(execution: SearchExecution, request: SearchRequest, groups: [QueryGroup], maxPrior: Float) {
        self.execution = execution
        self.request = request
        self.maxPrior = maxPrior
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
    }

    /// The best `request.limit` documents matching every group, best first.
    func top(bases: [Int]) -> [SearchExecution.Candidate] {
        var heap = TopK<SearchExecution.Candidate>(capacity: request.limit) { a, b in
            a.score != b.score ? a.score < b.score : a.id > b.id
        }
        let priorModel = PriorModel(request, execution.parameters)
        let filter = request.filter
        let restricted = filter.restrictsAttributes
        func keep(_ matches: [(slot: UInt32, score: Float)], base: Int) {
            for (slot, text) in matches {
                // A document that cannot beat the k-th best even with the highest prior needs
                // no look at its facts (three cache misses a document when thousands match).
                if let worst = heap.threshold, text * maxPrior < worst.score { continue }
                let global = base + Int(slot)
                let facts = execution.facts(ofGlobal: global, bases: bases)
                guard filter.admits(facts, restricted: restricted, team: { execution.team(ofGlobal: global, bases: bases) }) else {
                    continue
                }
                heap.insert(SearchExecution.Candidate(
                    global: global, id: execution.id(ofGlobal: global, bases: bases), score: text * priorModel.factor(facts)))
            }
        }
        for (index, segment) in execution.segments.enumerated() {
            let postings = segment.postings(request.scope)
            let lists = groups.map { group in
                group.variants.compactMap { variant -> List? in
                    let term = variant.segmentTerms[index]
                    guard term >= 0 else { return nil }
                    let start = Int(postings.starts[term])
                    return List(
                        docs: postings.docs + start, frequencies: postings.frequencies + 2 * start,
                        count: Int(postings.starts[term + 1]) - start, scale: variant.scale)
                }
            }
            let factors = UnsafePointer(execution.states[index].norms.factors)
            let matches = Self.intersection(
                lists, factors: factors, k1: execution.parameters.k1, slots: segment.documentCount, best: execution.scratch.best + bases[index])
            keep(matches, base: bases[index])
        }
        // The delta keeps one list per term; a titles search takes the title frequencies
        // alone, from copies (the delta is small).
        let delta = execution.delta
        let titlesOnly = request.scope == .titles
        var docs: [UInt32] = []
        var frequencies: [UInt8] = []
        var extents: [[(start: Int, count: Int, scale: Float)]] = []
        for group in groups {
            extents.append([])
            for variant in group.variants {
                guard let term = variant.deltaTerm.map(Int.init) else { continue }
                let start = docs.count
                for (j, slot) in delta.postingDocs[term].enumerated() {
                    let title = delta.postingFrequencies[term][2 * j]
                    guard !titlesOnly || title > 0 else { continue }
                    docs.append(slot)
                    frequencies.append(title)
                    frequencies.append(titlesOnly ? 0 : delta.postingFrequencies[term][2 * j + 1])
                }
                extents[extents.count - 1].append((start, docs.count - start, variant.scale))
            }
        }
        let matches = docs.withUnsafeBufferPointer { docs in
            frequencies.withUnsafeBufferPointer { frequencies in
                let lists = extents.map { group in
                    group.map { List(docs: docs.baseAddress! + $0.start, frequencies: frequencies.baseAddress! + 2 * $0.start, count: $0.count, scale: $0.scale) }
                }
                return docs.isEmpty
                    ? []
                    : Self.intersection(
                        lists, factors: UnsafePointer(execution.deltaNorms.factors), k1: execution.parameters.k1, slots: delta.slotCount,
                        best: execution.scratch.best + bases.last!)
            }
        }
        keep(matches, base: bases.last!)
        return heap.sortedDescending()
    }

    /// The slots below `limit` in a list of every group (each list ascending), with their
    /// text score: the sum over groups of the best variant's. Each variant of the first group
    /// is intersected with the others on its own (no merge of long lists first); `best` (zero
    /// on entry and on return, one entry per slot) keeps a document several of them share
    /// once, at its best.
    static func intersection(
        _ groups: [[List]], factors: UnsafePointer<Float>, k1: Float, slots limit: Int, best: UnsafeMutablePointer<Float>
    ) -> [(slot: UInt32, score: Float)] {
        guard let first = groups.first, let longest = first.map(\.count).max(), longest > 0 else { return [] }
        @inline(__always)
        func score(_ list: List, _ j: Int, _ slot: Int) -> Float {
            list.scale * saturation(weightedFrequency(list.frequencies, j, factors, slot), k1: k1)
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
        var matched: [UInt32] = []
        for driver in first {
            var count = 0
            for j in 0..<driver.count where Int(driver.docs[j]) < limit {
                slots[count] = driver.docs[j]
                scores[count] = 0
                origins[count] = j
                count &+= 1
            }
            for lists in rest where count > 0 {
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
                        // Every posting scores above 0.
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
                if best[slot] == 0 { matched.append(slots[i]) }
                best[slot] = max(best[slot], scores[i] + score(driver, origins[i], slot))
            }
        }
        return matched.map { slot in
            defer { best[Int(slot)] = 0 }
            return (slot, best[Int(slot)])
        }
    }
}
