/// Words too common to help find a duplicate, dropped from text before indexing and from
/// queries.
public struct StopWords: Sendable {
    private let words: Set<[UInt8]>
    /// The same words in an allocation-free hash table, for the per-word check.
    private let table: TermInterner

    /// A stop list of the given lowercase words.
    public init(_ words: [String]) {
        self.words = Set(words.map { Array($0.utf8) })
        var table = TermInterner()
        for word in self.words { _ = word.withUnsafeBufferPointer { table.intern($0) } }
        self.table = table
    }

    /// The words in a fixed order (for fingerprints).
    var sortedWords: [[UInt8]] { words.sorted { $0.lexicographicallyPrecedes($1) } }

    /// Whether the folded word is a stop word.
    func contains(_ word: [UInt8]) -> Bool {
        !words.isEmpty && word.withUnsafeBufferPointer { table.find($0) } != nil
    }

    /// No stop words.
    public static let none = StopWords([])

    /// A short English list: articles, pronouns, auxiliaries, prepositions and conjunctions.
    /// Negations and words that carry meaning in requests ("not", "no", "all") are kept out
    /// of it on purpose.
    public static let english = StopWords([
        "a", "an", "the", "and", "or", "but", "if", "then", "else", "so", "as", "of", "at", "by", "for", "with",
        "about", "into", "through", "to", "from", "in", "on", "off", "over", "under", "again", "further",
        "is", "are", "was", "were", "be", "been", "being", "am", "have", "has", "had", "having", "do", "does",
        "did", "doing", "would", "should", "could", "can", "will", "shall", "may", "might", "must",
        "i", "me", "my", "myself", "we", "our", "ours", "us", "you", "your", "yours", "he", "him", "his", "she",
        "her", "hers", "it", "its", "they", "them", "their", "theirs", "this", "that", "these", "those",
        "what", "which", "who", "whom", "when", "where", "why", "how", "there", "here", "than", "too", "very",
        "just", "also", "some", "such", "own", "same", "each", "any", "both", "other", "only", "more", "most",
        "because", "while", "during", "before", "after", "above", "below", "up", "down", "out", "once",
        "s", "t", "d", "ll", "m", "re", "ve", "e", "g", "ie", "eg", "etc", "via", "per",
    ])
}
