import Benchmark
import GapIndex

// Benchmarks of the GapIndex library (the duplicate-search engine), in process: analysis,
// segment building, and searches over one segment of 10,000 or 100,000 synthetic documents.
//
// The corpus is generated here (GapCorpus is not a product): a seeded SplitMix64 draws words
// by a Zipf-like law (s = 1) from a vocabulary of a few hundred product words. Titles have
// 5–12 words, descriptions 30–150. Drafts (the search queries) are built from a random
// document's words: 12–60 of them, some dropped or swapped, and one letter changed in about
// one word of 8, so typo tolerance is exercised. As-you-type queries are 1–4 words of a title
// with the last one cut short.
//
// Each corpus size's segment is built once per process, in a lazily initialised global
// (`corpus10k`, `corpus100k`), outside any measurement: the segment bytes stay alive for the
// whole run and a `LiveIndex` has already been updated with a segment opened from them. Each
// search iteration reopens the segment from those bytes (`openSegment` checks only the header
// after the first, full check) and runs one query, cycling through 1,000 prepared queries, so
// the numbers — and the malloc counts — are per query.

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

    Benchmark(
        "GapIndex search 10k drafts",
        configuration: .init(timeUnits: .microseconds),
        closure: { benchmark in search(benchmark, corpus10k, corpus10k.index, corpus10k.drafts) },
        setup: { _ = corpus10k }
    )

    Benchmark(
        "GapIndex search 100k drafts",
        configuration: .init(timeUnits: .microseconds),
        closure: { benchmark in search(benchmark, corpus100k, corpus100k.index, corpus100k.drafts) },
        setup: { _ = corpus100k }
    )

    Benchmark(
        "GapIndex search 100k as-you-type",
        configuration: .init(timeUnits: .microseconds),
        closure: { benchmark in search(benchmark, corpus100k, corpus100k.index, corpus100k.prefixes) },
        setup: { _ = corpus100k }
    )

    // The same drafts with typo tolerance off (`oneTypoFrom`/`twoTyposFrom` 1,000), through a
    // second `LiveIndex` over the same segment bytes.
    Benchmark(
        "GapIndex search 100k drafts, no typos",
        configuration: .init(timeUnits: .microseconds),
        closure: { benchmark in search(benchmark, corpus100k, corpus100k.noTyposIndex, corpus100k.drafts) },
        setup: { _ = corpus100k }
    )
}

/// One search per iteration: the iteration's query (cycling through `requests`) against the
/// segment reopened from `corpus.bytes`.
private func search(_ benchmark: Benchmark, _ corpus: SearchCorpus, _ index: LiveIndex, _ requests: [SearchRequest]) {
    let request = requests[benchmark.currentIteration % requests.count]
    corpus.bytes.withUnsafeBytes { raw in
        benchmark.startMeasurement()
        let segment = try! index.openSegment(raw)
        let hits = index.search(request, segments: [segment])
        benchmark.stopMeasurement()
        blackHole(hits)
    }
}

// MARK: - Fixtures

/// The documents, segment bytes and queries of one corpus size, plus two `LiveIndex`es
/// (default parameters, and typo tolerance off) already updated with the segment.
final class SearchCorpus: Sendable {
    let bytes: [UInt8]
    let index: LiveIndex
    let noTyposIndex: LiveIndex
    let drafts: [SearchRequest]
    let prefixes: [SearchRequest]

    init(documentCount: Int, seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let documents = Corpus.documents(documentCount, &random)
        let analyzer = Analyzer()
        let bytes = SegmentBuilder.build(documents.map(\.document), analyzer: analyzer, sequence: 1)
        let index = LiveIndex(analyzer: analyzer)
        var noTypos = RankingParameters()
        noTypos.typos = TypoTolerance(oneTypoFrom: 1000, twoTyposFrom: 1000)
        let noTyposIndex = LiveIndex(analyzer: analyzer, parameters: noTypos)
        bytes.withUnsafeBytes { raw in
            for index in [index, noTyposIndex] {
                let segment = try! index.openSegment(raw)  // the one full check
                index.update(segments: [segment], documents: [], through: 1)
            }
        }
        self.bytes = bytes
        self.index = index
        self.noTyposIndex = noTyposIndex

        drafts = (0..<1_000).map { _ in
            Corpus.draft(from: documents[Int(random.next() % UInt64(documents.count))], &random)
        }
        prefixes = (0..<1_000).map { _ in
            Corpus.prefixQuery(from: documents[Int(random.next() % UInt64(documents.count))], &random)
        }
    }
}

let corpus10k = SearchCorpus(documentCount: 10_000, seed: 0x6A9_0010)
let corpus100k = SearchCorpus(documentCount: 100_000, seed: 0x6A9_0100)

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

    static func documents(_ count: Int, _ random: inout SplitMix64) -> [Document] {
        (0..<count).map { index in
            let titleWords = (0..<random.next(in: 5...12)).map { _ in draw(contentWords, titleWeights, &random) }
            let descriptionWords = (0..<random.next(in: 30...150)).map { _ in
                draw(descriptionVocabulary, descriptionWeights, &random)
            }
            let attributes = DocumentAttributes(
                status: UInt8(random.next() % 3), category: UInt32(random.next() % 10 + 1),
                team: random.next() % 10 + 1, createdAt: 1_700_000_000_000 + Int64(index) * 60_000)
            return Document(
                document: IndexDocument(
                    id: UInt64(index + 1), title: titleWords.joined(separator: " "),
                    description: descriptionWords.joined(separator: " "), attributes: attributes),
                titleWords: titleWords, descriptionWords: descriptionWords)
        }
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

    /// A draft of 12–60 words from `source`'s title and description: about 1 in 10 dropped,
    /// about 1 in 10 swapped with its neighbour, and one letter changed in about 1 in 8.
    static func draft(from source: Document, _ random: inout SplitMix64) -> SearchRequest {
        func mangle(_ words: [String], _ random: inout SplitMix64) -> [String] {
            var result = words.filter { _ in random.next() % 10 != 0 }
            var i = 0
            while i + 1 < result.count {
                if random.next() % 10 == 0 { result.swapAt(i, i + 1); i += 1 }
                i += 1
            }
            return result.map { random.next() % 8 == 0 ? typo($0, &random) : $0 }
        }
        let total = random.next(in: 12...60)
        let title = Array(mangle(source.titleWords, &random).prefix(total))
        let description = Array(mangle(source.descriptionWords, &random).prefix(total - title.count))
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
