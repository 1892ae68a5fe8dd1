import Benchmark
import GapIndex

// Benchmarks of the GapIndex library (the duplicate-search engine), in process: analysis,
// segment building, and searches over one segment of 10,000, 100,000 or 1,000,000 synthetic
// documents.
//
// The corpus is generated here (GapCorpus is not a product): a seeded SplitMix64 draws words
// by a Zipf-like law (s = 1) from a vocabulary of a few hundred product words. Titles have
// 5–12 words, descriptions 30–150. Drafts (the search queries) are built from a random
// document's words: 12–60 of them, some dropped or swapped, and one letter changed in about
// one word of 8, so typo tolerance is exercised. Long drafts have the document's title and a
// description of 150–300 words, with the same noise. As-you-type queries are 1–4 words of a
// title with the last one cut short.
//
// Each corpus size's segment is built once per process, in a lazily initialised global
// (`corpus10k`, `corpus100k`, `corpus1M`) that only the setup hooks of that size's benchmarks
// touch, outside any measurement: the segment bytes stay alive for the whole run and a
// `LiveIndex` has already been updated with a segment opened from them. The documents are not
// kept (see `SearchCorpus`). Each search iteration reopens the segment from those bytes
// (`openSegment` checks only the header after the first, full check) and runs one query,
// cycling through 1,000 prepared queries, so the numbers — and the malloc counts — are per
// query.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        warmupIterations: 3,
        maxDuration: .seconds(5),
        maxIterations: 10_000
    )

    // MARK: Analysis

    // The analyzer over 100 descriptions (30–150 words each) per iteration; reported per
    // iteration (package-benchmark scales only by powers of 1,000).
    Benchmark(
        "GapIndex analyze 100 descriptions",
        configuration: .init(timeUnits: .microseconds, maxDuration: .seconds(3)),
        closure: { benchmark in
            let descriptions = analyzeInput.descriptions
            let analyzer = analyzeInput.analyzer

            benchmark.startMeasurement()
            var terms = 0
            for description in descriptions {
                analyzer.analyze(description) { _, _, _ in terms += 1 }
            }
            benchmark.stopMeasurement()

            blackHole(terms)
        },
        setup: { _ = analyzeInput }
    )

    // MARK: Building

    // `SegmentBuilder.build` of 10,000 documents; per build.
    Benchmark(
        "GapIndex build 10k",
        configuration: .init(timeUnits: .milliseconds, maxDuration: .seconds(5), maxIterations: 10),
        closure: { benchmark in
            let documents = buildInput.documents
            let analyzer = buildInput.analyzer

            benchmark.startMeasurement()
            let bytes = SegmentBuilder.build(documents, analyzer: analyzer, sequence: 1)
            benchmark.stopMeasurement()

            blackHole(bytes)
        },
        setup: { _ = buildInput }
    )

    // MARK: Searching

    searchBenchmark("GapIndex search 10k drafts", { corpus10k }, \.drafts)
    searchBenchmark("GapIndex search 100k drafts", { corpus100k }, \.drafts)
    searchBenchmark("GapIndex search 100k as-you-type", { corpus100k }, \.prefixes)
    // The same drafts with typo tolerance off, through a second `LiveIndex` over the same
    // segment bytes.
    searchBenchmark("GapIndex search 100k drafts, no typos", { corpus100k }, \.drafts, index: { noTyposIndex100k })
    // Drafts with a 150–300-word description (the search keeps the draft's 48 most
    // informative words, `RankingParameters.maxQueryWords`).
    searchBenchmark(
        "GapIndex search 100k long drafts", { corpus100k }, \.longDrafts,
        configuration: .init(timeUnits: .microseconds, maxDuration: .seconds(15), maxIterations: 1_000))

    // The 1M fixture takes tens of seconds and a few GB to build, in each of these two
    // processes; at most one pass over the 1,000 queries, or 30 s, keeps each benchmark short.
    let oneMillion = Benchmark.Configuration(timeUnits: .microseconds, maxDuration: .seconds(30), maxIterations: 1_000)
    searchBenchmark("GapIndex search 1M drafts", { corpus1M }, \.drafts, configuration: oneMillion)
    searchBenchmark("GapIndex search 1M as-you-type", { corpus1M }, \.prefixes, configuration: oneMillion)
}

/// Registers a search benchmark: one query per iteration, cycling through `corpus`'s
/// `queries`, against the segment reopened from the corpus's bytes, through `index` (by
/// default the corpus's own). Only the setup hook touches the fixtures first, so only this
/// benchmark's process builds them.
private func searchBenchmark(
    _ name: String, _ corpus: @escaping @Sendable () -> SearchCorpus,
    _ queries: KeyPath<SearchCorpus, [SearchRequest]> & Sendable, index: (@Sendable () -> LiveIndex)? = nil,
    configuration: Benchmark.Configuration = .init(timeUnits: .microseconds)
) {
    Benchmark(
        name, configuration: configuration,
        closure: { benchmark in
            let corpus = corpus()
            let index = index?() ?? corpus.index
            let requests = corpus[keyPath: queries]
            let request = requests[benchmark.currentIteration % requests.count]
            corpus.bytes.withUnsafeBytes { raw in
                benchmark.startMeasurement()
                let segment = try! index.openSegment(raw)
                let hits = index.search(request, segments: [segment])
                benchmark.stopMeasurement()
                blackHole(hits)
            }
        },
        setup: { _ = index?() ?? corpus().index }
    )
}

// MARK: - Fixtures

/// The segment bytes and queries of one corpus size, plus a `LiveIndex` (default parameters)
/// already updated with the segment.
///
/// The documents are generated as `SegmentBuilder.build` reads them and are not kept: the
/// builder's own structures and the segment bytes are what a large corpus costs in memory.
/// Only the generator's state before each document is kept (8 bytes a document), so the
/// documents the queries are made from can be generated again. The queries are the same as if
/// every document had been kept: the same generator draws them, after all the documents.
final class SearchCorpus: Sendable {
    let bytes: [UInt8]
    let index: LiveIndex
    let drafts: [SearchRequest]
    let prefixes: [SearchRequest]
    let longDrafts: [SearchRequest]

    init(documentCount: Int, seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var states: [SplitMix64] = []
        states.reserveCapacity(documentCount)
        let documents = (0..<documentCount).lazy.map { number in
            states.append(random)
            return Corpus.document(number, &random).document
        }
        let analyzer = Analyzer()
        let bytes = SegmentBuilder.build(documents, analyzer: analyzer, sequence: 1)
        let index = LiveIndex(analyzer: analyzer)
        Self.load(bytes, into: index)
        self.bytes = bytes
        self.index = index

        /// A random document, generated again from its state.
        func source() -> Corpus.Document {
            let number = Int(random.next() % UInt64(documentCount))
            var state = states[number]
            return Corpus.document(number, &state)
        }
        func queries(_ make: (Corpus.Document, inout SplitMix64) -> SearchRequest) -> [SearchRequest] {
            (0..<1_000).map { _ in
                let document = source()
                return make(document, &random)
            }
        }
        drafts = queries(Corpus.draft)
        prefixes = queries(Corpus.prefixQuery)
        longDrafts = queries(Corpus.longDraft)
    }

    /// A second `LiveIndex` over the same segment bytes, with other parameters.
    func index(parameters: RankingParameters) -> LiveIndex {
        let index = LiveIndex(analyzer: self.index.analyzer, parameters: parameters)
        Self.load(bytes, into: index)
        return index
    }

    private static func load(_ bytes: [UInt8], into index: LiveIndex) {
        bytes.withUnsafeBytes { raw in
            let segment = try! index.openSegment(raw)  // the one full check
            index.update(segments: [segment], documents: [], through: 1)
        }
    }
}

let corpus10k = SearchCorpus(documentCount: 10_000, seed: 0x6A9_0010)
let corpus100k = SearchCorpus(documentCount: 100_000, seed: 0x6A9_0100)
let corpus1M = SearchCorpus(documentCount: 1_000_000, seed: 0x6A9_1000)

/// The 100k segment with typo tolerance off (`oneTypoFrom`/`twoTyposFrom` 1,000).
let noTyposIndex100k: LiveIndex = {
    var parameters = RankingParameters()
    parameters.typos = TypoTolerance(oneTypoFrom: 1000, twoTyposFrom: 1000)
    return corpus100k.index(parameters: parameters)
}()

struct AnalyzeInput: Sendable {
    let analyzer = Analyzer()
    let descriptions: [String]
}

let analyzeInput: AnalyzeInput = {
    var random = SplitMix64(seed: 0x6A9_0001)
    return AnalyzeInput(descriptions: Corpus.documents(100, &random).map(\.document.description))
}()

struct BuildInput: Sendable {
    let analyzer = Analyzer()
    let documents: [IndexDocument]
}

let buildInput: BuildInput = {
    var random = SplitMix64(seed: 0x6A9_0002)
    return BuildInput(documents: Corpus.documents(10_000, &random).map(\.document))
}()

// MARK: - Synthetic corpus

struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `range`.
    mutating func next(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

enum Corpus {
    struct Document {
        var document: IndexDocument
        var titleWords: [String]
        var descriptionWords: [String]
    }

    /// Function words (descriptions only, at the top of the Zipf ranking).
    static let functionWords = """
        the to and a of in for is it when we our they with on not this that be can have are as \
        from at but or so would need which their
        """.split(separator: " ").map(String.init)

    /// Content words, in Zipf rank order.
    static let contentWords = """
        export report dashboard customer account user invoice billing search filter sync api \
        login password permission role team project task workflow approval notification email \
        calendar integration salesforce slack jira webhook import csv pdf excel chart metric \
        mobile android ios offline upload download attachment file folder document template \
        comment mention reminder schedule recurring payment subscription plan pricing discount \
        tax currency language translation timezone audit log history version backup restore \
        archive delete bulk edit duplicate merge tag label category priority status field \
        custom form survey response feedback rating analytics forecast pipeline opportunity \
        contract quote order shipment inventory warehouse product catalog price vendor supplier \
        expense receipt reimbursement budget approval payroll employee timesheet holiday leave \
        onboarding training certificate badge sso saml oauth token session timeout security \
        encryption compliance gdpr retention policy admin console settings preference theme \
        dark accessibility keyboard shortcut screen reader contrast font layout column row \
        table grid sort pagination scroll performance slow loading latency error crash freeze \
        retry queue batch limit quota storage bandwidth region server database backup cluster \
        replica migration upgrade release deploy pipeline build test staging sandbox preview \
        widget embed iframe share link public private guest invite group channel thread reply \
        reaction emoji attachment preview thumbnail image video audio recording transcript \
        caption print export scheduled daily weekly monthly quarterly annual summary digest \
        alert threshold anomaly trend comparison benchmark goal target milestone roadmap \
        sprint backlog estimate story epic release note changelog status page incident outage \
        escalation ticket support agent chat bot macro canned response sla breach routing \
        assignment territory lead contact company domain enrichment scoring segment campaign \
        newsletter unsubscribe bounce deliverability domain dkim spf signature branding logo \
        color palette whitelabel subdomain certificate renewal expiry license seat usage \
        overage refund credit note dunning retry card bank transfer ach sepa wire stripe \
        paypal checkout cart coupon gift shipping address validation geocoding map route \
        driver vehicle fleet tracking barcode scanner label printer kiosk terminal register \
        shift rota availability booking appointment waitlist capacity venue ticketing seating \
        multiple several missing broken wrong duplicated delayed incorrect unable cannot \
        support allow enable disable configure automatically manually instead separate across \
        between within without every each per option ability setting
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)

    /// Cumulative Zipf (s = 1) weights over `words`, normalised to 1.
    static func zipf(_ count: Int) -> [Double] {
        var cumulative: [Double] = []
        var sum = 0.0
        for rank in 1...count {
            sum += 1.0 / Double(rank)
            cumulative.append(sum)
        }
        return cumulative.map { $0 / sum }
    }

    static let descriptionVocabulary = functionWords + contentWords
    static let descriptionWeights = zipf(descriptionVocabulary.count)
    static let titleWeights = zipf(contentWords.count)

    static func draw(_ words: [String], _ weights: [Double], _ random: inout SplitMix64) -> String {
        let u = random.unit()
        var low = 0
        var high = weights.count - 1
        while low < high {
            let mid = (low + high) / 2
            if weights[mid] < u { low = mid + 1 } else { high = mid }
        }
        return words[low]
    }

    /// Document number `number` (its id is `number + 1`), drawn from `random`.
    static func document(_ number: Int, _ random: inout SplitMix64) -> Document {
        let titleWords = (0..<random.next(in: 5...12)).map { _ in draw(contentWords, titleWeights, &random) }
        let descriptionWords = (0..<random.next(in: 30...150)).map { _ in
            draw(descriptionVocabulary, descriptionWeights, &random)
        }
        let attributes = DocumentAttributes(
            status: UInt8(random.next() % 3), category: UInt32(random.next() % 10 + 1),
            team: random.next() % 10 + 1, createdAt: 1_700_000_000_000 + Int64(number) * 60_000)
        return Document(
            document: IndexDocument(
                id: UInt64(number + 1), title: titleWords.joined(separator: " "),
                description: descriptionWords.joined(separator: " "), attributes: attributes),
            titleWords: titleWords, descriptionWords: descriptionWords)
    }

    static func documents(_ count: Int, _ random: inout SplitMix64) -> [Document] {
        (0..<count).map { document($0, &random) }
    }

    /// One letter of `word` changed to another (not the first letter).
    static func typo(_ word: String, _ random: inout SplitMix64) -> String {
        var bytes = Array(word.utf8)
        guard bytes.count >= 3 else { return word }
        let position = random.next(in: 1...(bytes.count - 1))
        var letter = UInt8(ascii: "a") + UInt8(random.next() % 26)
        if letter == bytes[position] { letter = letter == UInt8(ascii: "z") ? UInt8(ascii: "a") : letter + 1 }
        bytes[position] = letter
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `words` with about 1 in 10 dropped, about 1 in 10 swapped with its neighbour, and one
    /// letter changed in about 1 in 8.
    static func mangle(_ words: [String], _ random: inout SplitMix64) -> [String] {
        var result = words.filter { _ in random.next() % 10 != 0 }
        var i = 0
        while i + 1 < result.count {
            if random.next() % 10 == 0 { result.swapAt(i, i + 1); i += 1 }
            i += 1
        }
        return result.map { random.next() % 8 == 0 ? typo($0, &random) : $0 }
    }

    /// A draft of 12–60 words from `source`'s title and description, mangled (``mangle(_:_:)``).
    static func draft(from source: Document, _ random: inout SplitMix64) -> SearchRequest {
        let total = random.next(in: 12...60)
        let title = Array(mangle(source.titleWords, &random).prefix(total))
        let description = Array(mangle(source.descriptionWords, &random).prefix(total - title.count))
        return SearchRequest(
            title: title.joined(separator: " "), description: description.joined(separator: " "), limit: 10)
    }

    /// A draft with `source`'s whole title and a description of 150–300 words, both mangled
    /// (``mangle(_:_:)``). The description is `source`'s, continued with words drawn as every
    /// description's words are (independently, by the same law), so it reads as a longer
    /// description of the same document: 1.25 × the length is drawn, and the mangled text is
    /// cut to the length.
    static func longDraft(from source: Document, _ random: inout SplitMix64) -> SearchRequest {
        let length = random.next(in: 150...300)
        var words = source.descriptionWords
        for _ in 0..<(length + length / 4) { words.append(draw(descriptionVocabulary, descriptionWeights, &random)) }
        let title = mangle(source.titleWords, &random)
        let description = mangle(words, &random).prefix(length)
        return SearchRequest(
            title: title.joined(separator: " "), description: description.joined(separator: " "), limit: 10)
    }

    /// 1–4 consecutive words of `source`'s title, the last one cut short (at least 2 letters
    /// kept, at least 1 removed, when it has 3 or more).
    static func prefixQuery(from source: Document, _ random: inout SplitMix64) -> SearchRequest {
        let count = min(random.next(in: 1...4), source.titleWords.count)
        let start = random.next(in: 0...(source.titleWords.count - count))
        var words = Array(source.titleWords[start..<(start + count)])
        let last = words[count - 1]
        if last.count >= 3 { words[count - 1] = String(last.prefix(random.next(in: 2...(last.count - 1)))) }
        return SearchRequest(title: words.joined(separator: " "), limit: 10, prefixLastWord: true)
    }
}
