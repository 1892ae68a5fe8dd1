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
}
