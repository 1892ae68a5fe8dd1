import ArgumentParser
import Foundation
import GapIndex

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure duplicate detection on labelled data (recall@k, MRR, latency).",
        discussion: """
            DATASET is JSON lines with the fields id, title, body (or description), created
            (ISO 8601), dup_of, group and product (the category). Records are indexed in
            creation order; every record whose dup_of was created earlier is searched against
            the records created strictly before it. A strict hit finds dup_of; a group hit finds
            any earlier member of the record's group.

            Examples:
              gapsearch eval jira-dev.jsonl
              gapsearch eval jira-dev.jsonl --same-category --json
              gapsearch eval jira-dev.jsonl --set titleWeight=3 --set recencyBoost=0
            """)

    @Argument(help: "The labelled JSON-lines file.") var dataset: String
    @Flag(help: "Only search records of the query's category (product).") var sameCategory = false
    @Option(
        name: .customLong("set"),
        help: ArgumentHelp("Override a ranking parameter (name=value; see RankingParameters).", valueName: "name=value"))
    var overrides: [String] = []
    @Flag(help: "Disable an ingredient of ranking (for ablations).") var ablation: [Ablation] = []
    @Option(help: "Also search every N-th record that duplicates nothing, and report the likely-duplicate threshold's precision and recall.")
    var calibrate = 0
    @OptionGroup var output: OutputOptions

    enum Ablation: String, EnumerableFlag {
        case noStemming, noFuzzy, noSynonyms, noStopWords
    }

    func validate() throws { _ = try rankingParameters() }

    /// The default ranking parameters with the `--set` overrides applied; refuses values no
    /// search can use.
    func rankingParameters() throws -> RankingParameters {
        var parameters = RankingParameters()
        for override in overrides { try Self.apply(override, to: &parameters) }
        if let problem = parameters.problems.first { throw ValidationError("--set: \(problem)") }
        return parameters
    }

    func run() throws {
        let records = try Self.load(dataset)
        var parameters = try rankingParameters()
        if ablation.contains(.noStemming) { parameters.stemWeight = 0 }
        if ablation.contains(.noFuzzy) { parameters.typos = TypoTolerance(oneTypoFrom: 1000, twoTyposFrom: 1000) }
        let analyzer = Analyzer(
            synonyms: ablation.contains(.noSynonyms) ? .none : .default,
            stopWords: ablation.contains(.noStopWords) ? .none : .english)
        var evaluation = DuplicateEvaluation(analyzer: analyzer, parameters: parameters)
        evaluation.sameCategoryOnly = sameCategory
        evaluation.negativeSampling = calibrate
        let clock = ContinuousClock()
        let origin = clock.now
        let result = evaluation.run(records) {
            let elapsed = clock.now - origin
            return UInt64(elapsed.components.seconds) * 1_000_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000)
        }
        let latencies = result.latenciesNanoseconds.sorted()
        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            return Double(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) / 1e6
        }
        if output.json {
            try printJSON(EvalJSON(
                dataset: dataset, documents: result.documents, queries: result.queries,
                strict: .init(result.strict), group: .init(result.group),
                latencyMilliseconds: ["p50": percentile(0.5), "p90": percentile(0.9), "p99": percentile(0.99), "max": percentile(1)]))
            return
        }
        print("\(result.queries) duplicate queries over \(result.documents) records\(sameCategory ? " (same category only)" : "")")
        print(renderTable(
            header: ["", "R@1", "R@5", "R@10", "R@20", "MRR"],
            rows: [("strict", result.strict), ("group", result.group)].map { name, s in
                [name] + [1, 5, 10, 20].map { String(format: "%.3f", s.recall[$0]!) } + [String(format: "%.3f", s.meanReciprocalRank)]
            },
            rightAligned: [1, 2, 3, 4, 5]))
        print(String(format: "latency ms: p50 %.3f  p90 %.3f  p99 %.3f  max %.3f", percentile(0.5), percentile(0.9), percentile(0.99), percentile(1)))
        if calibrate > 0 {
            print("\nLikely-duplicate verdict on the top hit (\(result.negativeConfidence.count) non-duplicate queries, weighted to balance):")
            print(renderTable(
                header: ["THRESHOLD", "PRECISION", "RECALL", "F1"],
                rows: stride(from: 0.2, through: 0.9, by: 0.05).map { threshold in
                    let v = result.verdict(at: threshold)
                    return [String(format: "%.2f", threshold), String(format: "%.3f", v.precision), String(format: "%.3f", v.recall), String(format: "%.3f", v.f1)]
                },
                rightAligned: [0, 1, 2, 3]))
        }
    }

    /// Reads the JSON-lines dataset; products become category codes in order of appearance.
    static func load(_ path: String) throws -> [DuplicateEvaluation.Record] {
        let data = try readFile(path)
        struct Line: Decodable {
            var id: String
            var title: String?
            var body: String?
            var description: String?
            var created: String
            var dup_of: String?
            var group: String?
            var product: String?
        }
        let formatter = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var categories: [String: UInt32] = [:]
        var records: [DuplicateEvaluation.Record] = []
        let decoder = JSONDecoder()
        for (number, line) in data.split(separator: UInt8(ascii: "\n")).enumerated() where !line.isEmpty {
            let record: Line
            do { record = try decoder.decode(Line.self, from: Data(line)) } catch {
                throw OperationFailure("\(path):\(number + 1): not a valid record (\(error))")
            }
            guard let date = formatter.date(from: record.created) ?? fractional.date(from: record.created) else {
                throw OperationFailure("\(path):\(number + 1): created \"\(record.created)\" is not ISO 8601")
            }
            var category: UInt32 = 0
            if let product = record.product {
                if let existing = categories[product] { category = existing } else {
                    category = UInt32(categories.count + 1)
                    categories[product] = category
                }
            }
            records.append(DuplicateEvaluation.Record(
                id: record.id, title: record.title ?? "", body: record.body ?? record.description ?? "",
                created: Int64(date.timeIntervalSince1970 * 1000), duplicateOf: record.dup_of, group: record.group, category: category))
        }
        return records
    }

    /// Applies `name=value` to a ranking parameter.
    static func apply(_ override: String, to parameters: inout RankingParameters) throws {
        let parts = override.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, let value = Float(parts[1]) else { throw ValidationError("--set takes name=value, got \(override)") }
        switch parts[0] {
        case "k1": parameters.k1 = value
        case "titleWeight": parameters.titleWeight = value
        case "descriptionWeight": parameters.descriptionWeight = value
        case "titleLengthNormalization": parameters.titleLengthNormalization = value
        case "descriptionLengthNormalization": parameters.descriptionLengthNormalization = value
        case "draftTitleWeight": parameters.draftTitleWeight = value
        case "stemWeight": parameters.stemWeight = value
        case "oneTypoWeight": parameters.oneTypoWeight = value
        case "twoTypoWeight": parameters.twoTypoWeight = value
        case "prefixWeight": parameters.prefixWeight = value
        case "maxFuzzyExpansions": parameters.maxFuzzyExpansions = Int(value)
        case "maxPrefixExpansions": parameters.maxPrefixExpansions = Int(value)
        case "fuzzyFrequencyFloor": parameters.fuzzyFrequencyFloor = Int(value)
        case "fuzzyFrequencyShare": parameters.fuzzyFrequencyShare = value
        case "maxQueryWords": parameters.maxQueryWords = Int(value)
        case "maxWordShare": parameters.maxWordShare = value
        case "sameCategoryBoost": parameters.sameCategoryBoost = value
        case "recencyBoost": parameters.recencyBoost = value
        case "recencyHalfLifeDays": parameters.recencyHalfLifeDays = value
        default: throw ValidationError("unknown ranking parameter \(parts[0])")
        }
    }
}

struct EvalJSON: Codable {
    struct Scores: Codable {
        var recallAt1: Double
        var recallAt5: Double
        var recallAt10: Double
        var recallAt20: Double
        var mrr: Double

        init(_ s: DuplicateEvaluation.Scores) {
            recallAt1 = s.recall[1]!
            recallAt5 = s.recall[5]!
            recallAt10 = s.recall[10]!
            recallAt20 = s.recall[20]!
            mrr = s.meanReciprocalRank
        }
    }

    var dataset: String
    var documents: Int
    var queries: Int
    var strict: Scores
    var group: Scores
    var latencyMilliseconds: [String: Double]
}
