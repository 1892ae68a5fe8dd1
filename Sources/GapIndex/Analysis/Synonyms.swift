/// Groups of words and phrases that mean the same thing to people filing requests, such as
/// `SSO` and `single sign-on`, or `repo` and `repository`.
///
/// Wherever a member of a group appears (compared by stem, so plurals match too), the
/// analyzer also emits the group's **canonical term** — its first member — at the same
/// position. Documents and queries go through the same analyzer, so either wording finds the
/// other. The canonical member itself is not duplicated.
public struct Synonyms: Sendable {
    struct Phrase: Sendable {
        /// The member's words, stemmed.
        var words: [[UInt8]]
        var group: Int
        var isCanonical: Bool
    }

    /// The canonical term of each group.
    let canonical: [[UInt8]]
    /// Phrases by the stem of their last word.
    let byLastWord: [[UInt8]: [Phrase]]
    /// The same, as an allocation-free table: `phrasesOfLastWord[id]` for the stem's id.
    let lastWords: TermInterner
    let phrasesOfLastWord: [[Phrase]]
    /// The longest phrase, in words.
    let longest: Int
    /// The first two bytes of every member word's stem, as a bitmap: Porter's algorithm only
    /// touches suffixes, so a word whose first two bytes are not here cannot end a phrase —
    /// checked before stemming every word.
    let twoBytePrefixes: [UInt64]
    /// The same bitmap for the other words of phrases: only a word whose first two bytes are
    /// here can be one of them, so only those are copied into ``RecentWords``. A stem of three
    /// bytes or more keeps its word's first two (Porter rewrites from the third byte on); for
    /// shorter ones every word is copied (`copiesAllWords`).
    let innerPrefixes: [UInt64]
    let copiesAllWords: Bool

    /// Groups of synonyms; the first member of each is its canonical term and should be a
    /// single word.
    public init(_ groups: [[String]]) {
        // Members are read as documents are, so stop words inside a phrase ("single sign
        // on") drop out on both sides.
        let plain = Analyzer(synonyms: .none, stopWords: .english)
        var canonical: [[UInt8]] = []
        var byLastWord: [[UInt8]: [Phrase]] = [:]
        var lastWords = TermInterner()
        var phrasesOfLastWord: [[Phrase]] = []
        var innerPrefixes = [UInt64](repeating: 0, count: 1024)
        var copiesAllWords = false
        var longest = 1
        for (index, group) in groups.enumerated() {
            var first: [UInt8]?
            for (memberIndex, member) in group.enumerated() {
                var words = plain.terms(of: member).filter { $0.role == .word }.map(\.bytes)
                if memberIndex == 0 { first = words.joined(separator: [UInt8(ascii: "-")]).map { $0 } }
                for i in words.indices { Stemming.stem(&words[i]) }
                guard let last = words.last else { continue }
                longest = max(longest, words.count)
                let phrase = Phrase(words: words, group: index, isCanonical: memberIndex == 0)
                byLastWord[last, default: []].append(phrase)
                let (id, isNew) = last.withUnsafeBufferPointer { lastWords.intern($0) }
                if isNew { phrasesOfLastWord.append([]) }
                phrasesOfLastWord[Int(id)].append(phrase)
                for inner in words.dropLast() {
                    if inner.count < 3 { copiesAllWords = true }
                    let key = inner.withUnsafeBufferPointer { Self.prefixKey($0) }
                    innerPrefixes[key >> 6] |= 1 << UInt64(key & 63)
                }
            }
            canonical.append(first ?? [])
        }
        self.canonical = canonical
        self.byLastWord = byLastWord
        self.lastWords = lastWords
        self.phrasesOfLastWord = phrasesOfLastWord
        self.longest = longest
        var prefixes = [UInt64](repeating: 0, count: 1024)
        for stem in byLastWord.keys {
            let key = stem.withUnsafeBufferPointer { Self.prefixKey($0) }
            prefixes[key >> 6] |= 1 << UInt64(key & 63)
        }
        twoBytePrefixes = prefixes
        self.innerPrefixes = innerPrefixes
        self.copiesAllWords = copiesAllWords
    }

    @inline(__always)
    static func prefixKey(_ word: UnsafeBufferPointer<UInt8>) -> Int {
        Int(word.first ?? 0) << 8 | Int(word.count > 1 ? word[1] : 0)
    }

    @inline(__always)
    private static func contains(_ bitmap: [UInt64], _ key: Int) -> Bool {
        bitmap[key >> 6] & (1 << UInt64(key & 63)) != 0
    }

    private init(empty: Void) {
        canonical = []
        byLastWord = [:]
        lastWords = TermInterner()
        phrasesOfLastWord = []
        longest = 0
        twoBytePrefixes = []
        innerPrefixes = []
        copiesAllWords = false
    }

    /// No synonyms.
    public static let none = Synonyms(empty: ())

    /// Common product vocabulary.
    public static let `default` = Synonyms([
        ["sso", "single sign-on", "single sign on", "single signon"],
        ["mfa", "2fa", "multi-factor authentication", "two-factor authentication", "multi factor authentication", "two factor authentication"],
        ["repository", "repo"],
        ["kubernetes", "k8s"],
        ["database", "db"],
        ["configuration", "config"],
        ["organization", "org", "organisation"],
        ["administrator", "admin"],
        ["permission", "perms"],
        ["pull request", "pr"],
        ["ui", "user interface"],
        ["api", "application programming interface"],
    ])

    /// The groups in a fixed order (for fingerprints): canonical term and member stems.
    var fingerprintMaterial: [([UInt8], [[UInt8]])] {
        canonical.enumerated().map { index, term in
            let members = byLastWord.values.flatMap { $0 }.filter { $0.group == index }.map { $0.words.joined(separator: [0]).map { $0 } }
            return (term, members.sorted { $0.lexicographicallyPrecedes($1) })
        }
    }

    /// Notes `word` as the latest word and emits the canonical term of every group one of
    /// whose members ends here. Stop words never reach it, so phrases skip them as the
    /// analyzer does.
    func inject(
        after word: UnsafeBufferPointer<UInt8>, recent: inout RecentWords, position: Int,
        _ emit: (_ term: UnsafeBufferPointer<UInt8>, _ position: Int, _ role: Analyzer.Role) -> Void
    ) {
        guard longest > 0 else { return }
        let key = Self.prefixKey(word)
        // `recent` keeps the last words as written; they are stemmed only for a candidate.
        if longest > 1 { recent.push(word, keeping: longest, copy: copiesAllWords || Self.contains(innerPrefixes, key)) }
        guard Self.contains(twoBytePrefixes, key) else { return }
        guard let id = recent.lastWordID(of: word, { lastWords.find($0) }) else { return }
        let phrases = phrasesOfLastWord[Int(id)]
        var emitted: [Int] = []
        for phrase in phrases where !phrase.isCanonical && !emitted.contains(phrase.group) {
            let count = phrase.words.count
            if count > 1 {
                guard recent.count >= count else { continue }
                var matches = true
                for offset in 1..<count {
                    // A word not kept cannot be this one.
                    guard let earlier = recent.word(back: offset), Stemming.stem(of: earlier) == phrase.words[count - 1 - offset]
                    else {
                        matches = false
                        break
                    }
                }
                guard matches else { continue }
            }
            emitted.append(phrase.group)
            canonical[phrase.group].withUnsafeBufferPointer { emit($0, position, .synonym) }
        }
    }
}

/// The last few words of a text, in reused buffers (no allocation per word once warm), and
/// the phrase-ending stems of words seen before.
struct RecentWords {
    /// Up to `capacity` words of at most ``Analyzer/maxTermBytes`` bytes each, a ring.
    private var bytes: [UInt8] = []
    /// The length of each word in `bytes`, or -1 if it was not copied: only words that may be
    /// inside a phrase are.
    private var lengths: [Int] = []
    private var next = 0
    private(set) var count = 0
    /// A reusable buffer for the latest word's stem.
    private var stem: [UInt8] = []
    /// When kept (``init(remembersStems:)``): words already looked up, and what they ended
    /// (a `lastWords` id, or `UInt32.max` for none). Stemming a word costs far more than
    /// finding it again, and an index adding documents sees the same words over and over.
    private var lookedUpWords: TermInterner?
    private var lookedUpResults: [UInt32] = []
    /// Bounds the memory of a long-lived analysis: past this many words, start over.
    private let maximumLookedUpWords: Int

    /// Keeps a memo of stem lookups when `remembersStems` (for analyses of many texts), of at
    /// most `memoLimit` words before it starts over.
    init(remembersStems: Bool = false, memoLimit: Int = 1 << 16) {
        if remembersStems { lookedUpWords = TermInterner() }
        maximumLookedUpWords = memoLimit
    }

    mutating func removeAll() {
        count = 0
        next = 0
    }

    /// Adds `word`, keeping at most `capacity` words; its bytes only if `copy`.
    @inline(__always)
    mutating func push(_ word: UnsafeBufferPointer<UInt8>, keeping capacity: Int, copy: Bool) {
        if lengths.count < capacity {
            lengths.append(-1)
            bytes.append(contentsOf: repeatElement(0, count: Analyzer.maxTermBytes))
        }
        let slot = next == lengths.count ? 0 : next
        if copy, let source = word.baseAddress {
            let length = min(word.count, Analyzer.maxTermBytes)
            bytes.withUnsafeMutableBufferPointer { bytes in
                (bytes.baseAddress! + slot * Analyzer.maxTermBytes).update(from: source, count: length)
            }
            lengths[slot] = length
        } else {
            lengths[slot] = -1
        }
        next = slot + 1
        count = min(count + 1, lengths.count)
    }

    /// The word `offset` places before the latest (0 is the latest), or nil if it was not
    /// copied.
    func word(back offset: Int) -> [UInt8]? {
        let n = lengths.count
        let slot = ((next - 1 - offset) % n + n) % n
        guard lengths[slot] >= 0 else { return nil }
        let start = slot * Analyzer.maxTermBytes
        return Array(bytes[start..<start + lengths[slot]])
    }

    /// `find` applied to the stem of `word` (remembered per word when a memo is kept).
    @inline(__always)
    mutating func lastWordID(of word: UnsafeBufferPointer<UInt8>, _ find: (UnsafeBufferPointer<UInt8>) -> UInt32?) -> UInt32? {
        guard lookedUpWords != nil else { return stemAndFind(word, find) }
        let (id, isNew) = lookedUpWords!.intern(word)
        if isNew {
            lookedUpResults.append(stemAndFind(word, find) ?? UInt32.max)
            if lookedUpResults.count > maximumLookedUpWords {
                let result = lookedUpResults[Int(id)]
                lookedUpWords = TermInterner()
                lookedUpResults.removeAll(keepingCapacity: true)
                return result == UInt32.max ? nil : result
            }
        }
        let result = lookedUpResults[Int(id)]
        return result == UInt32.max ? nil : result
    }

    private mutating func stemAndFind(_ word: UnsafeBufferPointer<UInt8>, _ find: (UnsafeBufferPointer<UInt8>) -> UInt32?) -> UInt32? {
        stem.removeAll(keepingCapacity: true)
        stem.append(contentsOf: word)
        Stemming.stem(&stem)
        return stem.withUnsafeBufferPointer { find($0) }
    }
}
