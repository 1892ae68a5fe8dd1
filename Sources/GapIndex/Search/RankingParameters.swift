/// The knobs of ranking, with the values tuned on labelled duplicate data (see the README's
/// evaluation section). Changing them needs no rebuild of the index.
public struct RankingParameters: Sendable, Hashable {
    /// BM25 term-frequency saturation.
    public var k1: Float = 1.2
    /// Weight of a match in a gap's title relative to its description (BM25F field weights).
    public var titleWeight: Float = 2.0
    public var descriptionWeight: Float = 1.0
    /// BM25 length normalisation per field (0: none, 1: full).
    public var titleLengthNormalization: Float = 0.5
    public var descriptionLengthNormalization: Float = 0.75

    /// Weight of a word of the draft's title relative to a word of its description.
    public var draftTitleWeight: Float = 3.5

    /// What a variant of a query word is worth relative to the word itself: a word with the
    /// same stem (`searches` for `searching`), one or two typos, or a term the last word of
    /// an as-you-type query is a prefix of.
    public var stemWeight: Float = 0.9
    public var oneTypoWeight: Float = 0.6
    public var twoTypoWeight: Float = 0.35
    public var prefixWeight: Float = 0.8

    /// Typo tolerance by word length.
    public var typos = TypoTolerance()
    /// Typo variants are only looked for when a query word occurs in fewer than
    /// max(floor, share × documents) gaps: a word the index knows well is spelled right.
    public var fuzzyFrequencyFloor = 5
    public var fuzzyFrequencyShare: Float = 0.001
    /// At most this many fuzzy variants per query word (the closest, then the most frequent).
    public var maxFuzzyExpansions = 12
    /// At most this many prefix completions for the last word of an as-you-type query.
    public var maxPrefixExpansions = 30
    /// At most this many distinct words of a draft are searched: the most informative ones.
    public var maxQueryWords = 48
    /// Words in more than this share of the gaps are not searched (they tell nothing apart,
    /// and their score bounds make pruning slow), once the index holds 1,000 gaps or more and
    /// as long as another word of the draft matches something. 1 searches every word.
    public var maxWordShare: Float = 0.5

    /// Scores of a gap in the draft's category are multiplied by 1 + this.
    public var sameCategoryBoost: Float = 0.3
    /// Scores are multiplied by 1 + recencyBoost · 2^(−age / recencyHalfLifeDays): recent
    /// gaps are likelier to be asked for again.
    public var recencyBoost: Float = 0.5
    public var recencyHalfLifeDays: Float = 90

    public init() {}

    /// What is wrong with these values, one sentence each; empty when they can be used.
    /// Weights and boosts are finite and not negative (0 switches an ingredient off), `k1` and
    /// the half-life are positive, the length normalisations and shares lie in 0...1 (the
    /// word share above 0), counts are not negative, and two typos start no earlier than one.
    /// (Searches assume this: a negative score would read as "no match".)
    /// ``GapStore`` refuses a store's options with problems.
    public var problems: [String] {
        var problems: [String] = []
        func check(_ name: String, _ value: Float, _ valid: Bool, _ rule: String) {
            if !(value.isFinite && valid) { problems.append("\(name) must be \(rule) (got \(value))") }
        }
        check("k1", k1, k1 > 0, "greater than 0")
        for (name, value) in [
            ("titleWeight", titleWeight), ("descriptionWeight", descriptionWeight), ("draftTitleWeight", draftTitleWeight),
            ("stemWeight", stemWeight), ("oneTypoWeight", oneTypoWeight), ("twoTypoWeight", twoTypoWeight),
            ("prefixWeight", prefixWeight), ("sameCategoryBoost", sameCategoryBoost), ("recencyBoost", recencyBoost),
        ] {
            check(name, value, value >= 0, "0 or more")
        }
        for (name, value) in [
            ("titleLengthNormalization", titleLengthNormalization), ("descriptionLengthNormalization", descriptionLengthNormalization),
            ("fuzzyFrequencyShare", fuzzyFrequencyShare),
        ] {
            check(name, value, (0...1).contains(value), "between 0 and 1")
        }
        check("maxWordShare", maxWordShare, maxWordShare > 0 && maxWordShare <= 1, "above 0 and at most 1")
        check("recencyHalfLifeDays", recencyHalfLifeDays, recencyHalfLifeDays > 0, "greater than 0")
        for (name, value) in [
            ("fuzzyFrequencyFloor", fuzzyFrequencyFloor), ("maxFuzzyExpansions", maxFuzzyExpansions),
            ("maxPrefixExpansions", maxPrefixExpansions), ("maxQueryWords", maxQueryWords),
        ] where value < 0 {
            problems.append("\(name) must be 0 or more (got \(value))")
        }
        if typos.oneTypoFrom < 0 || typos.twoTyposFrom < typos.oneTypoFrom {
            problems.append(
                "typos: oneTypoFrom must be 0 or more and twoTyposFrom at least oneTypoFrom (got \(typos.oneTypoFrom), \(typos.twoTyposFrom))")
        }
        return problems
    }
}
