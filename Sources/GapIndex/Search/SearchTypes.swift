/// A duplicate search: the draft someone is about to file, and how to search.
public struct SearchRequest: Sendable, Hashable {
    /// The draft's title (or a half-typed title for as-you-type search).
    public var title: String
    /// The draft's description; may be empty.
    public var description: String
    /// How many hits to return.
    public var limit: Int
    /// Treat the last word of `title` as unfinished: also match terms it is a prefix of.
    public var prefixLastWord: Bool
    /// Which fields of the gaps are searched.
    public var scope: SearchScope
    /// Rank the gaps that match every query word (by any of its variants) ahead of the
    /// others, each part best first: what someone typing a title expects. Only the words
    /// searched count: words the index lacks and words in most gaps are left out.
    public var allWordsFirst: Bool
    public var filter: SearchFilter
    /// The draft's category, for the same-category prior (0 for none).
    public var category: UInt32
    /// "Now" in milliseconds since 1970, for the recency prior (0 to disable it).
    public var now: Int64
    /// Include an explanation of every hit.
    public var explain: Bool

    public init(
        title: String, description: String = "", limit: Int = 10, prefixLastWord: Bool = false,
        scope: SearchScope = .titlesAndDescriptions, allWordsFirst: Bool = false, filter: SearchFilter = SearchFilter(),
        category: UInt32 = 0, now: Int64 = 0, explain: Bool = false
    ) {
        self.title = title
        self.description = description
        self.limit = limit
        self.prefixLastWord = prefixLastWord
        self.scope = scope
        self.allWordsFirst = allWordsFirst
        self.filter = filter
        self.category = category
        self.now = now
        self.explain = explain
    }
}

/// Which fields of the gaps a search matches the draft against.
public enum SearchScope: Sendable, Hashable, CaseIterable {
    /// Titles and descriptions (BM25F): for a full draft.
    case titlesAndDescriptions
    /// Titles alone (BM25 over the title field; word rarity still counts every field): for
    /// a title being typed, which is best matched against the titles of the gaps. About a
    /// tenth of the postings to walk, and better at finding the gap a half-typed title is
    /// about (see the README's performance section).
    case titles
}

/// Which gaps a search may return. Empty sets mean "any".
public struct SearchFilter: Sendable, Hashable {
    public var statuses: Set<UInt8>
    public var categories: Set<UInt32>
    public var teams: Set<UInt64>
    /// Whether gaps merged into others may be returned (they are not, by default).
    public var includeMerged: Bool

    public init(statuses: Set<UInt8> = [], categories: Set<UInt32> = [], teams: Set<UInt64> = [], includeMerged: Bool = false) {
        self.statuses = statuses
        self.categories = categories
        self.teams = teams
        self.includeMerged = includeMerged
    }

    var isUnrestricted: Bool { statuses.isEmpty && categories.isEmpty && teams.isEmpty && includeMerged }

    /// Whether it restricts status, category or team (beyond merges).
    var restrictsAttributes: Bool { !(statuses.isEmpty && categories.isEmpty && teams.isEmpty) }

    /// Whether a document is returned: live and passing the filter. `restricted` is
    /// ``restrictsAttributes``, computed once per search: most searches filter on merges only,
    /// and then no set is consulted per document.
    @inline(__always)
    func admits(_ facts: SlotFacts, restricted: Bool, team: () -> UInt64) -> Bool {
        guard !facts.isDead else { return false }
        return restricted
            ? accepts(status: facts.status, category: facts.category, merged: facts.isMerged, team: team)
            : includeMerged || !facts.isMerged
    }

    @inline(__always)
    func accepts(status: UInt8, category: UInt32, merged: Bool, team: () -> UInt64) -> Bool {
        // The team is asked for only when the filter names teams (a search looks it up apart).
        (includeMerged || !merged) && (statuses.isEmpty || statuses.contains(status))
            && (categories.isEmpty || categories.contains(category)) && (teams.isEmpty || teams.contains(team()))
    }
}

/// One gap a search found.
public struct SearchHit: Sendable, Hashable {
    /// The gap's number.
    public let id: UInt64
    /// The ranking score: the sum of ``explanation``'s contributions.
    public let score: Double
    /// The text score relative to the score a gap with exactly the draft's text would get
    /// (priors left out), capped at 1: how much of the draft the gap matches.
    public let confidence: Double
    /// Why it matched (when asked for): one entry per matched query word and field, plus
    /// priors; the contributions add up to ``score``.
    public let explanation: [MatchContribution]
}

/// How a query word matched a gap term.
public enum MatchKind: Sendable, Hashable, CustomStringConvertible {
    /// The same word.
    case exact
    /// Another word with the same stem.
    case stem
    /// A word within `edits` typos.
    case fuzzy(edits: Int)
    /// A word the (unfinished) query word is a prefix of, within `edits` typos.
    case prefix(edits: Int)

    public var description: String {
        switch self {
        case .exact: "exact"
        case .stem: "stem"
        case .fuzzy(let edits): "fuzzy(\(edits))"
        case .prefix(let edits): edits == 0 ? "prefix" : "prefix(\(edits))"
        }
    }
}

/// One part of a hit's score.
public struct MatchContribution: Sendable, Hashable {
    public enum Source: Sendable, Hashable {
        /// A query word matched `term` in `field`.
        case term(queryWord: String, term: String, kind: MatchKind, field: Field)
        /// The same-category prior.
        case sameCategory
        /// The recency prior.
        case recency
    }

    public let source: Source
    public let contribution: Double
}

/// How a search walks the postings. Both give the same results (up to float rounding).
enum SearchStrategy: Sendable {
    /// Document at a time for queries of up to ``BlockMaxSearch/groupLimit`` words, term at a
    /// time for longer drafts: whichever was faster on the synthetic benchmarks (see the
    /// README's performance section).
    case automatic
    /// ``BlockMaxSearch``: MaxScore and block-max pruning, one segment at a time.
    case documentAtATime
    /// Accumulators over all documents for the most selective words, then candidates only.
    case termAtATime
}
