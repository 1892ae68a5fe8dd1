/// Reusable buffers of one search, indexed by global slot (segments first, then the delta).
struct SearchScratch {
    /// Score accumulated over the query groups processed so far.
    var scores: [Float] = []
    /// Best variant score of the current group.
    var best: [Float] = []
    var touched: [UInt32] = []
    var groupTouched: [UInt32] = []

    mutating func prepare(slots: Int) {
        if scores.count < slots {
            scores = [Float](repeating: 0, count: slots)
            best = [Float](repeating: 0, count: slots)
        }
        touched.removeAll(keepingCapacity: true)
        groupTouched.removeAll(keepingCapacity: true)
    }
}

/// One search over segments and the delta: term-at-a-time BM25F accumulation into dense
/// arrays, the best variant of each query word per document (so a word matched exactly and by
/// a typo variant counts once), then top-k selection with filters and priors, then an exact
/// re-scoring of the top hits that yields their explanations.
struct SearchExecution {
    let analyzer: Analyzer
    let parameters: RankingParameters
    let segments: [Segment]
    let states: [SegmentState]
    let delta: MemoryIndex
    let deltaNorms: Norms
    var scratch: SearchScratch

    /// Global slot of each segment's slot 0, and of the delta's.
    private var bases: [Int] {
        var result: [Int] = []
        var base = 0
        for segment in segments {
            result.append(base)
            base += segment.documentCount
        }
        result.append(base)
        return result
    }

    mutating func run(_ request: SearchRequest) -> [SearchHit] {
        let bases = self.bases
        let totalSlots = bases.last! + delta.slotCount
        var liveDocuments = delta.liveCount
        for (segment, state) in zip(segments, states) {
            liveDocuments += segment.documentCount - state.dead.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        let planner = QueryPlanner(
            analyzer: analyzer, parameters: parameters, segments: segments, delta: delta, documentCount: liveDocuments)
        let plan = planner.plan(request, averages: LiveIndex.averages(segments, delta))
        let groups = plan.groups
        guard !groups.isEmpty, request.limit > 0 else { return [] }
        scratch.prepare(slots: totalSlots)
        for group in groups { accumulate(group, bases: bases) }
        let top = select(request, bases: bases)
        // Reset the accumulator for the next search.
        let touched = scratch.touched
        scratch.scores.withUnsafeMutableBufferPointer { scores in
            for slot in touched { scores[Int(slot)] = 0 }
        }
        let reference = plan.selfScore
        var hits = top.map { explain($0, groups: groups, request: request, bases: bases, reference: reference) }
        hits.sort { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
        return hits
    }

    /// Adds each document's best variant score for `group` to its accumulated score.
    private mutating func accumulate(_ group: QueryGroup, bases: [Int]) {
        let k1 = parameters.k1
        // Work on local arrays (moved out, so no copy) to keep exclusive access simple.
        var bestArray: [Float] = []
        var scoresArray: [Float] = []
        var groupTouched: [UInt32] = []
        var touched: [UInt32] = []
        swap(&bestArray, &scratch.best)
        swap(&scoresArray, &scratch.scores)
        swap(&groupTouched, &scratch.groupTouched)
        swap(&touched, &scratch.touched)
        defer {
            swap(&bestArray, &scratch.best)
            swap(&scoresArray, &scratch.scores)
            swap(&groupTouched, &scratch.groupTouched)
            swap(&touched, &scratch.touched)
        }
        bestArray.withUnsafeMutableBufferPointer { best in
            for variant in group.variants {
                let scale = variant.scale
                for (index, segment) in segments.enumerated() {
                    let term = variant.segmentTerms[index]
                    guard term >= 0 else { continue }
                    let start = Int(segment.postingStarts[term])
                    let end = Int(segment.postingStarts[term + 1])
                    let base = bases[index]
                    let limit = segment.documentCount
                    states[index].norms.title.withUnsafeBufferPointer { titleNorms in
                        states[index].norms.description.withUnsafeBufferPointer { descriptionNorms in
                            for j in start..<end {
                                let slot = Int(segment.postingDocs[j])
                                guard slot < limit else { continue }  // never in a well-formed segment
                                let weighted = Float(segment.postingFrequencies[2 &* j]) * titleNorms[slot]
                                    + Float(segment.postingFrequencies[2 &* j &+ 1]) * descriptionNorms[slot]
                                let score = scale * weighted / (k1 + weighted)
                                let global = base &+ slot
                                if best[global] == 0 { groupTouched.append(UInt32(global)) }
                                if score > best[global] { best[global] = score }
                            }
                        }
                    }
                }
                if let term = variant.deltaTerm {
                    let base = bases.last!
                    let docs = delta.postingDocs[Int(term)]
                    let frequencies = delta.postingFrequencies[Int(term)]
                    for j in docs.indices {
                        let slot = Int(docs[j])
                        let weighted = Float(frequencies[2 * j]) * deltaNorms.title[slot]
                            + Float(frequencies[2 * j + 1]) * deltaNorms.description[slot]
                        let score = scale * weighted / (k1 + weighted)
                        let global = base + slot
                        if best[global] == 0 { groupTouched.append(UInt32(global)) }
                        if score > best[global] { best[global] = score }
                    }
                }
            }
            scoresArray.withUnsafeMutableBufferPointer { scores in
                for global in groupTouched {
                    let g = Int(global)
                    if scores[g] == 0 { touched.append(global) }
                    scores[g] += best[g]
                    best[g] = 0
                }
            }
        }
        groupTouched.removeAll(keepingCapacity: true)
    }

    /// A candidate: where it lives and its score with priors.
    struct Candidate {
        var global: Int
        var id: UInt64
        var score: Float
    }

    /// The `limit` best live documents that pass the filter, ties broken by lower id.
    private func select(_ request: SearchRequest, bases: [Int]) -> [Candidate] {
        var heap = TopK<Candidate>(capacity: request.limit) { a, b in
            a.score != b.score ? a.score < b.score : a.id > b.id  // "worse than"
        }
        let filter = request.filter
        for global32 in scratch.touched {
            let global = Int(global32)
            guard let document = attributes(ofGlobal: global, bases: bases) else { continue }
            guard filter.accepts(status: document.status, category: document.category, team: document.team, merged: document.merged)
            else { continue }
            let score = scratch.scores[global] * priorFactor(document, request)
            heap.insert(Candidate(global: global, id: document.id, score: score))
        }
        return heap.sortedDescending()
    }

    private struct Located {
        var id: UInt64
        var status: UInt8
        var category: UInt32
        var team: UInt64
        var merged: Bool
        var createdAt: Int64
    }

    /// The attributes of a live document at a global slot, `nil` if superseded.
    private func attributes(ofGlobal global: Int, bases: [Int]) -> Located? {
        if global >= bases.last! {
            let slot = global - bases.last!
            guard delta.live[slot] else { return nil }
            let a = delta.attributes[slot]
            return Located(id: delta.ids[slot], status: a.status, category: a.category, team: a.team, merged: a.merged, createdAt: a.createdAt)
        }
        var index = segments.count - 1
        while bases[index] > global { index -= 1 }
        let slot = global - bases[index]
        guard !states[index].dead[slot] else { return nil }
        let s = segments[index]
        return Located(
            id: s.ids[slot], status: s.status[slot], category: s.category[slot], team: s.team[slot], merged: s.merged[slot] != 0,
            createdAt: s.created[slot])
    }

    private func priorFactor(_ document: Located, _ request: SearchRequest) -> Float {
        var factor: Float = 1
        if request.category != 0 && document.category == request.category { factor *= 1 + parameters.sameCategoryBoost }
        if request.now > 0 && parameters.recencyBoost > 0 {
            factor *= 1 + parameters.recencyBoost * recencyDecay(document.createdAt, now: request.now)
        }
        return factor
    }

    private func recencyDecay(_ created: Int64, now: Int64) -> Float {
        let ageDays = Float(max(0, now - created)) / 86_400_000
        return exp2f(-ageDays / parameters.recencyHalfLifeDays)
    }

    /// Re-scores a selected document exactly, in double precision, one contribution per
    /// query word and field (and prior), so that the explanation adds up to the score.
    private func explain(_ candidate: Candidate, groups: [QueryGroup], request: SearchRequest, bases: [Int], reference: Double)
        -> SearchHit
    {
        let global = candidate.global
        let document = attributes(ofGlobal: global, bases: bases)!
        var parts: [MatchContribution] = []
        var text = 0.0
        let k1 = Double(parameters.k1)
        for group in groups {
            var bestScore = 0.0
            var bestParts: [MatchContribution] = []
            for variant in group.variants {
                guard let (title, description, titleNorm, descriptionNorm) = frequencies(variant, global: global, bases: bases) else {
                    continue
                }
                let titlePart = Double(title) * titleNorm
                let descriptionPart = Double(description) * descriptionNorm
                let weighted = titlePart + descriptionPart
                let score = Double(variant.scale) * weighted / (k1 + weighted)
                guard score > bestScore else { continue }
                bestScore = score
                let word = String(decoding: group.word, as: UTF8.self)
                let term = String(decoding: variant.bytes, as: UTF8.self)
                bestParts = []
                if titlePart > 0 {
                    bestParts.append(MatchContribution(
                        source: .term(queryWord: word, term: term, kind: variant.kind, field: .title),
                        contribution: score * titlePart / weighted))
                }
                if descriptionPart > 0 {
                    bestParts.append(MatchContribution(
                        source: .term(queryWord: word, term: term, kind: variant.kind, field: .description),
                        contribution: score * descriptionPart / weighted))
                }
            }
            parts += bestParts
            text += bestParts.reduce(0) { $0 + $1.contribution }
        }
        var score = text
        if request.category != 0 && document.category == request.category && parameters.sameCategoryBoost > 0 {
            let boost = score * Double(parameters.sameCategoryBoost)
            parts.append(MatchContribution(source: .sameCategory, contribution: boost))
            score += boost
        }
        if request.now > 0 && parameters.recencyBoost > 0 {
            let boost = score * Double(parameters.recencyBoost * recencyDecay(document.createdAt, now: request.now))
            parts.append(MatchContribution(source: .recency, contribution: boost))
            score += boost
        }
        let confidence = reference > 0 ? min(1, text / reference) : 0
        return SearchHit(id: document.id, score: score, confidence: confidence, explanation: request.explain ? parts : [])
    }

    /// A document's title and description frequencies of a variant, with its norms.
    private func frequencies(_ variant: Variant, global: Int, bases: [Int]) -> (UInt8, UInt8, Double, Double)? {
        if global >= bases.last! {
            guard let term = variant.deltaTerm else { return nil }
            let slot = global - bases.last!
            let docs = delta.postingDocs[Int(term)]
            guard let j = binarySearch(docs, UInt32(slot)) else { return nil }
            let frequencies = delta.postingFrequencies[Int(term)]
            return (frequencies[2 * j], frequencies[2 * j + 1], Double(deltaNorms.title[slot]), Double(deltaNorms.description[slot]))
        }
        var index = segments.count - 1
        while bases[index] > global { index -= 1 }
        let term = variant.segmentTerms[index]
        guard term >= 0 else { return nil }
        let segment = segments[index]
        let slot = UInt32(global - bases[index])
        var low = Int(segment.postingStarts[term])
        var high = Int(segment.postingStarts[term + 1])
        while low < high {
            let mid = (low + high) / 2
            if segment.postingDocs[mid] < slot { low = mid + 1 } else { high = mid }
        }
        guard low < Int(segment.postingStarts[term + 1]), segment.postingDocs[low] == slot else { return nil }
        return (
            segment.postingFrequencies[2 * low], segment.postingFrequencies[2 * low + 1],
            Double(states[index].norms.title[Int(slot)]), Double(states[index].norms.description[Int(slot)])
        )
    }
}

private func binarySearch(_ values: ContiguousArray<UInt32>, _ target: UInt32) -> Int? {
    var low = 0
    var high = values.count
    while low < high {
        let mid = (low + high) / 2
        if values[mid] < target { low = mid + 1 } else { high = mid }
    }
    return low < values.count && values[low] == target ? low : nil
}

/// 2^x for the recency decay, without Foundation.
@inline(__always)
func exp2f(_ x: Float) -> Float {
    guard x > -126 else { return 0 }
    let whole = x.rounded(.down)
    let fraction = x - whole
    // 2^f on [0, 1) by a short polynomial (error < 1e-4).
    let p = 1 + fraction * (0.693_147_2 + fraction * (0.240_226_5 + fraction * (0.055_504_1 + fraction * 0.009_618_1)))
    return Float(sign: .plus, exponent: Int(whole), significand: p)
}
