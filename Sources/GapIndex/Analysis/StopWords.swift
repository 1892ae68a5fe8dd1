/// Words too common to help find a duplicate, dropped from text before indexing and from
/// queries.
public struct StopWords: Sendable {
    private let words: Set<[UInt8]>
    /// The same words in an allocation-free hash table, for the per-word check.
    private let table: TermInterner
    /// The longest word's length: longer words skip the table.
    private let longest: Int
    /// Words of 1 to 7 bytes (all of the English list) as packed keys (see `packedKey`) in an
    /// open-addressing table, 0 for an empty slot: checking a word costs a multiply and a
    /// compare or two instead of hashing bytes and comparing them.
    private let packed: [UInt64]
    private let packedShift: UInt64

    /// A stop list of the given lowercase words.
    public init(_ words: [String]) {
        self.words = Set(words.map { Array($0.utf8) })
        var table = TermInterner()
        for word in self.words { _ = word.withUnsafeBufferPointer { table.intern($0) } }
        self.table = table
        longest = self.words.map(\.count).max() ?? 0
        let shortWords = self.words.filter { (1...7).contains($0.count) }
        var bits: UInt64 = 4
        while 1 << bits < 4 * shortWords.count { bits += 1 }
        var packed = [UInt64](repeating: 0, count: 1 << bits)
        for word in shortWords {
            let key = word.withUnsafeBufferPointer { Self.packedKey($0) }
            var slot = Self.slot(key, shift: 64 - bits)
            while packed[slot] != 0 { slot = (slot + 1) & (packed.count - 1) }
            packed[slot] = key
        }
        self.packed = packed
        packedShift = 64 - bits
    }

    /// A word of 1 to 7 bytes as an integer: its bytes, then its length in the top byte
    /// (never 0).
    @inline(__always)
    private static func packedKey(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
        guard let base = word.baseAddress else { return UInt64(word.count) << 56 }
        return UInt64(word.count) << 56 | loadTail(UnsafeRawPointer(base), word.count)
    }

    @inline(__always)
    private static func slot(_ key: UInt64, shift: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The words in a fixed order (for fingerprints).
    var sortedWords: [[UInt8]] { words.sorted { $0.lexicographicallyPrecedes($1) } }

    /// Whether the folded word is a stop word.
    func contains(_ word: [UInt8]) -> Bool {
        word.withUnsafeBufferPointer { contains($0) }
    }

    /// Whether the folded word is a stop word.
    @inline(__always)
    func contains(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        guard word.count <= longest else { return false }
        guard (1...7).contains(word.count) else { return table.find(word) != nil }
        let key = Self.packedKey(word)
        return packed.withUnsafeBufferPointer { packed in
            var slot = Self.slot(key, shift: packedShift)
            while packed[slot] != 0 {
                if packed[slot] == key { return true }
                slot = (slot + 1) & (packed.count - 1)
            }
            return false
        }
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
