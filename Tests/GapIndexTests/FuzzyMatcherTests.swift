import PropertyBased
import Testing

@testable import GapIndex

/// ``FuzzyMatcher`` against brute force over the whole dictionary.
///
/// The matcher's edit cost, derived from its implementation: it walks the sorted terms as a
/// trie carrying optimal-string-alignment (OSA) rows, and a child at depth 0 whose byte differs
/// from the word's first byte gets one less edit of budget. So a term `t` matches a word `w`
/// with `maxEdits` exactly when
///
///     cost(w, t) = OSA(w, t) + (t[0] != w[0] ? 1 : 0) ≤ maxEdits
///
/// and the reported distance is `cost(w, t)`: any edit touching the first letter costs two.
/// In prefix mode the term matches when some prefix `p` of it (the empty one included, whose
/// cost is |w| with no first-letter surcharge) has `cost(w, p) ≤ maxEdits`.
@Suite("FuzzyMatcher")
struct FuzzyMatcherTests {
    /// The matcher's edit cost (see the suite's documentation).
    static func cost(_ word: [UInt8], _ term: [UInt8]) -> Int {
        optimalStringAlignmentDistance(word, term) + (term.first != word.first && !term.isEmpty ? 1 : 0)
    }

    /// The best cost of any prefix of `term`, the empty prefix included.
    static func bestPrefixCost(_ word: [UInt8], _ term: [UInt8]) -> Int {
        (0...term.count).map { cost(word, Array(term[..<$0])) }.min()!
    }

    // MARK: - The reference distance

    @Test func optimalStringAlignmentReference() {
        func d(_ a: String, _ b: String) -> Int { optimalStringAlignmentDistance(Array(a.utf8), Array(b.utf8)) }
        #expect(d("form", "from") == 1, "an adjacent transposition counts one")
        #expect(d("search", "serch") == 1)
        #expect(d("kitten", "sitting") == 3)
        #expect(d("ca", "abc") == 3, "OSA never edits a transposed pair again (Damerau–Levenshtein would say 2)")
        #expect(d("", "abc") == 3)
        #expect(d("abc", "") == 3)
        #expect(d("same", "same") == 0)
        #expect(d("abcd", "badc") == 2)
    }

    @Test func optimalStringAlignmentIsASymmetricDistance() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<500 {
            let a = (0..<Int.random(in: 0...6, using: &rng)).map { _ in UInt8.random(in: 97...99, using: &rng) }
            let b = (0..<Int.random(in: 0...6, using: &rng)).map { _ in UInt8.random(in: 97...99, using: &rng) }
            let distance = optimalStringAlignmentDistance(a, b)
            #expect(distance == optimalStringAlignmentDistance(b, a))
            #expect((distance == 0) == (a == b))
            #expect(distance >= abs(a.count - b.count) && distance <= max(a.count, b.count))
        }
    }

    // MARK: - Examples

    @Test func oneTypoExamples() {
        let list = ArrayTermList(strings: ["search", "serch", "saerch", "searchs", "aearch", "esarch", "seerch", "sea", "zzz"])
        let matches = FuzzyMatcher(word: Array("search".utf8), maxEdits: 1, prefix: false).matches(in: list)
        let found = Dictionary(uniqueKeysWithValues: matches.map { (list.terms[$0.term].text, $0.distance) })
        #expect(found == ["search": 0, "serch": 1, "saerch": 1, "searchs": 1, "seerch": 1])
        // A first-letter substitution or a transposition involving the first letter costs two.
        let two = FuzzyMatcher(word: Array("search".utf8), maxEdits: 2, prefix: false).matches(in: list)
        let foundTwo = Dictionary(uniqueKeysWithValues: two.map { (list.terms[$0.term].text, $0.distance) })
        #expect(foundTwo["aearch"] == 2)
        #expect(foundTwo["esarch"] == 2)
        #expect(foundTwo["sea"] == nil)
    }

    @Test func exactPrefixCompletions() {
        let list = ArrayTermList(strings: ["gro", "group", "groups", "grow", "gr", "grape", "agro"])
        let matches = FuzzyMatcher(word: Array("gro".utf8), maxEdits: 0, prefix: true).matches(in: list)
        #expect(Set(matches.map { list.terms[$0.term].text }) == ["gro", "group", "groups", "grow"])
        #expect(matches.allSatisfy { $0.distance == 0 })
        #expect(matches.filter { !$0.isPrefix }.map { list.terms[$0.term].text } == ["gro"])
    }

    @Test func limitIsRespected() {
        let list = ArrayTermList(strings: ["group", "groups", "grow", "grown", "growth"])
        let matches = FuzzyMatcher(word: Array("gro".utf8), maxEdits: 0, prefix: true).matches(in: list, limit: 2)
        #expect(matches.count == 2)
        #expect(FuzzyMatcher(word: Array("grow".utf8), maxEdits: 1, prefix: false).matches(in: list, limit: 0).isEmpty)
    }

    @Test func emptyDictionaryAndEmptyWord() {
        let empty = ArrayTermList(strings: [])
        #expect(FuzzyMatcher(word: Array("abc".utf8), maxEdits: 2, prefix: true).matches(in: empty).isEmpty)
        let list = ArrayTermList(strings: ["ab", "cd"])
        #expect(FuzzyMatcher(word: [], maxEdits: 1, prefix: false).matches(in: list).isEmpty)
        #expect(FuzzyMatcher(word: [], maxEdits: 0, prefix: true).matches(in: list).count == 2)
    }

    /// A prefix match reports the edits of the *best* prefix of the term (``FuzzyMatch``'s
    /// documentation): `permission` starts with `permi` exactly, so its distance is 0. The walk
    /// stops at the first trie node within budget instead (`perm`, one deletion away) and
    /// reports 1 for every completion below it, so as-you-type completions of words of 5+
    /// letters are weighted as one-typo matches.
    @Test func prefixDistanceIsThatOfTheBestPrefix() {
        let list = ArrayTermList(strings: ["permission", "permit", "perm"])
        let matches = FuzzyMatcher(word: Array("permi".utf8), maxEdits: 1, prefix: true).matches(in: list)
        let found = Dictionary(uniqueKeysWithValues: matches.map { (list.terms[$0.term].text, $0.distance) })
        #expect(found == ["permission": 0, "permit": 0, "perm": 1])
    }

    // MARK: - Against brute force

    /// Words over a four-letter alphabet, so that dictionaries are dense in near neighbours.
    static let word = Gen.uint8(in: 97...100).array(of: 1...6)

    @Test func matchesEqualBruteForce() async {
        await propertyCheck(count: 400, input: Self.word.array(of: 0...60), Self.word, Gen.int(in: 0...2)) { words, query, maxEdits in
            let list = ArrayTermList(words)
            let matches = FuzzyMatcher(word: query, maxEdits: maxEdits, prefix: false).matches(in: list)
            let expected = list.terms.filter { Self.cost(query, $0) <= maxEdits }
            let found = matches.map { list.terms[$0.term] }
            #expect(Set(found) == Set(expected), "word \(query.text), maxEdits \(maxEdits), dictionary \(list.terms.map(\.text))")
            #expect(found.count == Set(found).count, "a term reported twice")
            for match in matches {
                let term = list.terms[match.term]
                #expect(match.distance == Self.cost(query, term), "\(query.text) → \(term.text)")
                #expect(!match.isPrefix)
            }
        }
    }

    @Test func prefixMatchesEqualBruteForce() async {
        await propertyCheck(count: 400, input: Self.word.array(of: 0...60), Self.word, Gen.int(in: 0...2)) { words, query, maxEdits in
            let list = ArrayTermList(words)
            let matches = FuzzyMatcher(word: query, maxEdits: maxEdits, prefix: true).matches(in: list)
            let expected = list.terms.filter { Self.bestPrefixCost(query, $0) <= maxEdits }
            let found = matches.map { list.terms[$0.term] }
            #expect(Set(found) == Set(expected), "word \(query.text), maxEdits \(maxEdits), dictionary \(list.terms.map(\.text))")
            #expect(found.count == Set(found).count, "a term reported twice")
            for match in matches {
                let term = list.terms[match.term]
                // Within budget, and no better than the best prefix (see
                // prefixDistanceIsThatOfTheBestPrefix for the exact value).
                #expect(match.distance <= maxEdits && match.distance >= Self.bestPrefixCost(query, term))
                if !match.isPrefix { #expect(match.distance == Self.cost(query, term)) }
                if maxEdits == 0 {
                    #expect(term.starts(with: query) && match.distance == 0 && match.isPrefix == (term != query))
                }
            }
        }
    }

    /// Words of up to twelve bytes (past the eight a key holds) over an alphabet with a zero
    /// byte (which a key cannot tell from padding).
    static let keyedWord = Gen.uint8(in: 0...3).map { $0 == 3 ? UInt8(0) : 97 + $0 }.array(of: 0...12)

    /// A dictionary read through its packed prefixes answers exactly as the bare one: the same
    /// matches, in the same order, and the same lookups.
    @Test func keyedListsAnswerAsTheBareList() async {
        await propertyCheck(count: 300, input: Self.keyedWord.array(of: 0...80), Self.keyedWord, Gen.int(in: 0...2)) {
            words, query, maxEdits in
            let list = ArrayTermList(words)
            withKeyedList(list) { keyed in
                for prefix in [false, true] {
                    let matcher = FuzzyMatcher(word: query, maxEdits: maxEdits, prefix: prefix)
                    #expect(matcher.matches(in: keyed) == matcher.matches(in: list), "word \(query), prefix \(prefix), dictionary \(list.terms)")
                }
                for (index, term) in list.terms.enumerated() {
                    #expect(term.withUnsafeBufferPointer { keyed.index(of: $0) } == index, "\(term)")
                    for depth in 0...term.count { #expect(keyed.byte(index, at: depth) == (depth < term.count ? Int(term[depth]) : -1)) }
                }
                #expect(query.withUnsafeBufferPointer { keyed.index(of: $0) } == list.terms.firstIndex(of: query))
            }
        }
    }

    @Test func limitedMatchesAreASubset() async {
        await propertyCheck(count: 200, input: Self.word.array(of: 0...60), Self.word, Gen.int(in: 0...2), Gen.int(in: 0...8)) {
            words, query, maxEdits, limit in
            let list = ArrayTermList(words)
            for prefix in [false, true] {
                let matcher = FuzzyMatcher(word: query, maxEdits: maxEdits, prefix: prefix)
                let all = matcher.matches(in: list)
                let limited = matcher.matches(in: list, limit: limit)
                #expect(limited.count == min(limit, all.count))
                #expect(Set(limited.map(\.term)).isSubset(of: Set(all.map(\.term))))
            }
        }
    }

    /// The same property over a segment's dictionary (real analyzed terms, a larger alphabet).
    @Test func segmentDictionaryMatchesBruteForce() throws {
        var rng = SplitMix64(seed: 42)
        let letters = Array("abcdefghij".utf8)
        func randomWord() -> String {
            String(decoding: (0..<Int.random(in: 2...9, using: &rng)).map { _ in letters.randomElement(using: &rng)! }, as: UTF8.self)
        }
        let documents = (1...60).map { id in
            doc(UInt64(id), (0..<4).map { _ in randomWord() }.joined(separator: " "), (0..<8).map { _ in randomWord() }.joined(separator: " "))
        }
        try withSegment(documents) { segment, _ in
            let terms = (0..<segment.termCount).map { Array(segment.term($0)) }
            #expect(terms == terms.sorted { $0.lexicographicallyPrecedes($1) })
            // The segment's terms as the planner reads them.
            let prefixes = PackedPrefixes(segment.terms)
            let keyed = KeyedTermList(segment.terms, prefixes)
            var failures: [String] = []
            for _ in 0..<300 {
                let query = Array((Bool.random(using: &rng) ? terms.randomElement(using: &rng)!.text : randomWord()).utf8)
                let maxEdits = Int.random(in: 0...2, using: &rng)
                let found = FuzzyMatcher(word: query, maxEdits: maxEdits, prefix: false).matches(in: keyed)
                let expected = terms.filter { Self.cost(query, $0) <= maxEdits }
                if Set(found.map { terms[$0.term] }) != Set(expected) {
                    failures.append("\(query.text) (\(maxEdits)): \(found.map { terms[$0.term].text }.sorted()) vs \(expected.map(\.text).sorted())")
                }
                for match in found where match.distance != Self.cost(query, terms[match.term]) {
                    failures.append("\(query.text) → \(terms[match.term].text): distance \(match.distance)")
                }
            }
            if !failures.isEmpty { Issue.record("\(failures.count) mismatches; first: \(failures.prefix(3).joined(separator: "; "))") }
        }
    }
}
