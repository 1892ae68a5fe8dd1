import Testing

@testable import GapIndex

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The index's top k against a brute-force BM25F scorer written from the ranking formula,
/// over random small corpora and queries.
///
/// The formula (priors off: `sameCategoryBoost` = `recencyBoost` = 0; typos off):
///
/// - Query words: the analyzer's terms of the draft's title (weight `draftTitleWeight`) and
///   description (weight 1); an identifier part counts half; a term seen again adds a quarter
///   of its weight.
/// - Variants of a query word `w`: `w` itself (kind weight 1) and every other indexed term
///   with the same stem (kind weight `stemWeight`).
/// - scale = idf(df) × kind weight × word weight, idf(df) = ln(1 + (N − df + 0.5)/(df + 0.5)),
///   N = live documents, df = documents containing the variant.
/// - weighted(d) = tfTitle × titleWeight / (1 − bT + bT · lenT/avgT)
///               + tfDesc × descriptionWeight / (1 − bD + bD · lenD/avgD)
///   with lengths in words (stop words included) and averages over all documents (at least 1).
/// - score(d) = Σ over query words of max over variants of scale × weighted / (k1 + weighted).
/// - A search of titles alone (``SearchScope/titles``) counts tfDesc as 0 (df and the
///   averages are as above).
/// - With `allWordsFirst`, the documents that have every searched word with a variant (in
///   the fields searched) come first, then the others, each part as above.
/// - Top k: score > 0, passing the filter (merged gaps excluded unless asked for), highest
///   score first, ties by lower id.
@Suite("TopK property")
struct TopKPropertyTests {
    /// 50 words: inflection families that share stems, stop words, an identifier, a
    /// letters-and-digits word and synonym members.
    static let vocabulary: [String] = [
        "search", "searches", "searching", "searched", "export", "exports", "exporting", "exported",
        "fail", "fails", "failed", "failing", "sync", "syncing", "connect", "connection", "connected", "connecting",
        "dashboard", "dashboards", "filter", "filters", "filtering", "slow", "slowly", "login", "logins",
        "report", "reports", "reporting", "chart", "charts", "page", "pages", "permission", "permissions",
        "csv", "pdf", "the", "and", "of", "to", "oauth2", "HDFS-1234", "getHTTPResponse", "repo", "sso",
        "sign-on", "mobile", "timeout",
    ]

    struct Document {
        var source: IndexDocument
        var titleLength = 0
        var descriptionLength = 0
    }

    /// One document's frequencies of a term.
    struct Posting {
        var document: Int
        var title = 0
        var description = 0
    }

    /// The brute-force scorer: plain dictionaries and loops, in double precision.
    struct BruteForce {
        let parameters: RankingParameters
        let analyzer = Analyzer()
        var documents: [Document] = []
        var postings: [[UInt8]: [Posting]] = [:]
        var termsByStem: [[UInt8]: [[UInt8]]] = [:]
        var averageTitle = 1.0
        var averageDescription = 1.0

        /// `averagesOf`: the documents whose average field lengths the index uses — those of
        /// the base segment when there is one (the index keeps one set of averages so that a
        /// document scores the same wherever it is stored); all of them otherwise.
        init(_ corpus: [IndexDocument], parameters: RankingParameters, averagesOf: [IndexDocument]? = nil) {
            self.parameters = parameters
            for source in corpus {
                let index = documents.count
                var frequencies: [[UInt8]: Posting] = [:]
                var document = Document(source: source)
                document.titleLength = analyzer.analyze(source.title) { bytes, _, _ in
                    frequencies[Array(bytes), default: Posting(document: index)].title += 1
                }
                document.descriptionLength = analyzer.analyze(source.description) { bytes, _, _ in
                    frequencies[Array(bytes), default: Posting(document: index)].description += 1
                }
                for (term, posting) in frequencies { postings[term, default: []].append(posting) }
                documents.append(document)
            }
            for term in postings.keys { termsByStem[Stemming.stem(of: term), default: []].append(term) }
            // The index keeps averages in single precision.
            let basis = averagesOf.map { others in others.map { document in
                (analyzer.analyze(document.title) { _, _, _ in }, analyzer.analyze(document.description) { _, _, _ in })
            } } ?? documents.map { ($0.titleLength, $0.descriptionLength) }
            let n = Float(max(basis.count, 1))
            averageTitle = Double(max(Float(basis.reduce(0) { $0 + $1.0 }) / n, 1))
            averageDescription = Double(max(Float(basis.reduce(0) { $0 + $1.1 }) / n, 1))
        }

        /// Query words with their weights.
        func queryWords(_ request: SearchRequest) -> [[UInt8]: Double] {
            var weights: [[UInt8]: Double] = [:]
            for (text, fieldWeight) in [(request.title, Double(parameters.draftTitleWeight)), (request.description, 1.0)] {
                for term in analyzer.terms(of: text) {
                    let weight = fieldWeight * (term.role == .part ? 0.5 : 1)
                    if let existing = weights[term.bytes] {
                        weights[term.bytes] = existing + 0.25 * weight
                    } else {
                        weights[term.bytes] = weight
                    }
                }
            }
            return weights
        }

        func idf(_ df: Int) -> Double {
            let n = Double(documents.count)
            return log(1 + (n - Double(df) + 0.5) / (Double(df) + 0.5))
        }

        /// The score of every document, by id.
        func scores(_ request: SearchRequest) -> [UInt64: Double] {
            let p = parameters
            let k1 = Double(p.k1)
            let bT = Double(p.titleLengthNormalization)
            let bD = Double(p.descriptionLengthNormalization)
            let norms = documents.map { document in
                (
                    title: Double(p.titleWeight) / (1 - bT + bT * Double(document.titleLength) / averageTitle),
                    description: Double(p.descriptionWeight) / (1 - bD + bD * Double(document.descriptionLength) / averageDescription)
                )
            }
            var totals = [Double](repeating: 0, count: documents.count)
            for (word, weight) in searchedWords(request) {
                let variants = self.variants(word)
                var best = [Double](repeating: 0, count: documents.count)
                for (term, kindWeight) in variants {
                    let list = postings[term]!
                    let scale = idf(list.count) * kindWeight * weight
                    for posting in list {
                        let description = request.scope == .titles ? 0 : posting.description
                        let weighted = Double(min(posting.title, 255)) * norms[posting.document].title
                            + Double(min(description, 255)) * norms[posting.document].description
                        best[posting.document] = max(best[posting.document], scale * weighted / (k1 + weighted))
                    }
                }
                for i in totals.indices { totals[i] += best[i] }
            }
            var result: [UInt64: Double] = [:]
            for (i, document) in documents.enumerated() { result[document.source.id] = totals[i] }
            return result
        }

        /// The query words searched, with their weights: words in more than `maxWordShare` of
        /// the documents are left out (in an index of 1,000 documents or more), unless none of
        /// the others matches anything.
        func searchedWords(_ request: SearchRequest) -> [[UInt8]: Double] {
            var words = queryWords(request)
            if documents.count >= 1000 {
                let limit = Double(parameters.maxWordShare) * Double(documents.count)
                let rare = words.filter { Double(postings[$0.key]?.count ?? 0) <= limit }
                let matches = rare.keys.contains { postings[$0] != nil || !(termsByStem[Stemming.stem(of: $0)] ?? []).isEmpty }
                if matches { words = rare }
            }
            return words
        }

        /// The word itself, and the other terms with its stem, with their kind weights.
        func variants(_ word: [UInt8]) -> [([UInt8], Double)] {
            var variants: [([UInt8], Double)] = postings[word] == nil ? [] : [(word, 1)]
            for term in termsByStem[Stemming.stem(of: word)] ?? [] where term != word { variants.append((term, Double(parameters.stemWeight))) }
            return variants
        }

        /// The ids of the documents with every searched word that has a variant, in the fields
        /// searched (for ``SearchRequest/allWordsFirst``).
        func withAllWords(_ request: SearchRequest) -> Set<UInt64> {
            var result = Set(documents.map(\.source.id))
            for word in searchedWords(request).keys {
                let variants = self.variants(word)
                guard !variants.isEmpty else { continue }
                var having = Set<UInt64>()
                for (term, _) in variants {
                    for posting in postings[term]! where request.scope != .titles || posting.title > 0 {
                        having.insert(documents[posting.document].source.id)
                    }
                }
                result.formIntersection(having)
            }
            return result
        }

        /// The top k ids with their scores, given every document's score.
        func top(_ request: SearchRequest, _ scores: [UInt64: Double]) -> [(id: UInt64, score: Double)] {
            let filter = request.filter
            let first = request.allWordsFirst ? withAllWords(request) : []
            return documents.compactMap { document -> (id: UInt64, score: Double)? in
                let a = document.source.attributes
                let score = scores[document.source.id]!
                guard score > 0, filter.accepts(status: a.status, category: a.category, merged: a.merged, team: { a.team }) else { return nil }
                return (document.source.id, score)
            }
            .sorted { a, b in
                let (aFirst, bFirst) = (first.contains(a.id), first.contains(b.id))
                if aFirst != bFirst { return aFirst }
                return a.score != b.score ? a.score > b.score : a.id < b.id
            }
            .prefix(request.limit)
            .map { $0 }
        }

        /// Checks `hits` against the brute force for `request`.
        func check(_ hits: [SearchHit], _ request: SearchRequest, context: String) -> [String] {
            var scores = scores(request)
            for document in documents { scores[document.source.id]! *= prior(document.source.attributes, request) }
            return TopKPropertyTests.compare(hits, top(request, scores), scores, context: "\(context) \(request.title) | \(request.description)")
        }

        /// The prior factor: ×(1 + sameCategoryBoost) in the draft's category, ×(1 +
        /// recencyBoost × decay) by age (the index's own decay function; 1 with the boosts off).
        func prior(_ attributes: DocumentAttributes, _ request: SearchRequest) -> Double {
            var factor = 1.0
            if request.category != 0 && attributes.category == request.category { factor *= 1 + Double(parameters.sameCategoryBoost) }
            if request.now > 0 && parameters.recencyBoost > 0 {
                let decay = recencyDecay(attributes.createdAt, now: request.now, halfLifeDays: parameters.recencyHalfLifeDays)
                factor *= 1 + Double(parameters.recencyBoost) * Double(decay)
            }
            return factor
        }
    }

    static var parameters: RankingParameters {
        var parameters = RankingParameters()
        parameters.sameCategoryBoost = 0
        parameters.recencyBoost = 0
        parameters.typos = TypoTolerance(oneTypoFrom: 1000, twoTyposFrom: 1000)
        return parameters
    }

    static func randomText(_ rng: inout SplitMix64, words: ClosedRange<Int>) -> String {
        (0..<Int.random(in: words, using: &rng)).map { _ in vocabulary.randomElement(using: &rng)! }.joined(separator: " ")
    }

    static func randomCorpus(_ rng: inout SplitMix64) -> [IndexDocument] {
        let count = Int.random(in: 20...200, using: &rng)
        var ids = Set<UInt64>()
        while ids.count < count { ids.insert(UInt64.random(in: 1...1000, using: &rng)) }
        return ids.sorted().map { id in
            IndexDocument(
                id: id, title: randomText(&rng, words: 1...6), description: randomText(&rng, words: 0...25),
                attributes: DocumentAttributes(
                    status: UInt8.random(in: 0...2, using: &rng), category: UInt32.random(in: 0...3, using: &rng),
                    team: UInt64.random(in: 0...2, using: &rng), merged: Int.random(in: 0..<10, using: &rng) == 0,
                    createdAt: Int64.random(in: 0...1_000_000_000, using: &rng)))
        }
    }

    /// Words for long posting lists, the first far more common than the last in
    /// ``skewedText(_:_:)``.
    static let skewedWords = ["search", "searches", "export", "exports", "sync", "dashboard", "filter", "login", "report", "chart", "csv", "mobile"]

    /// A random text of `count` words of ``skewedWords``, skewed toward the first ones.
    static func skewedText(_ count: ClosedRange<Int>, _ rng: inout SplitMix64) -> String {
        let words = skewedWords
        return (0..<Int.random(in: count, using: &rng)).map { _ in
            words[min(Int.random(in: 0..<words.count, using: &rng), Int.random(in: 0..<words.count, using: &rng))]
        }.joined(separator: " ")
    }

    static func randomRequest(_ rng: inout SplitMix64) -> SearchRequest {
        var filter = SearchFilter()
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: filter.statuses = [UInt8.random(in: 0...2, using: &rng)]
        case 1: filter.categories = [UInt32.random(in: 0...3, using: &rng), UInt32.random(in: 0...3, using: &rng)]
        case 2: filter.teams = [UInt64.random(in: 0...2, using: &rng)]
        case 3: filter.includeMerged = true
        default: break
        }
        return SearchRequest(
            title: randomText(&rng, words: 1...5),
            description: Bool.random(using: &rng) ? "" : randomText(&rng, words: 1...12),
            limit: Int.random(in: 1...10, using: &rng), scope: Bool.random(using: &rng) ? .titles : .titlesAndDescriptions,
            allWordsFirst: Bool.random(using: &rng), filter: filter,
            // Priors are set on the request but weigh nothing with these parameters.
            category: UInt32.random(in: 0...3, using: &rng), now: Bool.random(using: &rng) ? 0 : 2_000_000_000,
            explain: false)
    }

    /// Compares the index's hits with the brute-force top k: the same length, and at each
    /// rank the same id unless the two ids' brute-force scores differ by less than 1e-4
    /// (relative); every hit's score within 1e-4 (relative) of its brute-force score.
    /// Returns the mismatches.
    static func compare(_ hits: [SearchHit], _ expected: [(id: UInt64, score: Double)], _ scores: [UInt64: Double], context: String)
        -> [String]
    {
        var problems: [String] = []
        if hits.count != expected.count { problems.append("\(context): \(hits.map(\.id)) vs \(expected.map(\.id))") }
        for (rank, (hit, want)) in zip(hits, expected).enumerated() {
            let actual = scores[hit.id] ?? -1
            if hit.id != want.id && abs(actual - want.score) >= 1e-4 * want.score {
                problems.append("\(context): rank \(rank): \(hit.id) (\(actual)) instead of \(want.id) (\(want.score))")
            }
            if abs(hit.score - actual) >= 1e-4 * max(actual, 1e-9) {
                problems.append("\(context): score of \(hit.id): \(hit.score), brute force \(actual)")
            }
        }
        return problems
    }

    /// Records one issue summarizing `problems` over `queries` queries.
    static func report(_ problems: [String], queries: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        if !problems.isEmpty {
            Issue.record(
                "\(problems.count) mismatches over \(queries) queries; first:\n\(problems.prefix(3).joined(separator: "\n"))",
                sourceLocation: sourceLocation)
        }
        #expect(queries > 0, sourceLocation: sourceLocation)
    }

    /// Both ways of walking the postings; `automatic` picks one of them per query.
    static let strategies: [SearchStrategy] = [.termAtATime, .documentAtATime]

    @Test(arguments: strategies) func allDocumentsInTheDelta(strategy: SearchStrategy) {
        var rng = SplitMix64(seed: 0x70B_C0DE)
        var problems: [String] = []
        var queries = 0
        for round in 0..<40 {
            let corpus = Self.randomCorpus(&rng)
            let index = deltaIndex(corpus, parameters: Self.parameters)
            index.strategy = strategy
            let brute = BruteForce(corpus, parameters: Self.parameters)
            for query in 0..<8 {
                let request = Self.randomRequest(&rng)
                let hits = index.search(request, segments: [])
                problems += brute.check(hits, request, context: "round \(round) query \(query)")
                queries += 1
            }
        }
        Self.report(problems, queries: queries)
    }

    /// Half of the documents in a segment, half in the delta (no gap in both). Every norm uses
    /// the base segment's average lengths.
    @Test(arguments: strategies) func halfInASegmentHalfInTheDelta(strategy: SearchStrategy) throws {
        var rng = SplitMix64(seed: 0x5E6_DE17A)
        var problems: [String] = []
        var queries = 0
        for round in 0..<40 {
            let corpus = Self.randomCorpus(&rng)
            var inSegment: [IndexDocument] = []
            var inDelta: [IndexDocument] = []
            for document in corpus {
                if Bool.random(using: &rng) { inSegment.append(document) } else { inDelta.append(document) }
            }
            let brute = BruteForce(corpus, parameters: Self.parameters, averagesOf: inSegment)
            try withSegment(inSegment, sequence: 10) { segment, _ in
                let index = LiveIndex(parameters: Self.parameters)
                index.strategy = strategy
                index.update(segments: [segment], documents: inDelta, through: 11)
                for query in 0..<8 {
                    let request = Self.randomRequest(&rng)
                    let hits = index.search(request, segments: [segment])
                    problems += brute.check(hits, request, context: "round \(round) query \(query)")
                queries += 1
                }
            }
        }
        Self.report(problems, queries: queries)
    }

    /// Documents spread over a base, a tail and a recent segment and the delta (no gap in two),
    /// as writes leave a store: each segment's walk prunes by bounds from its own postings, and
    /// the delta's words are bounded by their best posting there, so a word whose best postings
    /// lie in another part must not hide a document. Random corpora, and corpora of long
    /// skewed lists (so that blocks are skipped) with one- to three-word queries.
    @Test(arguments: strategies) func spreadOverThreeSegmentsAndTheDelta(strategy: SearchStrategy) throws {
        var rng = SplitMix64(seed: 0x3_5E6_DE17A)
        func skewed(_ count: ClosedRange<Int>) -> String { Self.skewedText(count, &rng) }
        var problems: [String] = []
        var queries = 0
        for round in 0..<30 {
            let long = round % 10 == 9
            let corpus = long
                ? (1...UInt64(2500)).map { id in
                    IndexDocument(
                        id: id, title: skewed(1...4), description: skewed(0...12),
                        attributes: DocumentAttributes(status: 0, category: 0, team: 0, merged: false, createdAt: 0))
                }
                : Self.randomCorpus(&rng)
            // Most in the base, fewer in each later part.
            var parts: [[IndexDocument]] = [[], [], [], []]
            for document in corpus {
                let draw = Int.random(in: 0..<20, using: &rng)
                parts[draw < 11 ? 0 : draw < 15 ? 1 : draw < 18 ? 2 : 3].append(document)
            }
            let brute = BruteForce(corpus, parameters: Self.parameters, averagesOf: parts[0])
            try withSegment(parts[0], sequence: 10) { base, _ in
                try withSegment(parts[1], sequence: 11) { tail, _ in
                    try withSegment(parts[2], sequence: 12) { recent, _ in
                        let segments = [base, tail, recent]
                        let index = LiveIndex(parameters: Self.parameters)
                        index.strategy = strategy
                        index.update(segments: segments, documents: parts[3], through: 13)
                        for query in 0..<8 {
                            let request = long
                                ? SearchRequest(
                                    title: skewed(1...3), description: "", limit: Int.random(in: 1...10, using: &rng),
                                    scope: query % 2 == 0 ? .titles : .titlesAndDescriptions, allWordsFirst: query % 3 == 0)
                                : Self.randomRequest(&rng)
                            let hits = index.search(request, segments: segments)
                            problems += brute.check(hits, request, context: "round \(round) query \(query)")
                            queries += 1
                        }
                    }
                }
            }
        }
        Self.report(problems, queries: queries)
    }

    /// Priors on, over gaps created across three years (mostly in id order, some out of it),
    /// in three segments and the delta: a document is turned away by the highest prior of its
    /// run of slots, which must never fall below its own.
    @Test(arguments: strategies) func priorsBoundedByRunsOfSlots(strategy: SearchStrategy) throws {
        var rng = SplitMix64(seed: 0x9_41_0125)
        var parameters = Self.parameters
        parameters.sameCategoryBoost = 0.3
        parameters.recencyBoost = 0.5
        let day: Int64 = 86_400_000
        let now = 1100 * day
        func skewed(_ count: ClosedRange<Int>) -> String { Self.skewedText(count, &rng) }
        var problems: [String] = []
        var queries = 0
        for round in 0..<16 {
            let count = round % 4 == 3 ? 2500 : Int.random(in: 20...300, using: &rng)
            let corpus = (1...UInt64(count)).map { id in
                // Creation follows the id, over three years; one gap in ten is an old one filed late.
                let created = Int.random(in: 0..<10, using: &rng) == 0
                    ? Int64.random(in: 0...now, using: &rng) : Int64(id) * (3 * 365 * day) / Int64(count)
                return IndexDocument(
                    id: id, title: skewed(1...4), description: skewed(0...12),
                    attributes: DocumentAttributes(
                        category: UInt32.random(in: 0...3, using: &rng), merged: Int.random(in: 0..<20, using: &rng) == 0,
                        createdAt: created))
            }
            var parts: [[IndexDocument]] = [[], [], [], []]
            for document in corpus {
                let draw = Int.random(in: 0..<20, using: &rng)
                parts[draw < 14 ? 0 : draw < 17 ? 1 : draw < 19 ? 2 : 3].append(document)
            }
            let brute = BruteForce(corpus, parameters: parameters, averagesOf: parts[0])
            try withSegment(parts[0], sequence: 10) { base, _ in
                try withSegment(parts[1], sequence: 11) { tail, _ in
                    try withSegment(parts[2], sequence: 12) { recent, _ in
                        let segments = [base, tail, recent]
                        let index = LiveIndex(parameters: parameters)
                        index.strategy = strategy
                        index.update(segments: segments, documents: parts[3], through: 13)
                        for query in 0..<10 {
                            let request = SearchRequest(
                                title: skewed(1...3), description: query % 2 == 0 ? "" : skewed(2...8), limit: Int.random(in: 1...10, using: &rng),
                                scope: query % 3 == 0 ? .titles : .titlesAndDescriptions, allWordsFirst: query % 4 == 0,
                                category: UInt32.random(in: 0...3, using: &rng), now: now, explain: false)
                            let hits = index.search(request, segments: segments)
                            problems += brute.check(hits, request, context: "round \(round) query \(query)")
                            queries += 1
                        }
                    }
                }
            }
        }
        Self.report(problems, queries: queries)
    }

    /// Most gaps have the query's words, a few in short titles (the best matches) at any age,
    /// the others in long ones; priors on, over three years. As-you-type with every word first
    /// then goes newest first, range by range, and may pass over an older range only when even
    /// its best match could not enter the top k — the short titles of middle age must still win.
    /// (The mutation that passes over a range at 0.8 of its bound fails it.)
    @Test func allWordsNewestFirstKeepsOlderBetterMatches() throws {
        var rng = SplitMix64(seed: 0xA11_0F_01D)
        var parameters = Self.parameters
        parameters.recencyBoost = 0.5
        let day: Int64 = 86_400_000
        let now = 1100 * day
        let fillers = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
        var problems: [String] = []
        var queries = 0
        for round in 0..<8 {
            let count = [600, 2500, 4000, 1500][round % 4]
            let shortShare = [0.005, 0.02, 0.05][round % 3]
            let corpus = (1...UInt64(count)).map { id -> IndexDocument in
                let short = Double.random(in: 0..<1, using: &rng) < shortShare
                let filler = (0..<(short ? 0 : Int.random(in: 3...8, using: &rng))).map { _ in fillers.randomElement(using: &rng)! }
                // A third lack a word (every gap with both would give them an idf of almost 0).
                let words = [["export", "dashboard"], ["export", "report"], ["sync", "dashboard"]][Int.random(in: 0..<6, using: &rng) / 4 * Int.random(in: 1...2, using: &rng)]
                return IndexDocument(
                    id: id, title: (words + filler).joined(separator: " "), description: "",
                    attributes: DocumentAttributes(createdAt: Int64(id) * (3 * 365 * day) / Int64(count)))
            }
            // Mostly in id order over the parts, as a store's segments are.
            let cuts = [count * 7 / 10, count * 19 / 20]
            let parts = [Array(corpus[..<cuts[0]]), Array(corpus[cuts[0]..<cuts[1]]), Array(corpus[cuts[1]...])]
            let brute = BruteForce(corpus, parameters: parameters, averagesOf: parts[0])
            try withSegment(parts[0], sequence: 10) { base, _ in
                try withSegment(parts[1], sequence: 11) { recent, _ in
                    let segments = [base, recent]
                    let index = LiveIndex(parameters: parameters)
                    index.update(segments: segments, documents: parts[2], through: 12)
                    // (Whole words: the brute force has no prefix completions.)
                    for title in ["export dashboard", "dashboard export", "export dashboard alpha"] {
                        for limit in [1, 5, 10] {
                            let request = SearchRequest(title: title, limit: limit, scope: .titles, allWordsFirst: true, now: now)
                            problems += brute.check(index.search(request, segments: segments), request, context: "round \(round) \(title) k=\(limit)")
                            queries += 1
                        }
                    }
                }
            }
        }
        Self.report(problems, queries: queries)
    }

    /// The ranges a segment is walked in when priors differ: every slot in exactly one, each
    /// range's ceiling at least the bound of every run in it, the highest ceiling first, and
    /// runs whose bounds lie far apart never in one range.
    @Test func slotRangesCoverEverySlotUnderTheirCeilings() {
        var rng = SplitMix64(seed: 0x5107_4A6E)
        for round in 0..<200 {
            let shift = Int.random(in: 0...4, using: &rng)
            let documentCount = Int.random(in: 1...(64 << shift), using: &rng)
            let runCount = (documentCount + (1 << shift) - 1) >> shift
            // Decaying with age, as recency priors do, with a late-filed gap now and then.
            var bounds = (0..<runCount).map { 1 + 0.5 * Float(exp2(-Double(runCount - 1 - $0) / 4)) }
            for _ in 0..<Int.random(in: 0...2, using: &rng) { bounds[Int.random(in: 0..<runCount, using: &rng)] = 1.5 }
            let padding = Int.random(in: 0...3, using: &rng)
            let table = [Float](repeating: 9, count: padding) + bounds + [9]
            let ranges = SearchExecution.slotRanges(documentCount: documentCount, runBounds: table[padding...], shift: shift)
            var covered = [Int](repeating: 0, count: documentCount)
            for (slots, ceiling) in ranges {
                for slot in slots { covered[Int(slot)] += 1 }
                let runs = Int(slots.lowerBound) >> shift...(Int(slots.upperBound) - 1) >> shift
                #expect(runs.allSatisfy { bounds[$0] <= ceiling }, "round \(round): \(slots) under \(ceiling)")
                #expect(runs.allSatisfy { bounds[$0] >= SearchExecution.rangeCeilingRatio * ceiling }, "round \(round): \(slots)")
            }
            #expect(covered.allSatisfy { $0 == 1 }, "round \(round): slots walked \(Set(covered)) times")
            #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.ceiling >= $1.ceiling }, "round \(round): not highest first")
        }
    }

    /// All documents in one segment, none in the delta.
    @Test(arguments: strategies) func allDocumentsInASegment(strategy: SearchStrategy) throws {
        var rng = SplitMix64(seed: 0xA11_5E6)
        var problems: [String] = []
        var queries = 0
        for round in 0..<20 {
            let corpus = Self.randomCorpus(&rng)
            let brute = BruteForce(corpus, parameters: Self.parameters)
            try withSegment(corpus, sequence: 10) { segment, _ in
                let index = LiveIndex(parameters: Self.parameters)
                index.strategy = strategy
                index.update(segments: [segment], documents: [], through: 10)
                for query in 0..<8 {
                    let request = Self.randomRequest(&rng)
                    let hits = index.search(request, segments: [segment])
                    problems += brute.check(hits, request, context: "round \(round) query \(query)")
                queries += 1
                }
            }
        }
        Self.report(problems, queries: queries)
    }

    /// Long posting lists (thousands of documents over a dozen words), so that block-max
    /// pruning skips blocks; a run of identical documents with a word of their own ("zebra"),
    /// split between the segment and the delta, so that blocks whose bound only ties the k-th
    /// best come up, and skipping them is right only when their documents lose the tie on
    /// their ids; one- to three-word queries.
    @Test(arguments: strategies) func longListsAndTies(strategy: SearchStrategy) throws {
        var rng = SplitMix64(seed: 0xB10C_4A5)
        let words = Self.skewedWords
        func text(_ count: ClosedRange<Int>) -> String { Self.skewedText(count, &rng) }
        var problems: [String] = []
        var queries = 0
        for round in 0..<3 {
            let corpus = (1...UInt64(3000)).map { id in
                let identical = (1001...1400).contains(id)
                return IndexDocument(
                    id: id, title: identical ? "zebra \(words[round])" : text(1...4), description: identical ? "" : text(0...12),
                    attributes: DocumentAttributes(
                        status: 0, category: 0, team: 0, merged: Int.random(in: 0..<20, using: &rng) == 0, createdAt: 0))
            }
            let inSegment = corpus.filter { $0.id % 7 != 0 }
            let brute = BruteForce(corpus, parameters: Self.parameters, averagesOf: inSegment)
            try withSegment(inSegment, sequence: 10) { segment, _ in
                let index = LiveIndex(parameters: Self.parameters)
                index.strategy = strategy
                index.update(segments: [segment], documents: corpus.filter { $0.id % 7 == 0 }, through: 11)
                for query in 0..<30 {
                    let title = query < 3 ? ["zebra"] : (0..<Int.random(in: 1...3, using: &rng)).map { _ in words.randomElement(using: &rng)! }
                    let request = SearchRequest(
                        title: title.joined(separator: " "), description: "", limit: Int.random(in: 1...10, using: &rng),
                        scope: query % 2 == 0 ? .titles : .titlesAndDescriptions, allWordsFirst: query % 3 == 0)
                    let hits = index.search(request, segments: [segment])
                    problems += brute.check(hits, request, context: "round \(round) query \(query)")
                    // The check above accepts any of tied documents; ties go to the lower id.
                    if query < 3 {
                        let lowest = corpus.filter { (1001...1400).contains($0.id) && !$0.attributes.merged }.prefix(request.limit)
                        if hits.map(\.id) != lowest.map(\.id) {
                            problems.append("round \(round) query \(query): ties \(hits.map(\.id)) instead of \(lowest.map(\.id))")
                        }
                    }
                    queries += 1
                }
            }
        }
        Self.report(problems, queries: queries)
    }
}
