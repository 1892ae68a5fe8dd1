import Benchmark
import GapCorpus
import GapIndex

// Benchmarks of the GapIndex library (the duplicate-search engine), in process: analysis,
// segment building, and searches over one segment of 10,000, 100,000 or 1,000,000 synthetic
// product gaps.
//
// The corpus is GapCorpus's (`CorpusGenerator`, seed 1, default rates): the gaps and queries
// `gapcorpus corpus --seed 1` and `gapcorpus queries --seed 1 --count 1000` write, indexed and
// searched as gapbench does. Titles of 5–12 words and descriptions of 30–150 words in the
// vocabulary of a developer platform's product areas, Zipf-distributed filler, 15% of gaps
// re-asking an earlier one in other words, and a long tail of specific terms (names,
// identifiers, error codes) that makes the vocabulary grow with the corpus as real trackers'
// does: about 25k distinct words at 10k gaps, 135k at 100k. Search cost depends on that
// vocabulary (the fuzzy lookups walk the dictionary; rare terms have short postings), which is
// why the suite no longer draws from a few hundred words of its own. Drafts are
// `QueryGenerator.paraphrases` (12–60 words, synonyms, dropped words, typos), as-you-type
// queries `QueryGenerator.prefixes`; long drafts are built here (`longDrafts`).
//
// Each corpus size's segment is built once per process, in a lazily initialised global
// (`corpus10k`, `corpus100k`, `corpus1M`) that only the setup hooks of that size's benchmarks
// touch, outside any measurement: the segment bytes stay alive for the whole run and a
// `LiveIndex` has already been updated with a segment opened from them. The gaps are not kept
// (see `SearchCorpus`). Each search iteration reopens the segment from those bytes
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

    // The analyzer over 100 descriptions per iteration; reported per iteration
    // (package-benchmark scales only by powers of 1,000).
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

    // The 1M fixture takes about 2 minutes (mostly generating the gaps) and 3.5 GB at peak to
    // build, in each of these two processes; at most one pass over the 1,000 queries, or 30 s,
    // keeps each benchmark short.
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

/// The GapCorpus seed of every fixture: the seed the gapcorpus files in Tools/README.md are
/// written with, so a size's queries are those files' first 1,000 (and gapbench can measure
/// their recall). The sizes share one stream: the 10k corpus is the start of the 100k one.
let corpusSeed: UInt64 = 1

/// The segment bytes and queries of one corpus size, plus a `LiveIndex` (default parameters)
/// already updated with the segment.
///
/// The gaps are generated, indexed, turned into queries and let go: the query generators need
/// the whole corpus, but a fixture keeps only the segment bytes, the index and the queries
/// (1M gaps are about 1 GB of strings).
final class SearchCorpus: Sendable {
    let bytes: [UInt8]
    let index: LiveIndex
    let drafts: [SearchRequest]
    let prefixes: [SearchRequest]
    let longDrafts: [SearchRequest]

    init(documentCount: Int, seed: UInt64) {
        let gaps = generateGaps(documentCount, seed: seed)
        let analyzer = Analyzer()
        let bytes = SegmentBuilder.build(indexDocuments(gaps), analyzer: analyzer, sequence: 1)
        let index = LiveIndex(analyzer: analyzer)
        Self.load(bytes, into: index)
        self.bytes = bytes
        self.index = index

        // As gapbench runs a gapcorpus query set; both kinds use the corpus seed, as
        // `gapcorpus queries` does by default.
        let paraphrases = QueryGenerator.paraphrases(of: gaps, count: 1_000, seed: seed)
        drafts = paraphrases.map { SearchRequest(title: $0.title, description: $0.description, limit: 10) }
        prefixes = QueryGenerator.prefixes(of: gaps, count: 1_000, seed: seed).map {
            SearchRequest(
                title: $0.title, description: $0.description, limit: 10, prefixLastWord: true, scope: .titles, allWordsFirst: true)
        }
        longDrafts = Self.longDrafts(paraphrases, gaps: gaps, seed: seed)
    }

    /// Long drafts — the "150-word description" case — for the drafts' targets. GapCorpus makes
    /// none, and its paraphraser is internal, so they are assembled here from its public API:
    /// the paraphrase's title (rephrased, with typos), and a description of 150–300 words
    /// (uniform) made of the target's whole description continued with the descriptions of
    /// random other gaps of its category, cut to that length. The description has no typos; its
    /// tail brings the category's phrases and other gaps' specific terms, as a long draft that
    /// wanders brings words the target lacks.
    static func longDrafts(_ paraphrases: [SyntheticQuery], gaps: [SyntheticGap], seed: UInt64) -> [SearchRequest] {
        var byCategory: [String: [Int]] = [:]
        for gap in gaps { byCategory[gap.category, default: []].append(gap.index) }
        var random = SeededRandom(seed: seed ^ 0x10A6_D4AF)
        return paraphrases.map { paraphrase in
            let target = gaps[paraphrase.target]
            let length = Int.random(in: 150...300, using: &random)
            let others = byCategory[target.category]!
            precondition(others.count > 1, "a long draft needs other gaps of its category")
            var words = target.description.split(separator: " ")
            while words.count < length {
                let other = others[Int(random.next() % UInt64(others.count))]
                if other != target.index { words += gaps[other].description.split(separator: " ") }
            }
            return SearchRequest(
                title: paraphrase.title, description: words.prefix(length).joined(separator: " "), limit: 10)
        }
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

let corpus10k = SearchCorpus(documentCount: 10_000, seed: corpusSeed)
let corpus100k = SearchCorpus(documentCount: 100_000, seed: corpusSeed)
let corpus1M = SearchCorpus(documentCount: 1_000_000, seed: corpusSeed)

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

let analyzeInput = AnalyzeInput(descriptions: generateGaps(100, seed: corpusSeed).map(\.description))

struct BuildInput: Sendable {
    let analyzer = Analyzer()
    let documents: [IndexDocument]
}

let buildInput = BuildInput(documents: Array(indexDocuments(generateGaps(10_000, seed: corpusSeed))))

// MARK: - Corpus

/// The first `count` gaps of GapCorpus `seed` (default rates); the generator, which keeps
/// every gap's outline, is let go here.
func generateGaps(_ count: Int, seed: UInt64) -> [SyntheticGap] {
    var generator = CorpusGenerator(seed: seed)
    return generator.generate(count)
}

/// `gaps` as gapbench indexes a gapcorpus corpus: id `index + 1`, categories numbered 1, 2, …
/// in order of first appearance, no other attributes (status, team and creation time 0). Lazy,
/// so that building from it makes no array of documents beside the gaps.
func indexDocuments(_ gaps: [SyntheticGap]) -> LazyMapSequence<[SyntheticGap], IndexDocument> {
    var categories: [String: UInt32] = [:]
    return gaps.lazy.map { gap in
        let category = categories[gap.category] ?? UInt32(categories.count + 1)
        categories[gap.category] = category
        return IndexDocument(
            id: UInt64(gap.index + 1), title: gap.title, description: gap.description,
            attributes: DocumentAttributes(category: category))
    }
}
