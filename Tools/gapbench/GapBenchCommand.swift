import ArgumentParser
import Foundation
import GapIndex

/// Measures the duplicate search in process, one thread: index build time and size, then
/// per-query latency and recall on a query set with known answers (gapcorpus files).
@main
struct GapBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gapbench",
        abstract: "Benchmark GapIndex on a gapcorpus corpus and query set.",
        discussion: """
            Prints one JSON object (the shape Tools/tantivy/compare.py expects from
            --engine-command), or a table with --table. Query sets whose drafts all lack a
            description are run as as-you-type (prefix) queries, over the gaps' titles unless
            --scope says otherwise.

            Example:
              swift build -c release --product gapbench
              .build/release/gapbench --corpus /tmp/gapcorpus/corpus-100000.jsonl \\
                --queries /tmp/gapcorpus/queries-paraphrase-100000.jsonl --table
            """)

    @Option(help: "The corpus (gapcorpus corpus output).") var corpus: String
    @Option(help: "The query set (gapcorpus queries output).") var queries: String
    @Option(help: "Results per query.") var limit = 10
    @Option(help: "Queries run before measuring.") var warmup = 100
    @Flag(help: "Print a table instead of JSON.") var table = false
    @Flag(help: "Disable typo tolerance.") var noFuzzy = false
    @Option(help: "Search at most this many words of a draft (RankingParameters.maxQueryWords).") var maxQueryWords: Int?
    @Option(help: "RankingParameters.draftTitleWeight.") var draftTitleWeight: Float?
    @Option(help: "RankingParameters.titleWeight.") var titleWeight: Float?
    @Option(help: "Fields searched: titles, all, or auto (titles for as-you-type query sets, as the CLI does).")
    var scope = ScopeChoice.auto
    @Flag(help: "Rank as-you-type queries by score alone, not the gaps with every word first (as the CLI does).")
    var scoreOrder = false
    @Option(name: .customLong("repeat"), help: "Run the query set this many times (for profiling).") var repetitions = 1
    @Option(help: "Keep the built segment in this file and reuse it on later runs with the same corpus (for profiling the search alone).")
    var segmentCache: String?
    @Option(help: ArgumentHelp(
        "Give the gaps creation times spread evenly over the N days before a fixed reference time, oldest first, and search with the recency prior at that time (0: no recency prior).",
        discussion: "With --segment-cache, the cache file's name gets the suffix .age-N (the segment holds the times).", valueName: "N"))
    var ageDays = 0

    /// "Now" for `--age-days`: fixed, so that runs and cached segments agree (2026-01-01 UTC).
    static let referenceTime: Int64 = 1_767_225_600_000

    func validate() throws {
        if !(0...36_500).contains(ageDays) { throw ValidationError("--age-days must be between 0 and 36,500 (got \(ageDays))") }
    }

    enum ScopeChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, titles, all
    }

    struct CorpusLine: Decodable {
        var index: Int
        var title: String
        var description: String
        var category: String
    }

    struct QueryLine: Decodable {
        var title: String
        var description: String
        var acceptable: [Int]
    }

    /// Calls `body` with each non-empty line of JSON-lines data, one `Data` at a time. One pass
    /// over the raw bytes: `Data.split` pays a runtime exclusivity check per byte, which made
    /// loading a 1M-gap corpus take about a minute.
    static func forEachLine(of data: Data, _ body: (Data) throws -> Void) rethrows {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: "\n") {
                if index > start { try body(Data(UnsafeBufferPointer(rebasing: bytes[start..<index]))) }
                start = index + 1
            }
        }
    }

    func run() throws {
        // Checked before anything is read or built.
        var parameters = RankingParameters()
        if noFuzzy { parameters.typos = TypoTolerance(oneTypoFrom: 1000, twoTyposFrom: 1000) }
        if let maxQueryWords { parameters.maxQueryWords = maxQueryWords }
        if let draftTitleWeight { parameters.draftTitleWeight = draftTitleWeight }
        if let titleWeight { parameters.titleWeight = titleWeight }
        if let problem = parameters.problems.first { throw ValidationError(problem) }
        let decoder = JSONDecoder()
        // A cached segment makes the corpus unnecessary (and its decoding is slow under valgrind).
        let segmentCache = segmentCache.map { ageDays > 0 ? "\($0).age-\(ageDays)" : $0 }
        let cached = segmentCache.flatMap { FileManager.default.contents(atPath: $0) }
        let corpusData = cached == nil ? try Data(contentsOf: URL(fileURLWithPath: corpus)) : Data()
        var documents: [IndexDocument] = []
        var categories: [String: UInt32] = [:]
        var textBytes = 0
        try Self.forEachLine(of: corpusData) { line in
            let gap = try decoder.decode(CorpusLine.self, from: line)
            let category = categories[gap.category] ?? UInt32(categories.count + 1)
            categories[gap.category] = category
            textBytes += gap.title.utf8.count + gap.description.utf8.count
            documents.append(IndexDocument(
                id: UInt64(gap.index + 1), title: gap.title, description: gap.description,
                attributes: DocumentAttributes(category: category)))
        }
        if ageDays > 0 {
            let span = Double(ageDays) * 86_400_000
            let last = Double(max(documents.count - 1, 1))
            for i in documents.indices {
                documents[i].attributes.createdAt = Self.referenceTime - Int64(span * Double(documents.count - 1 - i) / last)
            }
        }
        let queryData = try Data(contentsOf: URL(fileURLWithPath: queries))
        var queryLines: [QueryLine] = []
        try Self.forEachLine(of: queryData) { queryLines.append(try decoder.decode(QueryLine.self, from: $0)) }
        let prefix = queryLines.allSatisfy { $0.description.isEmpty }
        let searchScope: SearchScope =
            switch scope {
            case .auto: prefix ? .titles : .titlesAndDescriptions
            case .titles: .titles
            case .all: .titlesAndDescriptions
            }

        let clock = ContinuousClock()
        var start = clock.now
        let analyzer = Analyzer()
        var bytes: [UInt8]
        if let cached {
            bytes = [UInt8](cached)
        } else {
            bytes = SegmentBuilder.build(documents, analyzer: analyzer, sequence: 1)
            if let segmentCache { try Data(bytes).write(to: URL(fileURLWithPath: segmentCache)) }
        }
        let buildSeconds = seconds(clock.now - start)
        let index = LiveIndex(analyzer: analyzer, parameters: parameters)
        var latencies: [Double] = []
        var ranks: [Int?] = []
        var openSeconds = 0.0
        var documentCount = documents.count
        try bytes.withUnsafeBytes { raw in
            start = clock.now
            let segment = try index.openSegment(raw)
            documentCount = segment.documentCount
            index.update(segments: [segment], documents: [], through: 1)
            openSeconds = seconds(clock.now - start)
            func request(_ query: QueryLine) -> SearchRequest {
                SearchRequest(title: query.title, description: query.description, limit: limit, prefixLastWord: prefix, scope: searchScope,
                    allWordsFirst: prefix && !scoreOrder, now: ageDays > 0 ? Self.referenceTime : 0)
            }
            for query in queryLines.prefix(warmup) { _ = index.search(request(query), segments: [segment]) }
            for query in (0..<repetitions).flatMap({ _ in queryLines }) {
                let searchRequest = request(query)
                let before = clock.now
                let hits = index.search(searchRequest, segments: [segment])
                latencies.append(seconds(clock.now - before) * 1000)
                let acceptable = Set(query.acceptable.map { UInt64($0 + 1) })
                ranks.append(hits.firstIndex { acceptable.contains($0.id) }.map { $0 + 1 })
            }
        }
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        let n = Double(max(ranks.count, 1))
        let result = Result(
            engine: "gapsearch",
            mode: (prefix ? "prefix" : (noFuzzy ? "bm25f" : "bm25f+fuzzy")) + (searchScope == .titles ? ", titles" : "")
                + (prefix && !scoreOrder ? ", all words first" : "") + (ageDays > 0 ? ", gaps over \(ageDays) days" : ""),
            build_seconds: buildSeconds,
            open_seconds: openSeconds, p50_ms: percentile(0.5), p90_ms: percentile(0.9), p99_ms: percentile(0.99),
            max_ms: sorted.last ?? 0, recall_at_1: Double(ranks.filter { ($0 ?? .max) <= 1 }.count) / n,
            recall_at_10: Double(ranks.filter { ($0 ?? .max) <= 10 }.count) / n,
            mrr: ranks.reduce(0.0) { $0 + ($1.map { 1 / Double($0) } ?? 0) } / n, queries: ranks.count,
            documents: documentCount, index_bytes: bytes.count, text_bytes: textBytes)
        if table {
            print(String(format: "%d docs, %d queries (%@): build %.2f s, open %.4f s, index %.1f MB for %.1f MB of text",
                         result.documents, result.queries, result.mode, result.build_seconds, result.open_seconds,
                         Double(result.index_bytes) / 1e6, Double(result.text_bytes) / 1e6))
            print(String(format: "latency ms p50 %.3f  p90 %.3f  p99 %.3f  max %.3f   R@1 %.3f  R@10 %.3f  MRR %.3f",
                         result.p50_ms, result.p90_ms, result.p99_ms, result.max_ms, result.recall_at_1, result.recall_at_10, result.mrr))
        } else {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        }
    }

    struct Result: Encodable {
        var engine: String
        var mode: String
        var build_seconds: Double
        var open_seconds: Double
        var p50_ms: Double
        var p90_ms: Double
        var p99_ms: Double
        var max_ms: Double
        var recall_at_1: Double
        var recall_at_10: Double
        var mrr: Double
        var queries: Int
        var documents: Int
        var index_bytes: Int
        var text_bytes: Int
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
