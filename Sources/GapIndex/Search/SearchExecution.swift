/// Reusable buffers of one search, indexed by global slot (segments first, then the delta).
/// Raw memory, so the hot loops pay no bounds, uniqueness or exclusivity checks; a search
/// owns its scratch exclusively (``ScratchPool``).
final class SearchScratch: @unchecked Sendable {
    // @unchecked Sendable: used by one search at a time, handed over through ScratchPool.
    private(set) var capacity = 0
    /// Score accumulated over the query groups processed so far (0 = untouched).
    private(set) var scores = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    /// Best variant score of the current group.
    private(set) var best = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    /// Slots with a non-zero score, and their count. One entry spare: the accumulation writes
    /// a slot at the end before it knows whether the slot is new (and counts it if so).
    private(set) var touched = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
    var touchedCount = 0
    /// Slots with a non-zero `best`, and their count.
    private(set) var groupTouched = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
    var groupTouchedCount = 0
    /// 1 for the slots of the current candidate set (phase 2), else 0.
    private(set) var marks = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
    /// One bit per slot, all zero between uses (see `survivors`).
    private(set) var bits = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)

    deinit {
        scores.deallocate()
        best.deallocate()
        touched.deallocate()
        groupTouched.deallocate()
        marks.deallocate()
        bits.deallocate()
    }

    /// Makes room for `slots` slots, all scores zero.
    func prepare(slots: Int) {
        if capacity < slots {
            scores.deallocate()
            best.deallocate()
            touched.deallocate()
            groupTouched.deallocate()
            marks.deallocate()
            capacity = max(slots, capacity * 2)
            scores = .allocate(capacity: capacity)
            scores.initialize(repeating: 0, count: capacity)
            best = .allocate(capacity: capacity)
            best.initialize(repeating: 0, count: capacity)
            touched = .allocate(capacity: capacity + 1)
            groupTouched = .allocate(capacity: capacity)
            marks = .allocate(capacity: capacity)
            marks.initialize(repeating: 0, count: capacity)
            bits.deallocate()
            bits = .allocate(capacity: capacity / 64 + 1)
            bits.initialize(repeating: 0, count: capacity / 64 + 1)
        }
        touchedCount = 0
        groupTouchedCount = 0
    }

    /// Zeroes the scores of touched slots for the next search.
    func reset() {
        for i in 0..<touchedCount { scores[Int(touched[i])] = 0 }
        touchedCount = 0
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
    let delta: DeltaIndex
    let deltaNorms: Norms
    let deltaFacts: SlotFactsTable
    /// The average field lengths all norms use.
    let averages: (title: Float, description: Float)
    var scratch: SearchScratch
    /// The fields searched (the request's; set by ``run(_:strategy:)``).
    private(set) var scope = SearchScope.titlesAndDescriptions
    /// Each segment's ids and facts, as bare pointers: the per-document lookups of the hot
    /// loops must not copy `Segment` or `SegmentState` values out of their arrays.
    private let segmentIDs: [UnsafePointer<UInt64>]
    private let segmentFacts: [UnsafeMutablePointer<SlotFacts>]
    /// The highest prior factor of each run of slots (see ``SlotFactsTable/newestCreated``) of
    /// every part (the segments, then the delta), for the request being run: part `i`'s runs
    /// start at `priorRuns[i].start`, and a run holds `1 << priorRuns[i].shift` slots.
    private(set) var priorBoundTable: [Float] = []
    private(set) var priorRuns: [(start: Int, shift: Int)] = []
    /// Whether some run's bound is well below the highest prior (gaps of many ages): only then
    /// are documents held to their run's bound outside the document-at-a-time walk (looking it
    /// up costs more than it saves when every gap is recent).
    private(set) var priorBoundsVary = false
    /// Where the run bounds vary: the highest of them over each cell of `1 << priorGridShift`
    /// global slots (the runs the cell overlaps, of any part), so that a document's bound is
    /// one read (``priorBound(ofGlobal:)``).
    private var priorGrid: [Float] = []
    private var priorGridShift = 0
    /// Where the run bounds vary: each segment's slots in ranges of runs, highest bound first
    /// (``slotRanges(documentCount:runBounds:shift:)``).
    private(set) var priorRanges: [[(slots: Range<UInt32>, ceiling: Float)]] = []

    init(
        analyzer: Analyzer, parameters: RankingParameters, segments: [Segment], states: [SegmentState], delta: DeltaIndex,
        deltaNorms: Norms, deltaFacts: SlotFactsTable, averages: (title: Float, description: Float), scratch: SearchScratch
    ) {
        self.analyzer = analyzer
        self.parameters = parameters
        self.segments = segments
        self.states = states
        self.delta = delta
        self.deltaNorms = deltaNorms
        self.deltaFacts = deltaFacts
        self.averages = averages
        self.scratch = scratch
        segmentIDs = segments.map(\.ids)
        segmentFacts = states.map(\.facts.facts)
    }

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

    mutating func run(_ request: SearchRequest, strategy: SearchStrategy = .automatic) -> [SearchHit] {
        scope = request.scope
        let priorModel = PriorModel(request, parameters)
        let maxPrior = maximumPriorFactor(request)
        let tables = states.map(\.facts) + [deltaFacts]
        priorBoundTable = []
        priorBoundTable.reserveCapacity(tables.reduce(0) { $0 + $1.newestCreated.count })
        priorRuns = []
        for table in tables {
            priorRuns.append((priorBoundTable.count, table.runShift))
            // A document of the run created at the run's newest time, in the request's
            // category: the factor is monotonic in both, so no document of the run exceeds it.
            for newest in table.newestCreated {
                priorBoundTable.append(priorModel.factor(SlotFacts(DocumentAttributes(category: request.category, createdAt: newest))))
            }
        }
        priorBoundsVary = (priorBoundTable.min() ?? 0) < 0.98 * maxPrior
        let bases = self.bases
        let totalSlots = bases.last! + delta.slotCount
        if priorBoundsVary { derivePriorLookups(bases: bases, totalSlots: totalSlots) }
        var liveDocuments = delta.liveCount
        for (segment, state) in zip(segments, states) {
            liveDocuments += segment.documentCount - state.deadCount
        }
        let planner = QueryPlanner(
            analyzer: analyzer, parameters: parameters, segments: segments,
            dictionaries: zip(segments, states).map { SegmentDictionary($0, $1) }, delta: delta, documentCount: liveDocuments)
        let plan = planner.plan(request, averages: averages)
        // Most selective first: rare words have the highest bounds and the shortest lists.
        var groups = plan.groups
        for index in groups.indices {
            groups[index].maxScore = bound(groups[index])
            groups[index].postingCount = postingCount(groups[index])
        }
        groups.sort { $0.maxScore > $1.maxScore }
        guard !groups.isEmpty, request.limit > 0 else { return [] }
        scratch.prepare(slots: totalSlots)
        defer { scratch.reset() }
        // With `allWordsFirst`, the documents with every word come first; the best of the
        // others fill the places they leave (they are among the overall top k, as at most k − 1
        // documents rank above any of them there).
        var leading: [Candidate] = []
        if request.allWordsFirst && groups.count > 1 {
            leading = AllWordsSearch(execution: self, request: request, groups: groups).top(bases: bases)
        }
        var top = leading
        if leading.count < request.limit {
            let all: [Candidate]
            // Document at a time, the places left are searched for directly among the other
            // documents: the best k − (those placed) of them, whose k-th best rises sooner than
            // the k-th best of all. Term at a time, the k best of all, less those placed (at
            // least k − placed of them are others).
            let placed = leading.map(\.global)
            let byDocument = strategy == .documentAtATime || (strategy == .automatic && groups.count <= BlockMaxSearch.groupLimit)
            if byDocument {
                var rest = request
                rest.limit = request.limit - leading.count
                all = documentAtATime(rest, groups: groups, bases: bases, maxPrior: maxPrior, excluding: placed)
            } else {
                all = termAtATime(request, groups: groups, bases: bases, maxPrior: maxPrior)
            }
            let taken = Set(placed)
            top += all.lazy.filter { !taken.contains($0.global) }.prefix(request.limit - leading.count)
        }
        let reference = plan.selfScore
        var hits = explain(top, groups: groups, request: request, bases: bases, reference: reference)
        func byScore(_ a: SearchHit, _ b: SearchHit) -> Bool { a.score != b.score ? a.score > b.score : a.id < b.id }
        hits[..<leading.count].sort(by: byScore)
        hits[leading.count...].sort(by: byScore)
        return hits
    }

    /// The top k by ``BlockMaxSearch`` over the segments, after the delta term at a time (it
    /// is small, and its best set a first threshold), never any of `excluded` (global slots).
    private mutating func documentAtATime(
        _ request: SearchRequest, groups: [QueryGroup], bases: [Int], maxPrior: Float, excluding excluded: [Int] = []
    ) -> [Candidate] {
        var heap = TopK<Candidate>(capacity: request.limit, isWorse: Candidate.ranksBelow)
        if delta.slotCount > 0 {
            for group in groups { _ = accumulate(group, bases: bases, segments: false) }
            // The delta's best k + excluded, less the excluded: its best k of the others.
            var wider = request
            wider.limit += excluded.count
            for candidate in select(wider, bases: bases, from: nil) where !excluded.contains(candidate.global) { heap.insert(candidate) }
        }
        let search = BlockMaxSearch(execution: self, request: request, groups: groups, maxPrior: maxPrior, excluded: excluded)
        // Where priors differ, the newest segments first: their gaps have the highest, so the
        // k-th best rises early. (Where they do not, the oldest first: a document tied with
        // the k-th best loses the tie on its id at once. The results are the same.)
        for index in priorBoundsVary ? Array(segments.indices.reversed()) : Array(segments.indices) {
            search.search(segment: index, base: bases[index], into: &heap)
        }
        return heap.sortedDescending()
    }

    /// The top k term at a time: accumulators for every document, then candidates only.
    private mutating func termAtATime(_ request: SearchRequest, groups byBound: [QueryGroup], bases: [Int], maxPrior: Float)
        -> [Candidate]
    {
        let totalSlots = bases.last! + delta.slotCount
        // Phase 1 accumulates every posting of a group; once no unseen document can reach the
        // k-th best seen so far, phase 2 only updates the surviving candidates, and stops as
        // soon as the top k can no longer change (their exact scores come from `explain`).
        // Phase 1 ends once the groups left bound less than the k-th best, so the groups go
        // by bound per posting, most first: a common word with a fair bound costs more than
        // it brings, and is better left to phase 2, which pays for candidates only. (Ordered
        // by bound alone, 300 drafts at 100k took 29% more instructions; phase 2 by bound, 2%.)
        let groups = byBound.sorted { a, b in
            a.maxScore * Float(b.postingCount + Self.postingCountSmoothing) > b.maxScore * Float(a.postingCount + Self.postingCountSmoothing)
        }
        // What a document not yet seen could still reach, after each group.
        var remaining = [Float](repeating: 0, count: groups.count + 1)
        for index in stride(from: groups.count - 1, through: 0, by: -1) {
            remaining[index] = remaining[index + 1] + groups[index].maxScore
        }
        var candidates: [UInt32]?
        var priors: [Float] = []
        var previousTop: [Candidate]?
        var finished = false
        // The k-th best *complete* score among documents scored in full so far: a floor of
        // the final k-th best that rises much faster than the k-th best partial sum, so
        // phase 1 ends and candidates are dropped sooner (MaxScore's threshold, in a
        // term-at-a-time search). 300 drafts at 100k: 8.6% fewer instructions.
        var completeScored: [Int] = []
        var completeBest = LargestFloats(count: request.limit)
        let priorModel = PriorModel(request, parameters)
        for (index, group) in groups.enumerated() where !finished {
            let rest = remaining[index + 1]
            if candidates != nil {
                accumulate(group, onlyAt: candidates!, bases: bases)
                finished = prune(&candidates!, &priors, rest: rest, limit: request.limit, floor: completeBest.smallest)
                continue
            }
            // The documents a group changed are needed only by the selections after the first.
            let maxSeen = accumulate(group, bases: bases, listingChanges: previousTop != nil)
            guard rest * maxPrior < maxSeen * maxPrior, index + 1 < groups.count else { continue }
            // After a first selection over every touched document, the next ones need only the
            // previous top k and the documents this group changed: no other score moved.
            let top = select(request, bases: bases, from: nil, since: previousTop)
            previousTop = top
            guard top.count == request.limit, var kth = top.last?.score else { continue }
            let fresh = top.map(\.global).filter { !completeScored.contains($0) }
            for (global, score) in zip(fresh, completeScores(fresh, groups: groups, bases: bases)) {
                completeScored.append(global)
                let prior = priorModel.factor(facts(ofGlobal: global, bases: bases))
                // A hair lower: the accumulated sums round differently.
                completeBest.insert(score * prior * (1 - 1e-5))
            }
            kth = max(kth, completeBest.smallest)
            guard rest * maxPrior < kth else { continue }
            // Phase 2 pays per candidate and group; while more documents would survive than
            // the next group has postings, accumulating that group for all is cheaper (and
            // leaves fewer survivors).
            let marked = priorBoundsVary
                ? markReaching(rest: rest, kth: kth) : markReaching(survivalCut(rest: rest, kth: kth, maxPrior: maxPrior))
            guard marked <= groups[index + 1].postingCount else {
                clearMarks(totalSlots: totalSlots)
                continue
            }
            let (survivors, survivorPriors) = survivors(
                request, bases: bases, totalSlots: totalSlots, rest: rest, kth: kth)
            candidates = survivors
            priors = survivorPriors
            finished = prune(&candidates!, &priors, rest: rest, limit: request.limit, floor: completeBest.smallest)
        }
        return select(request, bases: bases, from: candidates)
    }

    /// The documents' text scores over every group (their best variant each), looked up in
    /// the postings by binary search: cheap for the few documents of a top k.
    private func completeScores(_ globals: [Int], groups: [QueryGroup], bases: [Int]) -> [Float] {
        guard !globals.isEmpty else { return [] }
        let k1 = parameters.k1
        var totals = [Float](repeating: 0, count: globals.count)
        var best = totals
        let found = UnsafeMutableBufferPointer<PostingFrequencies?>.allocate(capacity: globals.count)
        defer { found.deallocate() }
        globals.withUnsafeBufferPointer { globals in
            for group in groups {
                for i in best.indices { best[i] = 0 }
                for variant in group.variants {
                    frequencies(variant, of: globals, bases: bases, into: found)
                    for i in found.indices {
                        guard let (title, description, titleNorm, descriptionNorm) = found[i] else { continue }
                        let weighted = Float(title) * Float(titleNorm) + Float(description) * Float(descriptionNorm)
                        best[i] = max(best[i], variant.scale * saturation(weighted, k1: k1))
                    }
                }
                for i in totals.indices { totals[i] += best[i] }
            }
        }
        return totals
    }

    /// How many times longer than the candidates a posting list may be and still be walked
    /// in full in phase 2 rather than galloped through. A walk reads the list in order and
    /// checks a byte per posting (the marks: 100 KB at 100k gaps); galloping waits on each
    /// probe and mispredicts where it stops. Drafts at 100k, run side by side on the two
    /// cores against ratio 1 (4 pairs): p50 −7%, p99 −15% with 16 (4 and 64 were slower than
    /// 16); at 1M, 16 was no slower than 1.
    static let walkedListRatio = 16

    /// Added to a group's posting count when ordering by bound per posting, so that among
    /// rare words the bound decides (measured: 100 ≈ best on the 100k drafts).
    static let postingCountSmoothing = 100

    /// The documents marked by ``markReaching(_:)`` that pass the filter and can still reach
    /// the k-th best (`kth`) with `rest` more, in slot order, with their priors; clears the
    /// marks. (Not `mutating`, so that the per-document work borrows `self` instead of
    /// copying it.)
    private func survivors(_ request: SearchRequest, bases: [Int], totalSlots: Int, rest: Float, kth: Float)
        -> ([UInt32], [Float])
    {
        let scores = scratch.scores
        let filter = request.filter
        // Most searches filter on merges only; then no set is consulted per document.
        let restricted = filter.restrictsAttributes
        let priorModel = PriorModel(request, parameters)
        // Survivors are touched documents, so the touched count bounds them: the lists are
        // written in place, without a uniqueness check or growth per append.
        let capacity = scratch.touchedCount
        let survivors = UnsafeMutablePointer<UInt32>.allocate(capacity: max(capacity, 1))
        let priors = UnsafeMutablePointer<Float>.allocate(capacity: max(capacity, 1))
        defer {
            survivors.deallocate()
            priors.deallocate()
        }
        // The bitmap lists the marked documents in slot order (cheaper than sorting them or
        // passing over every slot), into `survivors`, which the decisions then compact in place.
        let bits = scratch.bits
        var listed = 0
        for word in 0..<(totalSlots &+ 63) &>> 6 where bits[word] != 0 {
            var value = bits[word]
            bits[word] = 0
            while value != 0 {
                if listed < capacity {  // always: they are touched documents
                    survivors[listed] = UInt32(truncatingIfNeeded: word &<< 6 &+ value.trailingZeroBitCount)
                    listed &+= 1
                }
                value &= value &- 1
            }
        }
        // Those that cannot reach the k-th best even at the highest prior of their run of slots
        // go first, without their facts (written always, counted when kept: no branch).
        if priorBoundsVary {
            var reaching = 0
            for i in 0..<listed {
                let global = Int(survivors[i])
                survivors[reaching] = survivors[i]
                reaching &+= Int(unsafeBitCast((scores[global] + rest) * priorBound(ofGlobal: global) >= kth, to: UInt8.self))
            }
            listed = reaching
        }
        // The others' facts are read in a pass of their own, whose reads do not wait on each
        // other, so their cache misses overlap. (Read while deciding each document, that read
        // took 70% of this function's samples in a profile of drafts at 100k; now the function's
        // share of the search is a quarter lower.)
        let facts = UnsafeMutablePointer<SlotFacts>.allocate(capacity: max(listed, 1))
        defer { facts.deallocate() }
        for i in 0..<listed { facts[i] = self.facts(ofGlobal: Int(survivors[i]), bases: bases) }
        var count = 0
        for i in 0..<listed {
            let global = Int(survivors[i])
            let score = scores[global]
            guard filter.admits(facts[i], restricted: restricted, team: { team(ofGlobal: global, bases: bases) }) else { continue }
            let prior = priorModel.factor(facts[i])
            if (score + rest) * prior >= kth {
                survivors[count] = UInt32(truncatingIfNeeded: global)
                priors[count] = prior
                count &+= 1
            }
        }
        return (Array(UnsafeBufferPointer(start: survivors, count: count)), Array(UnsafeBufferPointer(start: priors, count: count)))
    }

    /// The least score a document needs so far to still reach `kth` with `rest` more (a hair
    /// lower, against rounding: the exact test is per document, with its prior).
    private func survivalCut(rest: Float, kth: Float, maxPrior: Float) -> Float {
        let least = kth / maxPrior - rest
        return max(least - abs(least) * 1e-4, Float.leastNonzeroMagnitude)
    }

    /// Marks in the scratch bitmap the touched documents that have at least `cut` (see
    /// ``survivalCut(rest:kth:maxPrior:)``; ``survivors(_:bases:totalSlots:rest:kth:)``
    /// decides exactly) and returns how many: about how many would survive.
    private func markReaching(_ cut: Float) -> Int {
        let scores = scratch.scores
        return mark { scores[$0] >= cut }
    }

    /// ``markReaching(_:)`` where priors differ: marks the touched documents that can reach
    /// `kth` with `rest` more at the highest prior of their run (the test the survivors' pass
    /// makes first), so the count is not inflated by old documents no prior lifts that far.
    private func markReaching(rest: Float, kth: Float) -> Int {
        let scores = scratch.scores
        return mark { (scores[$0] + rest) * priorBound(ofGlobal: $0) >= kth }
    }

    /// Marks the touched documents (global slots) for which `reaches` holds; returns how many.
    @inline(__always)
    private func mark(where reaches: (Int) -> Bool) -> Int {
        let touched = scratch.touched
        let bits = scratch.bits
        var count = 0
        for i in 0..<scratch.touchedCount {
            let global = Int(touched[i])
            // Without a branch on the test: its outcome is a coin toss.
            let hit = UInt64(unsafeBitCast(reaches(global), to: UInt8.self))
            bits[global &>> 6] |= hit &<< UInt64(global & 63)
            count &+= Int(hit)
        }
        return count
    }

    /// Clears the marks of ``markReaching(_:)``.
    private func clearMarks(totalSlots: Int) {
        scratch.bits.update(repeating: 0, count: (totalSlots &+ 63) &>> 6)
    }

    /// An upper bound of a group's contribution anywhere: its best variant's scale times the
    /// highest BM25 saturation a posting of the variant reaches in a segment (from the
    /// segment's per-term maxima of frequency and minima of length) or in the delta (the
    /// exact maximum over its few postings).
    private func bound(_ group: QueryGroup) -> Float {
        var best: Float = 0
        for variant in group.variants {
            if let term = variant.deltaTerm { best = max(best, variant.scale * highestDeltaSaturation(term)) }
        }
        return segments.indices.reduce(best * Self.boundMargin) { max($0, bound(group, segment: $1)) }
    }

    /// An upper bound of a group's contribution to a document of segment `index` — tighter
    /// than ``bound(_:)`` where the word's best postings are elsewhere, as in the small
    /// segments a writer leaves.
    func bound(_ group: QueryGroup, segment index: Int) -> Float {
        var best: Float = 0
        for variant in group.variants { best = max(best, variant.scale * highestSaturation(variant, segment: index)) }
        return best * Self.boundMargin
    }

    /// The highest saturation of a delta term's postings (live or superseded) under the
    /// search's norms, computed as the search scores them: the delta is small, and a bound
    /// kept per term would cost every write a pass over all of its postings.
    private func highestDeltaSaturation(_ term: UInt32) -> Float {
        let k1 = parameters.k1
        let factors = deltaNorms.factors
        return delta.postingDocs[Int(term)].withUnsafeBufferPointer { docs in
            delta.postingFrequencies[Int(term)].withUnsafeBufferPointer { frequencies in
                var best: Float = 0
                for j in 0..<docs.count {
                    best = max(best, saturation(weightedFrequency(frequencies.baseAddress!, j, factors, Int(docs[j])), k1: k1))
                }
                return best
            }
        }
    }

    /// Float rounding in the accumulation must never exceed a bound.
    private static let boundMargin: Float = 1.0001

    /// The highest saturation a posting of the variant can have in segment `index`, at its
    /// term's highest frequencies and shortest lengths (0 if the segment lacks the term).
    private func highestSaturation(_ variant: Variant, segment index: Int) -> Float {
        let term = variant.segmentTerms[index]
        guard term >= 0 else { return 0 }
        let bounds = segments[index].postings(scope).termBounds + 4 * term
        let p = parameters
        let averages = states[index].averages
        let weighted = Float(bounds[0]) * Norms.title(length: Float(bounds[2]), p, averages: averages)
            + Float(bounds[1]) * Norms.description(length: Float(bounds[3]), p, averages: averages)
        return weighted / (p.k1 + weighted)
    }

    /// How many postings the group's variants have, in the segments and the delta.
    private func postingCount(_ group: QueryGroup) -> Int {
        var count = 0
        for variant in group.variants {
            for (index, segment) in segments.enumerated() {
                let term = variant.segmentTerms[index]
                guard term >= 0 else { continue }
                count += segment.postings(scope).count(term)
            }
            if let term = variant.deltaTerm { count += delta.postingDocs[Int(term)].count }
        }
        return count
    }

    private func maximumPriorFactor(_ request: SearchRequest) -> Float {
        var factor: Float = 1
        if request.category != 0 { factor *= 1 + parameters.sameCategoryBoost }
        if request.now > 0 && parameters.recencyBoost > 0 { factor *= 1 + parameters.recencyBoost }
        return factor
    }

    /// Adds each document's best variant score for `group` to its accumulated score, for
    /// every document of the variants' postings. Returns the highest accumulated score
    /// among the documents touched.
    private mutating func accumulate(
        _ group: QueryGroup, bases: [Int], segments includeSegments: Bool = true, listingChanges: Bool = true
    ) -> Float {
        if group.variants.count == 1 {
            // Constant arguments, so that each call inlines a loop without the listing test
            // (callgrind: 4% fewer instructions on drafts than passing the flag through).
            return listingChanges
                ? accumulate(only: group.variants[0], bases: bases, segments: includeSegments, listingChanges: true)
                : accumulate(only: group.variants[0], bases: bases, segments: includeSegments, listingChanges: false)
        }
        let best = scratch.best
        let groupTouched = scratch.groupTouched
        var groupCount = 0
        for variant in group.variants {
            // Zero marks "untouched": a slot is listed once, when its best first becomes
            // positive, so the lists never outgrow the slot count.
            @inline(__always)
            func keep(_ global: Int, _ score: Float) {
                let previous = best[global]
                if score > previous {
                    if previous == 0 {
                        groupTouched[groupCount] = UInt32(truncatingIfNeeded: global)
                        groupCount &+= 1
                    }
                    best[global] = score
                }
            }
            if includeSegments { forEachSegmentPosting(of: variant, bases: bases, keep) }
            forEachDeltaPosting(of: variant, base: bases.last!, keep)
        }
        let scores = scratch.scores
        let touched = scratch.touched
        var touchedCount = scratch.touchedCount
        var maxSeen: Float = 0
        for i in 0..<groupCount {
            let g = Int(groupTouched[i])
            let previous = scores[g]
            // best[g] > 0 here, so each slot is listed once (as in `accumulate(only:)`).
            touched[touchedCount] = UInt32(truncatingIfNeeded: g)
            touchedCount &+= previous == 0 ? 1 : 0
            let updated = previous + best[g]
            scores[g] = updated
            maxSeen = max(maxSeen, updated)
            best[g] = 0
        }
        scratch.touchedCount = touchedCount
        scratch.groupTouchedCount = groupCount
        return maxSeen
    }

    /// ``accumulate(_:bases:segments:listingChanges:)`` for a group of one variant (most words of a draft):
    /// each document has at most one posting, so its score is added straight to the
    /// accumulator, without the pass over a per-group best.
    @inline(__always)
    private mutating func accumulate(only variant: Variant, bases: [Int], segments includeSegments: Bool, listingChanges: Bool) -> Float {
        let scores = scratch.scores
        let touched = scratch.touched
        let groupTouched = scratch.groupTouched
        var touchedCount = scratch.touchedCount
        var groupCount = 0
        var maxSeen: Float = 0
        @inline(__always)
        func add(_ global: Int, _ score: Float) {
            let previous = scores[global]
            // Listed when first touched, without a branch on the score (`touched` has a spare
            // entry for the write past the last).
            touched[touchedCount] = UInt32(truncatingIfNeeded: global)
            touchedCount &+= previous == 0 ? 1 : 0
            let updated = previous + score
            scores[global] = updated
            maxSeen = max(maxSeen, updated)
            if listingChanges {
                groupTouched[groupCount] = UInt32(truncatingIfNeeded: global)
                groupCount &+= 1
            }
        }
        if includeSegments { forEachSegmentPosting(of: variant, bases: bases, add) }
        forEachDeltaPosting(of: variant, base: bases.last!, add)
        scratch.touchedCount = touchedCount
        scratch.groupTouchedCount = groupCount
        return maxSeen
    }

    /// Calls `body` with the global slot and score of each of the variant's postings in the
    /// segments.
    @inline(__always)
    private func forEachSegmentPosting(of variant: Variant, bases: [Int], _ body: (Int, Float) -> Void) {
        let k1 = parameters.k1
        let scale = variant.scale
        for (index, segment) in segments.enumerated() {
            let term = variant.segmentTerms[index]
            guard term >= 0 else { continue }
            let postings = segment.postings(scope)
            let end = Int(postings.starts[term + 1])
            let base = bases[index]
            let limit = segment.documentCount
            let factors = states[index].norms.factors
            let docs = postings.docs
            let frequencies = postings.frequencies
            let start = Int(postings.starts[term])
            // The slot is always below the limit in a well-formed segment. A posting that
            // scores 0 (a field weighted 0) is no match, as in the delta: 0 means "untouched"
            // to the accumulators.
            if let impacts = impacts(segment: index, term: term) {
                for j in start..<end {
                    let slot = Int(docs[j])
                    let score = scale * impacts[j &- start]
                    if slot < limit && score > 0 { body(base &+ slot, score) }
                }
            } else {
                for j in start..<end {
                    let slot = Int(docs[j])
                    let score = scale * saturation(weightedFrequency(frequencies, j, factors, slot), k1: k1)
                    if slot < limit && score > 0 { body(base &+ slot, score) }
                }
            }
        }
    }

    /// The kept scores of `term`'s postings in segment `index` (``ImpactCache``), filled now
    /// by a pass over the list if the cache has room; nil otherwise.
    func impacts(segment index: Int, term: Int) -> UnsafePointer<Float>? {
        let cache = states[index].impacts
        let key = ImpactCache.key(term: term, titles: scope == .titles)
        if let kept = cache.list(key) { return kept }
        let postings = segments[index].postings(scope)
        let start = Int(postings.starts[term])
        let count = Int(postings.starts[term + 1]) - start
        guard let filling = cache.reserve(count) else { return nil }
        let factors = states[index].norms.factors
        let k1 = parameters.k1
        // (Every slot is below the segment's document count: its first open checks it.)
        for j in 0..<count {
            filling[j] = saturation(weightedFrequency(postings.frequencies, start + j, factors, Int(postings.docs[start + j])), k1: k1)
        }
        return cache.publish(key, filling, count: count)
    }

    /// Calls `body` with the global slot and score of each of the variant's postings in the
    /// delta (whose slot 0 is global slot `base`).
    @inline(__always)
    private func forEachDeltaPosting(of variant: Variant, base: Int, _ body: (Int, Float) -> Void) {
        guard let term = variant.deltaTerm else { return }
        let k1 = parameters.k1
        let scale = variant.scale
        let factors = deltaNorms.factors
        delta.postingDocs[Int(term)].withUnsafeBufferPointer { docs in
            delta.postingFrequencies[Int(term)].withUnsafeBufferPointer { frequencies in
                for j in 0..<docs.count {
                    let slot = Int(docs[j])
                    // A titles search's norms weigh descriptions 0: a posting in a description
                    // only is no match (and 0 means "untouched" to the accumulators).
                    let weighted = weightedFrequency(frequencies.baseAddress!, j, factors, slot)
                    guard weighted > 0 else { continue }
                    body(base + slot, scale * saturation(weighted, k1: k1))
                }
            }
        }
    }

    /// The same as ``accumulate(_:bases:)`` restricted to `candidates` (sorted global slots).
    /// Each variant's postings are intersected with them the cheaper way: a list up to
    /// ``walkedListRatio`` times as long as the candidates is walked and checked against the
    /// candidates' marks; a longer one is searched by galloping, so a common word's list costs
    /// about candidates × log(list / candidates).
    private mutating func accumulate(_ group: QueryGroup, onlyAt candidates: [UInt32], bases: [Int]) {
        let k1 = parameters.k1
        // A group of one variant adds straight to the scores (a document has one posting of
        // a term); otherwise each candidate's best variant is kept apart and added at the end.
        let single = group.variants.count == 1
        let scores = scratch.scores
        let best = single ? scores : scratch.best
        // Candidates are marked only for a list walked in full (not for galloping).
        let marks = scratch.marks
        var marked = false
        defer { if marked { for candidate in candidates { marks[Int(candidate)] = 0 } } }
        for variant in group.variants {
            let scale = variant.scale
            for (index, segment) in segments.enumerated() {
                let term = variant.segmentTerms[index]
                guard term >= 0 else { continue }
                let base = UInt32(bases[index])
                let upper = UInt32(bases[index] + segment.documentCount)
                let postings = segment.postings(scope)
                var j = Int(postings.starts[term])
                let end = Int(postings.starts[term + 1])
                let docs = postings.docs
                let factors = states[index].norms.factors
                if end - j <= Self.walkedListRatio * candidates.count {
                    if !marked {
                        for candidate in candidates { marks[Int(candidate)] = 1 }
                        marked = true
                    }
                    let limit = segment.documentCount
                    while j < end {
                        let slot = Int(docs[j])
                        let global = Int(base) &+ slot
                        if slot < limit && marks[global] != 0 {
                            let score = scale * saturation(weightedFrequency(postings.frequencies, j, factors, slot), k1: k1)
                            if single { scores[global] += score } else if score > best[global] { best[global] = score }
                        }
                        j &+= 1
                    }
                    continue
                }
                for candidate in candidates where candidate >= base && candidate < upper {
                    let slot = candidate - base
                    j = gallop(docs, from: j, to: end, toward: slot)
                    guard j < end else { break }
                    guard docs[j] == slot else { continue }
                    let score = scale * saturation(weightedFrequency(postings.frequencies, j, factors, Int(slot)), k1: k1)
                    if single { scores[Int(candidate)] += score } else if score > best[Int(candidate)] { best[Int(candidate)] = score }
                }
            }
            if let term = variant.deltaTerm {
                let base = UInt32(bases.last!)
                let docs = delta.postingDocs[Int(term)]
                let frequencies = delta.postingFrequencies[Int(term)]
                var j = 0
                for candidate in candidates where candidate >= base {
                    let slot = candidate - base
                    while j < docs.count && docs[j] < slot { j += 1 }
                    guard j < docs.count else { break }
                    guard docs[j] == slot else { continue }
                    let s = Int(slot)
                    let weighted = Float(frequencies[2 * j]) * deltaNorms.title(s) + Float(frequencies[2 * j + 1]) * deltaNorms.description(s)
                    let score = scale * saturation(weighted, k1: k1)
                    if single { scores[Int(candidate)] += score } else if score > best[Int(candidate)] { best[Int(candidate)] = score }
                }
            }
        }
        guard !single else { return }
        for candidate in candidates {
            let g = Int(candidate)
            scores[g] += best[g]
            best[g] = 0
        }
    }

    /// Drops candidates that cannot reach the k-th best any more (lower bound: the score so
    /// far, or `floor` if higher; upper: plus `rest`, both times the document's prior).
    /// Returns whether the top k are settled: no more than `limit` candidates are left.
    private func prune(_ candidates: inout [UInt32], _ priors: inout [Float], rest: Float, limit: Int, floor: Float) -> Bool {
        let scores = scratch.scores
        guard candidates.count > limit else { return true }
        let kept = candidates.withUnsafeMutableBufferPointer { candidates in
            priors.withUnsafeMutableBufferPointer { priors in
                // The k-th largest lower bound.
                var largest = LargestFloats(count: limit)
                for i in 0..<candidates.count { largest.insert(scores[Int(candidates[i])] * priors[i]) }
                let kth = max(largest.smallest, floor)
                var kept = 0
                // Written always, counted when kept: no branch on the scores (kept ≤ i).
                for i in 0..<candidates.count {
                    candidates[kept] = candidates[i]
                    priors[kept] = priors[i]
                    let keep = (scores[Int(candidates[i])] + rest) * priors[i] >= kth
                    kept &+= Int(unsafeBitCast(keep, to: UInt8.self))
                }
                return kept
            }
        }
        candidates.removeLast(candidates.count - kept)
        priors.removeLast(priors.count - kept)
        return kept <= limit
    }

    /// A candidate: where it lives and its score with priors.
    struct Candidate {
        var global: Int
        var id: UInt64
        var score: Float

        /// Whether `a` ranks below `b`: a lower score, or the same score and a higher id.
        static func ranksBelow(_ a: Candidate, _ b: Candidate) -> Bool {
            a.score != b.score ? a.score < b.score : a.id > b.id
        }
    }

    /// The `limit` best live documents that pass the filter, ties broken by lower id, among
    /// `candidates`; when `nil`, among every touched document or, given the `previous` top k,
    /// among those and the documents the last group accumulated changed.
    func select(_ request: SearchRequest, bases: [Int], from candidates: [UInt32]?, since previous: [Candidate]? = nil)
        -> [Candidate]
    {
        var heap = TopK<Candidate>(capacity: request.limit, isWorse: Candidate.ranksBelow)
        let filter = request.filter
        // Most searches filter on merges only; then no set is consulted per document.
        let restricted = filter.restrictsAttributes
        let priorModel = PriorModel(request, parameters)
        let maxPrior = maximumPriorFactor(request)
        let vary = priorBoundsVary
        let scores = scratch.scores
        // The k-th best so far, copied out of the heap when it changes: most documents are
        // turned away by one comparison with it.
        var worstScore = -Float.infinity
        var worstID = UInt64.max
        /// Whether a document that scores at most `bound` stays out of the top k: below the
        /// k-th best, or tied with it and losing on its id.
        @inline(__always)
        func cannotEnter(_ bound: Float, _ global: Int) -> Bool {
            bound <= worstScore && (bound < worstScore || id(ofGlobal: global, bases: bases) > worstID)
        }
        func consider(_ global: Int) {
            let text = scores[global]
            // Cheap tests first: a document that cannot beat the k-th best even with the
            // largest prior is not looked up — nor one that can only tie with it and loses
            // the tie on its id (ties are common among short, similar gaps).
            let bound = text * maxPrior
            if cannotEnter(bound, global) { return }
            // Then at the highest prior of its run of slots, where priors differ.
            if vary && cannotEnter(text * priorBound(ofGlobal: global), global) { return }
            let facts = facts(ofGlobal: global, bases: bases)
            guard filter.admits(facts, restricted: restricted, team: { team(ofGlobal: global, bases: bases) }) else { return }
            heap.insert(Candidate(global: global, id: id(ofGlobal: global, bases: bases), score: text * priorModel.factor(facts)))
            if let worst = heap.threshold {
                worstScore = worst.score
                worstID = worst.id
            }
        }
        if let candidates {
            for global in candidates { consider(Int(global)) }
        } else if let previous {
            let marks = scratch.marks
            for candidate in previous {
                marks[candidate.global] = 1
                consider(candidate.global)
            }
            for i in 0..<scratch.groupTouchedCount where marks[Int(scratch.groupTouched[i])] == 0 {
                consider(Int(scratch.groupTouched[i]))
            }
            for candidate in previous { marks[candidate.global] = 0 }
        } else {
            for i in 0..<scratch.touchedCount { consider(Int(scratch.touched[i])) }
        }
        return heap.sortedDescending()
    }

    /// The gap id at a global slot.
    @inline(__always)
    private func id(ofGlobal global: Int, bases: [Int]) -> UInt64 {
        let deltaBase = bases[bases.count - 1]
        if global >= deltaBase { return delta.ids[global - deltaBase] }
        var index = segments.count - 1
        while bases[index] > global { index -= 1 }
        return segmentIDs[index][global - bases[index]]
    }

    /// The filter and prior inputs of the document at a global slot.
    @inline(__always)
    private func facts(ofGlobal global: Int, bases: [Int]) -> SlotFacts {
        let deltaBase = bases[bases.count - 1]
        if global >= deltaBase { return deltaFacts.facts[global - deltaBase] }
        var index = segments.count - 1
        while bases[index] > global { index -= 1 }
        return segmentFacts[index][global - bases[index]]
    }

    /// At least the prior factor of the document at a global slot (the bound of its run or of
    /// a neighbouring one, see ``priorGrid``): a document that cannot reach the k-th best at it
    /// is turned away without reading its facts. Only where the run bounds vary.
    @inline(__always)
    func priorBound(ofGlobal global: Int) -> Float {
        priorGrid[global &>> priorGridShift]
    }

    /// Fills ``priorRanges`` and ``priorGrid`` from the run bounds, the grid in cells of at
    /// most a 256th of the slots: a few cells to a run of a large segment (the bound of a cell
    /// across two runs is the higher, a little loose), and a few runs to a cell in small parts.
    private mutating func derivePriorLookups(bases: [Int], totalSlots: Int) {
        priorRanges = segments.indices.map { index in
            Self.slotRanges(
                documentCount: segments[index].documentCount, runBounds: priorBoundTable[priorRuns[index].start...], shift: priorRuns[index].shift)
        }
        var shift = 0
        while totalSlots >> shift >= 256 { shift += 1 }
        var grid = [Float](repeating: 0, count: (totalSlots >> shift) + 1)
        for (part, runs) in priorRuns.enumerated() {
            let count = part < segments.count ? segments[part].documentCount : delta.slotCount
            for run in 0..<((count + (1 << runs.shift) - 1) >> runs.shift) {
                let first = bases[part] + run << runs.shift
                let last = bases[part] + min(count, (run + 1) << runs.shift) - 1
                let bound = priorBoundTable[runs.start + run]
                for cell in first >> shift...last >> shift { grid[cell] = max(grid[cell], bound) }
            }
        }
        priorGrid = grid
        priorGridShift = shift
    }

    /// How far apart the highest priors of a range's runs of slots may be: within a range,
    /// every document is held to the highest (see ``slotRanges(documentCount:runBounds:shift:)``).
    static let rangeCeilingRatio: Float = 0.9

    /// The segment's slots cut into ranges of neighbouring runs (see
    /// ``SlotFactsTable/newestCreated``) whose highest priors lie within
    /// ``rangeCeilingRatio`` of each other, newest first, each with the highest of them; the
    /// ranges ordered by it, highest first.
    ///
    /// In a store of gaps of many ages, the priors of recent gaps are the highest, so searching
    /// their ranges first raises the k-th best early, and the older ranges are searched with
    /// their own, lower ceiling in place of the highest prior of all: more of their words
    /// and blocks are left out, and a range that cannot reach the k-th best is not searched
    /// (``BlockMaxSearch``, ``AllWordsSearch``).
    static func slotRanges(documentCount: Int, runBounds: ArraySlice<Float>, shift: Int) -> [(slots: Range<UInt32>, ceiling: Float)] {
        let runCount = (documentCount + (1 << shift) - 1) >> shift
        let first = runBounds.startIndex
        var ranges: [(slots: Range<UInt32>, ceiling: Float)] = []
        var upper = runCount - 1
        while upper >= 0 {
            var ceiling = runBounds[first + upper]
            var least = ceiling
            var lower = upper
            // Every run's bound within the ratio of the highest in the range.
            while lower > 0 {
                let bound = runBounds[first + lower - 1]
                guard min(least, bound) >= rangeCeilingRatio * max(ceiling, bound) else { break }
                lower -= 1
                ceiling = max(ceiling, bound)
                least = min(least, bound)
            }
            ranges.append((UInt32(lower << shift)..<UInt32(min(documentCount, (upper + 1) << shift)), ceiling))
            upper = lower - 1
        }
        // Stable: among equal ceilings, the newest first.
        return ranges.enumerated().sorted { a, b in
            a.element.ceiling != b.element.ceiling ? a.element.ceiling > b.element.ceiling : a.offset < b.offset
        }.map(\.element)
    }

    private func team(ofGlobal global: Int, bases: [Int]) -> UInt64 {
        let deltaBase = bases[bases.count - 1]
        if global >= deltaBase { return delta.attributes[global - deltaBase].team }
        var index = segments.count - 1
        while bases[index] > global { index -= 1 }
        return segments[index].team[global - bases[index]]
    }

    /// Re-scores the selected documents exactly, in double precision, one contribution per
    /// query word and field (and prior), so that each explanation adds up to its score.
    private func explain(_ top: [Candidate], groups: [QueryGroup], request: SearchRequest, bases: [Int], reference: Double)
        -> [SearchHit]
    {
        // Every document's postings of each variant, looked up together: variant v of group g
        // (the n-th variant in all) holds the frequencies of document i at n × count + i.
        let globals = top.map(\.global)
        let count = globals.count
        let found = UnsafeMutableBufferPointer<PostingFrequencies?>.allocate(
            capacity: max(1, groups.reduce(0) { $0 + $1.variants.count } * count))
        defer { found.deallocate() }
        var n = 0
        globals.withUnsafeBufferPointer { globals in
            for group in groups {
                for variant in group.variants {
                    frequencies(variant, of: globals, bases: bases, into: UnsafeMutableBufferPointer(rebasing: found[n * count..<(n + 1) * count]))
                    n += 1
                }
            }
        }
        return top.indices.map { i in
            explain(top[i], groups: groups, request: request, bases: bases, reference: reference) { n in found[n * count + i] }
        }
    }

    /// One selected document's hit, its frequencies of the n-th variant of all groups (in order) given by `found`.
    private func explain(
        _ candidate: Candidate, groups: [QueryGroup], request: SearchRequest, bases: [Int], reference: Double,
        found: (Int) -> PostingFrequencies?
    ) -> SearchHit {
        let global = candidate.global
        let document = facts(ofGlobal: global, bases: bases)
        var parts: [MatchContribution] = []
        var text = 0.0
        let k1 = Double(parameters.k1)
        var n = 0
        for group in groups {
            // The best variant of the word, in numbers only; text is built for it alone.
            var bestScore = 0.0
            var bestVariant: Variant?
            var bestTitlePart = 0.0
            var bestDescriptionPart = 0.0
            for variant in group.variants {
                n += 1
                guard let (title, description, titleNorm, descriptionNorm) = found(n - 1) else { continue }
                let titlePart = Double(title) * titleNorm
                let descriptionPart = Double(description) * descriptionNorm
                let weighted = titlePart + descriptionPart
                let score = Double(variant.scale) * weighted / (k1 + weighted)
                guard score > bestScore else { continue }
                bestScore = score
                bestVariant = variant
                bestTitlePart = titlePart
                bestDescriptionPart = descriptionPart
            }
            guard let variant = bestVariant else { continue }
            let weighted = bestTitlePart + bestDescriptionPart
            let titleContribution = bestTitlePart > 0 ? bestScore * bestTitlePart / weighted : 0
            let descriptionContribution = bestDescriptionPart > 0 ? bestScore * bestDescriptionPart / weighted : 0
            text += titleContribution + descriptionContribution
            guard request.explain else { continue }
            let word = String(decoding: group.word, as: UTF8.self)
            let term = String(decoding: variant.bytes, as: UTF8.self)
            if bestTitlePart > 0 {
                parts.append(MatchContribution(
                    source: .term(queryWord: word, term: term, kind: variant.kind, field: .title), contribution: titleContribution))
            }
            if bestDescriptionPart > 0 {
                parts.append(MatchContribution(
                    source: .term(queryWord: word, term: term, kind: variant.kind, field: .description),
                    contribution: descriptionContribution))
            }
        }
        var score = text
        if request.category != 0 && document.category == request.category && parameters.sameCategoryBoost > 0 {
            let boost = score * Double(parameters.sameCategoryBoost)
            if request.explain { parts.append(MatchContribution(source: .sameCategory, contribution: boost)) }
            score += boost
        }
        if request.now > 0 && parameters.recencyBoost > 0 {
            let boost = score * Double(parameters.recencyBoost * recencyDecay(document.createdAt, now: request.now, halfLifeDays: parameters.recencyHalfLifeDays))
            if request.explain { parts.append(MatchContribution(source: .recency, contribution: boost)) }
            score += boost
        }
        let confidence = reference > 0 ? min(1, text / reference) : 0
        return SearchHit(id: candidate.id, score: score, confidence: confidence, explanation: parts)
    }

    /// A document's title and description frequencies of a variant, and its field factors.
    typealias PostingFrequencies = (title: UInt8, description: UInt8, titleNorm: Double, descriptionNorm: Double)

    /// Each document's frequencies of `variant` (nil where it has no posting), found by binary
    /// searches run side by side: each step reads every document's next probe before using
    /// any, so the cache misses of the documents overlap. (One search after another waited on
    /// each probe: 63% of the lookups' samples on one compare, perf, drafts at 100k.)
    private func frequencies(
        _ variant: Variant, of globals: UnsafeBufferPointer<Int>, bases: [Int], into found: UnsafeMutableBufferPointer<PostingFrequencies?>
    ) {
        for i in found.indices { found[i] = nil }
        let deltaBase = bases.last!
        if let term = variant.deltaTerm {
            let docs = delta.postingDocs[Int(term)]
            let frequencies = delta.postingFrequencies[Int(term)]
            for (i, global) in globals.enumerated() where global >= deltaBase {
                let slot = global - deltaBase
                guard let j = binarySearch(docs, UInt32(slot)) else { continue }
                found[i] = (frequencies[2 * j], frequencies[2 * j + 1], Double(deltaNorms.title(slot)), Double(deltaNorms.description(slot)))
            }
        }
        for (index, segment) in segments.enumerated() {
            let term = variant.segmentTerms[index]
            guard term >= 0 else { continue }
            let postings = segment.postings(scope)
            let start = Int(postings.starts[term])
            let end = Int(postings.starts[term + 1])
            let base = bases[index]
            guard start < end else { continue }
            let docs = postings.docs
            let factors = states[index].norms
            withUnsafeTemporaryAllocation(of: (member: Int, slot: UInt32, position: Int).self, capacity: globals.count) { searches in
                // This segment's documents: which of `globals`, their slot, and the last posting
                // known to be below the slot (or `start`).
                var count = 0
                for (i, global) in globals.enumerated() where global >= base && global - base < segment.documentCount {
                    searches[count] = (i, UInt32(truncatingIfNeeded: global - base), start)
                    count += 1
                }
                var length = end - start
                while length > 1 {
                    let half = length / 2
                    for m in 0..<count {
                        let position = searches[m].position
                        searches[m].position = docs[position &+ half] < searches[m].slot ? position &+ half : position
                    }
                    length -= half
                }
                for m in 0..<count {
                    let (i, slot, position) = searches[m]
                    let j = position + (docs[position] < slot ? 1 : 0)
                    guard j < end, docs[j] == slot else { continue }
                    found[i] = (
                        postings.frequencies[2 * j], postings.frequencies[2 * j + 1], Double(factors.title(Int(slot))),
                        Double(factors.description(Int(slot)))
                    )
                }
            }
        }
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

/// The `count` largest of a stream of floats: a min-heap over a fixed array, filled with
/// -infinity so that every insertion is one comparison with the root, and a sift-down when
/// it wins. (``TopK`` does the same for any element, through a comparison closure that costs
/// a call per element; pruning feeds it every candidate after every group.)
struct LargestFloats {
    private var heap: [Float]

    init(count: Int) { heap = [Float](repeating: -.infinity, count: max(count, 1)) }

    /// The smallest kept: the k-th largest so far (-infinity until k values came).
    var smallest: Float { heap[0] }

    @inline(__always)
    mutating func insert(_ value: Float) {
        guard value > heap[0] else { return }
        heap.withUnsafeMutableBufferPointer { heap in
            var parent = 0
            let count = heap.count
            while true {
                let left = 2 &* parent &+ 1
                guard left < count else { break }
                let right = left &+ 1
                let child = right < count && heap[right] < heap[left] ? right : left
                guard heap[child] < value else { break }
                heap[parent] = heap[child]
                parent = child
            }
            heap[parent] = value
        }
    }
}

/// The prior factor of a document for one request (same category, recency), with the
/// request's and parameters' values copied out so that the per-document loops touch no
/// reference-counted storage.
struct PriorModel {
    let category: UInt32
    let categoryFactor: Float
    let now: Int64
    let recencyBoost: Float
    let halfLifeDays: Float

    init(_ request: SearchRequest, _ parameters: RankingParameters) {
        category = request.category
        categoryFactor = 1 + parameters.sameCategoryBoost
        now = request.now
        recencyBoost = request.now > 0 ? parameters.recencyBoost : 0
        halfLifeDays = parameters.recencyHalfLifeDays
    }

    @inline(__always)
    func factor(_ document: SlotFacts) -> Float {
        var factor: Float = 1
        if category != 0 && document.category == category { factor *= categoryFactor }
        if recencyBoost > 0 { factor *= 1 + recencyBoost * recencyDecay(document.createdAt, now: now, halfLifeDays: halfLifeDays) }
        return factor
    }
}

/// How much of the recency boost a document created at `created` keeps at `now` (halving
/// every `halfLifeDays`).
@inline(__always)
func recencyDecay(_ created: Int64, now: Int64, halfLifeDays: Float) -> Float {
    let ageDays = Float(max(0, now - created)) / 86_400_000
    return exp2f(-ageDays / halfLifeDays)
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

/// The first index in `from..<to` whose value is ≥ `target` (values ascending), found by
/// doubling steps then binary search.
@inline(__always)
func gallop(_ values: UnsafePointer<UInt32>, from: Int, to: Int, toward target: UInt32) -> Int {
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
    // The answer is in low + 1 ... high, and values[low] < target. Halving without a branch on
    // the values (a conditional move): the outcome of each compare is a coin toss, which a
    // predicted branch pays for in half the steps.
    var base = low
    var count = high - low
    while count > 1 {
        let half = count / 2
        base = values[base &+ half] < target ? base &+ half : base
        count &-= half
    }
    return base + 1
}
