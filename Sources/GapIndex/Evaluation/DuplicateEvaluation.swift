/// Measures how well the search finds known duplicates, by the protocol of labelled issue
/// data: records are indexed in creation order, and every record whose `duplicateOf` was
/// created earlier is searched (title and body) against exactly the records created strictly
/// before it.
///
/// A query is a *strict* hit at k when its `duplicateOf` is among the top k, and a *group* hit
/// when any earlier member of its duplicate group is. The evaluation reports recall at 1, 5,
/// 10 and 20 and the mean reciprocal rank of the first hit.
public struct DuplicateEvaluation {
    /// A labelled record.
    public struct Record: Sendable {
        public var id: String
        public var title: String
        public var body: String
        /// Creation time in any monotonic unit (only the order matters).
        public var created: Int64
        /// The id of the record this one duplicates, if any.
        public var duplicateOf: String?
        /// The duplicate group (records that are all the same issue), if any.
        public var group: String?
        /// A category code (for the same-category prior or filter), 0 for none.
        public var category: UInt32

        public init(id: String, title: String, body: String, created: Int64, duplicateOf: String?, group: String?, category: UInt32 = 0) {
            self.id = id
            self.title = title
            self.body = body
            self.created = created
            self.duplicateOf = duplicateOf
            self.group = group
            self.category = category
        }
    }

    /// Recall and MRR for one way of counting hits.
    public struct Scores: Sendable, Hashable {
        /// Recall at 1, 5, 10 and 20.
        public var recall: [Int: Double]
        public var meanReciprocalRank: Double
    }

    /// The outcome of an evaluation.
    public struct Result: Sendable {
        public var queries: Int
        public var documents: Int
        public var strict: Scores
        public var group: Scores
        /// Search latencies in nanoseconds, in query order.
        public var latenciesNanoseconds: [UInt64]
        /// For each query: the rank (1-based) of the strict duplicate, or nil if not in the top 20.
        public var strictRanks: [Int?]
        /// For each query: the top hit's confidence, and whether it was the duplicate.
        public var topConfidence: [(confidence: Double, correct: Bool)]
        /// For each sampled record that duplicates nothing earlier: its top hit's confidence.
        public var negativeConfidence: [Double]

        /// How a "likely duplicate" verdict (top hit's confidence ≥ `threshold`) fares:
        /// precision over duplicate and sampled non-duplicate queries (each counted once,
        /// a balanced mix), and recall over duplicate queries.
        public func verdict(at threshold: Double) -> (precision: Double, recall: Double, f1: Double) {
            let truePositives = topConfidence.filter { $0.correct && $0.confidence >= threshold }.count
            let wrongTop = topConfidence.filter { !$0.correct && $0.confidence >= threshold }.count
            let negatives = negativeConfidence.isEmpty
                ? 0.0 : Double(negativeConfidence.filter { $0 >= threshold }.count) * Double(queries) / Double(negativeConfidence.count)
            let flagged = Double(truePositives + wrongTop) + negatives
            let precision = flagged > 0 ? Double(truePositives) / flagged : 1
            let recall = queries > 0 ? Double(truePositives) / Double(queries) : 0
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            return (precision, recall, f1)
        }
    }

    public let analyzer: Analyzer
    public var parameters: RankingParameters
    /// Only search records of the query's category.
    public var sameCategoryOnly = false
    /// Also search every `negativeSampling`-th record that duplicates nothing (0 for none),
    /// to calibrate the likely-duplicate threshold.
    public var negativeSampling = 0

    public init(analyzer: Analyzer = Analyzer(), parameters: RankingParameters = RankingParameters()) {
        self.analyzer = analyzer
        self.parameters = parameters
    }

    /// Runs the evaluation. `clock` returns monotonic nanoseconds (for latencies).
    public func run(_ records: [Record], clock: () -> UInt64) -> Result {
        let ordered = records.enumerated().sorted { ($0.element.created, $0.offset) < ($1.element.created, $1.offset) }.map(\.element)
        var numberOf: [String: UInt64] = [:]
        for (index, record) in ordered.enumerated() { numberOf[record.id] = UInt64(index + 1) }
        var createdOf: [String: Int64] = [:]
        for record in ordered { createdOf[record.id] = record.created }
        var members: [String: [String]] = [:]
        for record in ordered { if let group = record.group { members[group, default: []].append(record.id) } }

        let index = LiveIndex(analyzer: analyzer, parameters: parameters)
        var pending: [IndexDocument] = []
        var indexedThrough = 0
        var strictRanks: [Int?] = []
        var groupRanks: [Int?] = []
        var latencies: [UInt64] = []
        var confidences: [(Double, Bool)] = []
        var negatives: [Double] = []
        var nonDuplicates = 0
        for (position, record) in ordered.enumerated() {
            let isQuery: Bool
            if let original = record.duplicateOf, let originalCreated = createdOf[original], originalCreated < record.created {
                isQuery = true
            } else if negativeSampling > 0 && record.duplicateOf == nil && record.group == nil && position > 100 {
                nonDuplicates += 1
                guard nonDuplicates % negativeSampling == 0 else { continue }
                isQuery = false
            } else {
                continue
            }
            // Index everything created strictly before this record.
            while indexedThrough < position && ordered[indexedThrough].created < record.created {
                let r = ordered[indexedThrough]
                pending.append(IndexDocument(
                    id: numberOf[r.id]!, title: r.title, description: r.body,
                    attributes: DocumentAttributes(category: r.category, createdAt: r.created)))
                indexedThrough += 1
            }
            if !pending.isEmpty {
                index.update(segments: [], documents: pending, through: UInt64(indexedThrough))
                pending.removeAll()
            }
            let request = SearchRequest(
                title: record.title, description: record.body, limit: 20,
                filter: SearchFilter(categories: sameCategoryOnly && record.category != 0 ? [record.category] : []),
                category: record.category, now: record.created)
            let start = clock()
            let hits = index.search(request, segments: [])
            latencies.append(clock() - start)
            guard isQuery, let original = record.duplicateOf else {
                negatives.append(hits.first?.confidence ?? 0)
                continue
            }
            let target = numberOf[original]!
            let strict = hits.firstIndex { $0.id == target }.map { $0 + 1 }
            let earlier = Set((record.group.flatMap { members[$0] } ?? [original]).filter { createdOf[$0]! < record.created }.compactMap { numberOf[$0] })
            let group = hits.firstIndex { earlier.contains($0.id) || $0.id == target }.map { $0 + 1 }
            strictRanks.append(strict)
            groupRanks.append(group)
            if let top = hits.first { confidences.append((top.confidence, top.id == target)) }
        }
        func scores(_ ranks: [Int?]) -> Scores {
            let n = Double(max(ranks.count, 1))
            var recall: [Int: Double] = [:]
            for k in [1, 5, 10, 20] { recall[k] = Double(ranks.filter { ($0 ?? .max) <= k }.count) / n }
            let mrr = ranks.reduce(0.0) { $0 + ($1.map { 1.0 / Double($0) } ?? 0) } / n
            return Scores(recall: recall, meanReciprocalRank: mrr)
        }
        return Result(
            queries: strictRanks.count, documents: ordered.count, strict: scores(strictRanks), group: scores(groupRanks),
            latenciesNanoseconds: latencies, strictRanks: strictRanks, topConfidence: confidences, negativeConfidence: negatives)
    }
}
