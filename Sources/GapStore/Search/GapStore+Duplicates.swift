public import GapIndex
internal import LMDB

/// A draft to check for duplicates before creating a gap.
public struct DuplicateQuery: Sendable, Hashable {
    /// The draft's title, or a half-typed title with ``asYouType``.
    public var title: String
    public var description: String
    /// How many candidates to return (1–100).
    public var limit: Int
    /// Treat the title's last word as unfinished and match it as a prefix, and rank the gaps
    /// with every word of it first (``SearchRequest/allWordsFirst``).
    public var asYouType: Bool
    /// Which fields of the gaps are searched: by default titles alone for a title being
    /// typed (``asYouType``), titles and descriptions otherwise.
    public var scope: SearchScope
    /// Only gaps in these statuses (any when empty).
    public var statuses: Set<GapStatus>
    /// Only gaps in these categories (any when empty).
    public var categories: [String]
    /// Only gaps of these teams (any when empty).
    public var teams: [String]
    /// Also return gaps merged into others.
    public var includeMerged: Bool
    /// The draft's category, if known: gaps in it rank a little higher.
    public var category: String?
    /// Explain every candidate's score.
    public var explain: Bool

    public init(
        title: String, description: String = "", limit: Int = 10, asYouType: Bool = false, scope: SearchScope? = nil,
        statuses: Set<GapStatus> = [], categories: [String] = [], teams: [String] = [], includeMerged: Bool = false,
        category: String? = nil, explain: Bool = false
    ) {
        self.title = title
        self.description = description
        self.limit = limit
        self.asYouType = asYouType
        self.scope = scope ?? (asYouType ? .titles : .titlesAndDescriptions)
        self.statuses = statuses
        self.categories = categories
        self.teams = teams
        self.includeMerged = includeMerged
        self.category = category
        self.explain = explain
    }
}

/// An existing gap that may already cover a draft.
public struct DuplicateCandidate: Sendable, Hashable {
    public let gap: Gap
    public let impact: GapImpact
    /// The ranking score (the sum of ``explanation``).
    public let score: Double
    /// How much of the draft the gap matches, from 0 to 1; see
    /// ``GapStore/likelyDuplicateConfidence``.
    public let confidence: Double
    /// Whether ``confidence`` reaches ``GapStore/likelyDuplicateConfidence``.
    public let isLikelyDuplicate: Bool
    /// Which words matched, where, how (exact, stem, typos, prefix) and what each added.
    public let explanation: [MatchContribution]
}

extension GapStore {
    /// The confidence from which a candidate is called a likely duplicate. Calibrated on
    /// labelled duplicate data (see the README's evaluation section): the value at which a
    /// "likely duplicate" verdict on the top candidate was right most often without missing
    /// most real duplicates.
    public static let likelyDuplicateConfidence = 0.6

    /// Finds the existing gaps most likely to be the same request as a draft, best first.
    ///
    /// Typo-tolerant (one typo from five letters, two from nine), stem-aware, with the
    /// filters applied inside the search. Sees every write committed before the call, by any
    /// process.
    ///
    /// - Throws: ``GapStoreError/Code/invalidField`` for an empty draft or a limit outside
    ///   1–100, ``GapStoreError/Code/unknownCategory``, or a storage error.
    public func findDuplicates(_ query: DuplicateQuery) throws(GapStoreError) -> [DuplicateCandidate] {
        guard !query.title.trimmingWhitespace().isEmpty || !query.description.trimmingWhitespace().isEmpty else {
            throw GapStoreError(.invalidField, "give a title (or a description) to search for")
        }
        guard (1...100).contains(query.limit) else {
            throw GapStoreError(.invalidField, "the number of candidates must be 1–100 (got \(query.limit))")
        }
        guard query.title.utf8.count + query.description.utf8.count <= 256 * 1024 else {
            throw GapStoreError(.invalidField, "a draft is limited to 256 KiB of text")
        }
        let now = clock().millis
        return try readWithIndex("searching for duplicates") { txn, segments in
            let taxonomy = try schema.loadTaxonomy(txn)
            var categoryIDs = Set<UInt32>()
            for name in query.categories { categoryIDs.insert(try taxonomy.resolve(category: name, subcategory: nil).0) }
            let draftCategory = try query.category.map { (name) throws(GapStoreError) in try taxonomy.resolve(category: name, subcategory: nil).0 } ?? 0
            let request = SearchRequest(
                title: query.title, description: query.description, limit: query.limit, prefixLastWord: query.asYouType, scope: query.scope,
                allWordsFirst: query.asYouType,
                filter: SearchFilter(
                    statuses: Set(query.statuses.map(\.storageCode)), categories: categoryIDs, teams: Set(query.teams.map(teamHash)),
                    includeMerged: query.includeMerged),
                category: draftCategory, now: now, explain: query.explain)
            guard let hits = searchIndex.searchIfCurrent(request, segments: segments) else { return nil }
            var calculator = ImpactCalculator(store: self)
            var candidates: [DuplicateCandidate] = []
            for hit in hits {
                guard let record = try schema.loadGap(GapID(hit.id), txn) else { continue }
                let (impact, _) = try calculator.impact(of: record.id, txn)
                candidates.append(DuplicateCandidate(
                    gap: record.gap(in: taxonomy), impact: impact, score: hit.score, confidence: hit.confidence,
                    isLikelyDuplicate: hit.confidence >= Self.likelyDuplicateConfidence, explanation: hit.explanation))
            }
            return candidates
        }
    }
}
