/// One query word and the index terms that stand for it.
struct QueryGroup {
    /// The word as the analyzer produced it.
    var word: [UInt8]
    /// The query-side weight: draft title words weigh more, identifier parts less.
    var weight: Float
    var variants: [Variant]
    /// An upper bound of what the group can add to any document's score (set by the search,
    /// which knows the segments' per-term bounds).
    var maxScore: Float = 0
    /// How many postings its variants have (set by the search).
    var postingCount = 0
    /// How often the word occurs in the draft's title and description.
    var draftTitleFrequency: Float = 0
    var draftDescriptionFrequency: Float = 0
}

/// An index term matching a query word, with where to find its postings.
struct Variant {
    var bytes: [UInt8]
    var kind: MatchKind
    /// ``RankingParameters`` weight of the kind (1 for exact).
    var kindWeight: Float
    /// The term's id in each segment (-1 where absent).
    var segmentTerms: [Int]
    /// The term's id in the delta, if present.
    var deltaTerm: UInt32?
    var documentFrequency: Int
    /// idf × kind weight × group weight: the factor of the BM25 saturation term.
    var scale: Float = 0
}

/// Turns a ``SearchRequest`` into query groups against a set of segments and a delta.
/// The planned query: its groups and what the draft would score against itself.
struct QueryPlan {
    var groups: [QueryGroup]
    /// The score of a document identical to the draft (exact matches only, no priors): the
    /// reference for a hit's confidence.
    var selfScore: Double
}

struct QueryPlanner {
    let analyzer: Analyzer
    let parameters: RankingParameters
    let segments: [Segment]
    /// Each segment's terms and stems with their keys, for lookups and fuzzy walks.
    let dictionaries: [SegmentDictionary]
    let delta: DeltaIndex
    let documentCount: Int

    func plan(_ request: SearchRequest, averages: (title: Float, description: Float)) -> QueryPlan {
        // The distinct query words, in order of first appearance, with their weights and
        // frequencies. Words are looked up through one reused buffer: a word allocates only
        // the first time it occurs.
        var groups: [QueryGroup] = []
        var groupOfWord: [[UInt8]: Int] = [:]
        var key: [UInt8] = []
        var lastWord: Int?
        func collect(_ text: String, fieldWeight: Float, isTitle: Bool) -> Int {
            analyzer.analyze(text) { bytes, _, role in
                key.removeAll(keepingCapacity: true)
                key.append(contentsOf: bytes)
                let weight = fieldWeight * (role == .part ? 0.5 : 1)
                let g: Int
                if let existing = groupOfWord[key] {
                    g = existing
                    groups[g].weight += 0.25 * weight
                } else {
                    g = groups.count
                    groupOfWord[key] = g
                    groups.append(QueryGroup(word: key, weight: weight, variants: []))
                }
                if isTitle { groups[g].draftTitleFrequency += 1 } else { groups[g].draftDescriptionFrequency += 1 }
                if isTitle && role == .word { lastWord = g }
            }
        }
        let titleLength = collect(request.title, fieldWeight: parameters.draftTitleWeight, isTitle: true)
        let descriptionLength = collect(request.description, fieldWeight: 1, isTitle: false)
        // The last word of an as-you-type title is unfinished; it is matched by prefix.
        let prefixWord = request.prefixLastWord && request.description.isEmpty ? lastWord.map { groups[$0].word } : nil

        // A word in more than half the gaps is evidence of nothing (its Robertson–Spärck Jones
        // weight is negative; BM25's log(1 + …) keeps it barely positive), yet its bound
        // keeps every document in play: it is not searched — unless the index is too small
        // for its frequencies to mean much, or no other word of the draft matches anything.
        // Each word's exact term, looked up once: its frequency decides here, and it is the
        // first of the word's variants.
        let exacts = groups.map { locate($0.word, kind: .exact, weight: 1) }
        let frequencies = exacts.map(\.documentFrequency)
        var common: [Int] = []
        var searched = Array(groups.indices)
        if documentCount >= Self.commonWordMinimumDocuments && parameters.maxWordShare < 1 {
            let limit = Float(documentCount) * parameters.maxWordShare
            common = groups.indices.filter { Float(frequencies[$0]) > limit }
            searched = groups.indices.filter { Float(frequencies[$0]) <= limit }
        }
        func resolved(_ indices: [Int]) -> [QueryGroup] {
            mostInformative(indices, of: groups, frequencies: frequencies).map { index in
                resolve(groups[index], exact: exacts[index], isPrefix: groups[index].word == prefixWord)
            }
        }
        var planned = resolved(searched)
        if !common.isEmpty && planned.allSatisfy({ $0.variants.isEmpty }) { planned = resolved(common) }
        groups = planned
        // The draft scored against itself, as if it were indexed.
        let p = parameters
        let titleNorm = p.titleWeight / (1 - p.titleLengthNormalization + p.titleLengthNormalization * Float(titleLength) / averages.title)
        // (A search of titles alone matches no description, the draft's own included.)
        let descriptionNorm = request.scope == .titles ? 0 : p.descriptionWeight
            / (1 - p.descriptionLengthNormalization + p.descriptionLengthNormalization * Float(descriptionLength) / averages.description)
        var selfScore = 0.0
        for group in groups {
            let exact = group.variants.first { $0.kind == .exact }
            let idf = inverseDocumentFrequency(exact?.documentFrequency ?? 1)
            let weighted = group.draftTitleFrequency * titleNorm + group.draftDescriptionFrequency * descriptionNorm
            guard weighted > 0 else { continue }
            selfScore += Double(idf * group.weight * weighted / (p.k1 + weighted))
        }
        return QueryPlan(groups: groups.filter { !$0.variants.isEmpty }, selfScore: selfScore)
    }

    /// Below this many documents, no word is too common to search (see ``RankingParameters/maxWordShare``).
    static let commonWordMinimumDocuments = 1000

    /// Of the groups at `indices`, at most `maxQueryWords`: the most informative (idf ×
    /// weight) when there are more.
    private func mostInformative(_ indices: [Int], of groups: [QueryGroup], frequencies: [Int]) -> [Int] {
        guard indices.count > parameters.maxQueryWords else { return indices }
        let scored = indices.map { index -> (Int, Float) in
            let df = frequencies[index]
            return (index, inverseDocumentFrequency(df == 0 ? 1 : df) * groups[index].weight)
        }
        return scored.sorted { $0.1 > $1.1 }.prefix(parameters.maxQueryWords).map(\.0)
    }

    /// `group` with its variants (starting from its `exact` term) and their scales.
    private func resolve(_ group: QueryGroup, exact: Variant, isPrefix: Bool) -> QueryGroup {
        var group = group
        group.variants = variants(of: group.word, exact: exact, prefix: isPrefix)
        // An unfinished word is as informative as the set of words it may become: its
        // completions share one idf, from their summed frequencies. (Each completion's own
        // idf would rank a rare completion of a common prefix, "instagram" for "insta",
        // far above the likely ones.)
        let prefixFrequency = isPrefix ? group.variants.reduce(0) { $0 + $1.documentFrequency } : 0
        for v in group.variants.indices {
            let variant = group.variants[v]
            let df = isPrefix ? max(prefixFrequency, variant.documentFrequency) : variant.documentFrequency
            group.variants[v].scale = inverseDocumentFrequency(df) * variant.kindWeight * group.weight
        }
        return group
    }

    /// BM25's idf, always positive. Frequencies count superseded copies of edited gaps too
    /// (until the next segment rebuild), so they are capped at the number of documents.
    func inverseDocumentFrequency(_ df: Int) -> Float {
        let n = Float(max(documentCount, 1))
        let d = min(Float(df), n)
        return max(log1pf((n - d + 0.5) / (d + 0.5)), 1e-6)
    }

    /// The `exact` term, same-stem terms, typo variants and (for the unfinished word) prefix
    /// completions of `word`, deduplicated by term, each with its best kind.
    private func variants(of word: [UInt8], exact: Variant, prefix: Bool) -> [Variant] {
        var byBytes: [[UInt8]: Variant] = [word: exact]
        func add(_ bytes: [UInt8], _ kind: MatchKind, _ weight: Float, knownSegmentTerm: (segment: Int, term: Int)? = nil) {
            // A kind weighted 0 is switched off; it must not become a variant (scores are
            // strictly positive).
            guard weight > 0 else { return }
            if let existing = byBytes[bytes], existing.kindWeight >= weight { return }
            byBytes[bytes] = locate(bytes, kind: kind, weight: weight, knownSegmentTerm: knownSegmentTerm)
        }
        // Same stem.
        let stem = Stemming.stem(of: word)
        stem.withUnsafeBufferPointer { stemBytes in
            for (index, segment) in segments.enumerated() {
                guard let group = dictionaries[index].stems.index(of: stemBytes) else { continue }
                for term in segment.terms(inStemGroup: group) {
                    add(Array(segment.term(Int(term))), .stem, parameters.stemWeight, knownSegmentTerm: (index, Int(term)))
                }
            }
            for term in delta.terms(withStem: stemBytes) { add(Array(delta.terms.bytes(of: term)), .stem, parameters.stemWeight) }
        }
        // Typos and prefixes.
        // A word the index knows well is spelled right: expanding it to its neighbours only
        // adds noise (and time).
        let exactFrequency = byBytes[word]?.documentFrequency ?? 0
        let knownWell = exactFrequency >= max(parameters.fuzzyFrequencyFloor, Int(parameters.fuzzyFrequencyShare * Float(documentCount)))
        // Numbers and identifiers with digits are not misspelt words: no typo variants.
        let hasDigits = word.contains { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        var edits = knownWell || hasDigits ? 0 : parameters.typos.maxEdits(forLength: word.count)
        // A word the index has as typed is likelier spelt right (or spelt wrong the same way
        // by others) than two edits away from what was meant: one edit at most. On the JIRA
        // data the evaluation is unchanged; on synthetic drafts it saves 9% of the search's
        // instructions (two-edit neighbourhoods of long words are the fuzzy matcher's
        // largest walks).
        if exactFrequency > 0 { edits = min(edits, 1) }
        if edits > 0 || prefix {
            // Likewise a word one edit from a term of the index was most likely meant as that
            // term (or one like it): two edits are looked for only when one finds nothing. Same
            // evaluation on the JIRA data and on the synthetic drafts and typed titles at 100k
            // and 1M (R@1, R@10, MRR to three decimals); 300 drafts at 100k 0.998 → 0.950
            // billion instructions.
            let twoEdits = edits == 2 && !prefix
            // Enough of each part's best to make the same choice as from all of its matches: a
            // part's match is passed over only for one taken or known already.
            let keep = parameters.maxPrefixExpansions + parameters.maxFuzzyExpansions + byBytes.count
            var candidates = expansions(of: word, maxEdits: twoEdits ? 1 : edits, prefix: prefix, keep: keep)
            if twoEdits && candidates.isEmpty { candidates = expansions(of: word, maxEdits: 2, prefix: false, keep: keep) }
            let deltaSource = segments.count
            func bytes(of candidate: Expansion) -> [UInt8] {
                candidate.source == deltaSource
                    ? Array(delta.terms.bytes(of: UInt32(candidate.term))) : Array(segments[candidate.source].term(candidate.term))
            }
            candidates.sort(by: Expansion.ranksBefore)
            var fuzzyTaken = 0
            var prefixTaken = 0
            for candidate in candidates {
                if (edits == 0 || fuzzyTaken >= parameters.maxFuzzyExpansions) && (!prefix || prefixTaken >= parameters.maxPrefixExpansions) {
                    break
                }
                if candidate.isPrefix {
                    guard prefixTaken < parameters.maxPrefixExpansions else { continue }
                } else {
                    guard candidate.distance > 0, fuzzyTaken < parameters.maxFuzzyExpansions else { continue }
                }
                let termBytes = bytes(of: candidate)
                let weight = candidate.isPrefix ? parameters.prefixWeight * typoWeight(candidate.distance) : typoWeight(candidate.distance)
                // A term already a variant (from another part, or as a stem) is passed over, and
                // takes no place; an exact completion still upgrades a weaker kind.
                if let existing = byBytes[termBytes], candidate.distance > 0 || existing.kindWeight >= weight { continue }
                let known = candidate.source == deltaSource ? nil : (segment: candidate.source, term: candidate.term)
                if candidate.isPrefix {
                    prefixTaken += 1
                    add(termBytes, .prefix(edits: candidate.distance), weight, knownSegmentTerm: known)
                } else {
                    fuzzyTaken += 1
                    add(termBytes, .fuzzy(edits: candidate.distance), weight, knownSegmentTerm: known)
                }
            }
        }
        // In byte order, for a plan that does not depend on the dictionary's hashing (compared
        // through buffers: sorting with the generic array comparison took 2% of the samples of
        // an as-you-type check).
        return byBytes.values.filter { $0.documentFrequency > 0 }.sorted { a, b in
            a.bytes.withUnsafeBufferPointer { a in b.bytes.withUnsafeBufferPointer { b in compareBytes(a, b) < 0 } }
        }
    }

    /// The terms of the segments and the delta within `maxEdits` of `word` (or, with `prefix`,
    /// starting within them), kept as term numbers: bytes are copied only for those taken. The
    /// delta's terms have source `segments.count`. Of each part's matches only the `keep` best
    /// prefix completions and the `keep` best typo variants (in ``Expansion/ranksBefore(_:_:)``
    /// order) are kept, as they are found: a short prefix can match thousands of terms, and
    /// holding them all (then sorting them) took a tenth of an as-you-type check.
    private func expansions(of word: [UInt8], maxEdits: Int, prefix: Bool, keep: Int) -> [Expansion] {
        var candidates: [Expansion] = []
        let matcher = FuzzyMatcher(word: word, maxEdits: maxEdits, prefix: prefix)
        let cap = prefix ? 4096 : 512
        for (index, segment) in segments.enumerated() {
            var best = BestExpansions(source: index, keep: keep) { ($0, segment.documentFrequency($0)) }
            matcher.forEachMatch(in: dictionaries[index].terms, limit: cap, into: &best)
            candidates += best.kept
        }
        delta.sortedTermBytes.withUnsafeBufferPointer { bytes in
            delta.sortedTermStarts.withUnsafeBufferPointer { starts in
                guard let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1) else { return }
                // Valid while the delta is not modified (searches hold the index's read lock).
                let list = TermListView(starts: starts.baseAddress!, bytes: base, termCount: delta.sortedTerms.count)
                var best = BestExpansions(source: segments.count, keep: keep) { position in
                    let term = delta.sortedTerms[position]
                    return (Int(term), delta.documentFrequency(term))
                }
                matcher.forEachMatch(in: list, limit: cap, into: &best)
                candidates += best.kept
            }
        }
        return candidates
    }

    /// A typo or prefix expansion found by the fuzzy matcher: its term by number in a segment
    /// (`source` its index) or in the delta (`source` the segment count).
    private struct Expansion {
        var distance: Int
        var isPrefix: Bool
        var df: Int
        var source: Int
        var term: Int
        /// Where the matcher found it in its part's sorted terms.
        var position: Int

        /// The closest first, then the most frequent, then by part and term order.
        static func ranksBefore(_ a: Expansion, _ b: Expansion) -> Bool {
            (a.distance, -a.df, a.source, a.position) < (b.distance, -b.df, b.source, b.position)
        }
    }

    /// One part's best prefix completions and typo variants (a typo variant at distance 0 is
    /// the word itself, its exact variant: not kept).
    private struct BestExpansions: FuzzyMatchSink {
        let source: Int
        /// A matched term's number and document frequency, from its position in the sorted terms.
        let resolve: (Int) -> (term: Int, df: Int)
        var prefixes: TopK<Expansion>
        var typos: TopK<Expansion>

        init(source: Int, keep: Int, resolve: @escaping (Int) -> (term: Int, df: Int)) {
            self.source = source
            self.resolve = resolve
            prefixes = TopK(capacity: keep) { Expansion.ranksBefore($1, $0) }
            typos = TopK(capacity: keep) { Expansion.ranksBefore($1, $0) }
        }

        /// Both kinds kept, unordered (the caller sorts all parts' together).
        var kept: [Expansion] { prefixes.elements + typos.elements }

        mutating func take(_ match: FuzzyMatch) {
            guard match.isPrefix || match.distance > 0 else { return }
            let (term, df) = resolve(match.term)
            let expansion = Expansion(distance: match.distance, isPrefix: match.isPrefix, df: df, source: source, term: term, position: match.term)
            if match.isPrefix { prefixes.insert(expansion) } else { typos.insert(expansion) }
        }
    }

    private func typoWeight(_ distance: Int) -> Float {
        distance == 0 ? 1 : (distance == 1 ? parameters.oneTypoWeight : parameters.twoTypoWeight)
    }

    private func locate(_ bytes: [UInt8], kind: MatchKind, weight: Float, knownSegmentTerm: (segment: Int, term: Int)? = nil) -> Variant {
        bytes.withUnsafeBufferPointer { buffer in
            var df = 0
            var segmentTerms: [Int] = []
            for (index, segment) in segments.enumerated() {
                let term = knownSegmentTerm?.segment == index ? knownSegmentTerm!.term : (dictionaries[index].terms.index(of: buffer) ?? -1)
                segmentTerms.append(term)
                if term >= 0 { df += segment.documentFrequency(term) }
            }
            let deltaTerm = delta.termID(buffer)
            if let deltaTerm { df += delta.documentFrequency(deltaTerm) }
            return Variant(
                bytes: bytes, kind: kind, kindWeight: weight, segmentTerms: segmentTerms, deltaTerm: deltaTerm,
                documentFrequency: df)
        }
    }
}

/// A segment's terms and stems as the planner reads them (keyed: see ``PackedPrefixes``).
struct SegmentDictionary {
    let terms: KeyedTermList
    let stems: KeyedTermList

    init(_ segment: Segment, _ state: SegmentState) {
        terms = KeyedTermList(segment.terms, state.termPrefixes)
        stems = KeyedTermList(segment.stems, state.stemPrefixes)
    }
}

@inline(__always)
func log1pf(_ x: Float) -> Float {
    // ln(1 + x) for x ≥ 0 without Foundation: the stdlib's Float has no log, so go through
    // the bit pattern: ln(y) = e·ln2 + ln(m), m in [1, 2), by an atanh series.
    let y = 1 + x
    let e = Float(y.exponent)
    let m = y.significand
    let t = (m - 1) / (m + 1)
    let t2 = t * t
    let series = t * (1 + t2 * (1.0 / 3 + t2 * (1.0 / 5 + t2 * (1.0 / 7 + t2 * (1.0 / 9 + t2 / 11)))))
    return e * 0.693_147_18 + 2 * series
}
