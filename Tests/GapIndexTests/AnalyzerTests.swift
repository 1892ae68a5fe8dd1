import Testing

@testable import GapIndex

/// The analyzer's rules (see the doc comment of ``Analyzer``), one at a time, plus robustness
/// against arbitrary bytes.
@Suite("Analyzer")
struct AnalyzerTests {
    let analyzer = Analyzer()

    /// All term texts of `text`, in order.
    func texts(_ text: String) -> [String] { analyzer.terms(of: text).map(\.text) }

    /// The terms of `text` with the given role.
    func texts(_ text: String, role: Analyzer.Role) -> [String] {
        analyzer.terms(of: text).filter { $0.role == role }.map(\.text)
    }

    // MARK: - Folding

    @Test func asciiIsLowercased() {
        #expect(texts("Export FAILS Quickly") == ["export", "fails", "quickly"])
    }

    @Test(arguments: [
        ("Café", "cafe"), ("Straße", "strasse"), ("Ørsted", "orsted"), ("ÉCOLE", "ecole"),
        ("naïve", "naive"), ("Łódź", "lodz"), ("ÆSIR", "aesir"),
    ])
    func diacriticsAreFolded(input: String, expected: String) {
        #expect(texts(input) == [expected])
    }

    @Test func decomposedCombiningMarksAreDropped() {
        // "e" followed by U+0301 COMBINING ACUTE ACCENT folds like the precomposed "é".
        #expect(texts("Cafe\u{301}") == ["cafe"])
    }

    @Test func nonLatinLettersAreLowercasedAndKept() {
        #expect(texts("ΣΟΦΙΑ москва") == ["σοφια", "москва"])
    }

    // MARK: - Identifiers and compound words

    @Test func camelCaseIsIndexedWholeAndInParts() {
        let terms = analyzer.terms(of: "getHTTPResponse")
        #expect(terms.map(\.text) == ["gethttpresponse", "get", "http", "response"])
        #expect(terms.map(\.role) == [.word, .part, .part, .part])
        #expect(terms.allSatisfy { $0.position == 0 })
    }

    @Test func issueKeyIsIndexedWholeAndInParts() {
        #expect(texts("HDFS-1234") == ["hdfs-1234", "hdfs", "1234"])
    }

    @Test func dottedIdentifier() {
        #expect(texts("org.apache.hadoop", role: .word) == ["org.apache.hadoop"])
        #expect(texts("org.apache.hadoop", role: .part) == ["org", "apache", "hadoop"])
    }

    @Test func snakeCaseAndPaths() {
        #expect(texts("snake_case_name") == ["snake_case_name", "snake", "case", "name"])
        #expect(texts("src/main/java") == ["src/main/java", "src", "main", "java"])
    }

    @Test func lettersAndDigits() {
        #expect(texts("oauth2") == ["oauth2", "oauth"])
        #expect(texts("SAML2") == ["saml2", "saml"])
        // Parts of one letter and lone digits are dropped: k8s stays whole (plus its synonym).
        #expect(texts("k8s", role: .word) == ["k8s"])
        #expect(texts("k8s", role: .part).isEmpty)
        #expect(texts("k8s", role: .synonym) == ["kubernetes"])
    }

    @Test func connectorsOnlyJoinWordCharacters() {
        // A trailing period ends a sentence; it is not part of the word.
        #expect(texts("It is done.") == ["done"])
        #expect(texts("done. next") == ["done", "next"])
        // A double connector or a connector before a space splits.
        #expect(texts("a--b foo- bar") == ["foo", "bar"])
        #expect(texts("foo..bar") == ["foo", "bar"])
    }

    // MARK: - Stop words, contractions, possessives

    @Test func stopWordsAreDroppedButKeepTheirPosition() {
        let terms = analyzer.terms(of: "the export and the import")
        #expect(terms.map(\.text) == ["export", "import"])
        #expect(terms.map(\.position) == [1, 4])
        var count = 0
        let length = analyzer.analyze("the export and the import") { _, _, _ in count += 1 }
        #expect(length == 5, "the field length counts every word, stop words included")
        #expect(count == 2)
    }

    @Test func stopWordsInsideIdentifiersAreKept() {
        #expect(texts("the-end") == ["the-end", "end"])
    }

    @Test func possessivesAndContractions() {
        #expect(texts("customer's") == ["customer"])
        #expect(texts("Customer's data") == ["customer", "data"])
        #expect(texts("don't") == ["dont"])
        #expect(texts("won’t") == ["wont"], "a typographic apostrophe works too")
        #expect(texts("customers' data") == ["customers", "data"])
    }

    // MARK: - Synonyms

    @Test func phraseSynonymAddsCanonicalTerm() {
        let terms = analyzer.terms(of: "single sign-on login")
        #expect(terms.contains { $0.text == "sso" && $0.role == .synonym })
        let sso = try! #require(terms.first { $0.text == "sso" })
        let on = try! #require(terms.first { $0.text == "sign-on" })
        #expect(sso.position == on.position, "a synonym sits at the position of the phrase's last word")
        // The canonical member itself is not duplicated.
        #expect(texts("sso").filter { $0 == "sso" }.count == 1)
    }

    @Test func pluralMemberAddsCanonicalTerm() {
        let terms = analyzer.terms(of: "repos")
        #expect(terms.map(\.text) == ["repos", "repository"])
        #expect(terms.map(\.role) == [.word, .synonym])
    }

    /// Stop words are invisible to synonym phrases, as they are to search: "single sign on"
    /// matches without its "on", and a stop word between phrase words does not break it.
    @Test func synonymPhrasesSkipStopWords() {
        #expect(texts("single and sign-on").contains("sso"))
        #expect(!texts("single user sign-on").contains("sso"))
    }

    /// `Synonyms.default` lists "single sign on" (three words) as a member of the `sso`
    /// group, but its last word "on" is an English stop word: the document analyzer skips it
    /// (recording a gap), so the phrase can never be matched.
    @Test func phraseSynonymEndingInAStopWord() {
        #expect(texts("single sign on").contains("sso"))
    }

    // MARK: - Limits

    @Test func overlongWordsAreDropped() {
        let fortyEight = String(repeating: "a", count: 48)
        let fortyNine = String(repeating: "b", count: 49)
        #expect(texts("\(fortyEight) \(fortyNine) ok") == [fortyEight, "ok"])
    }

    @Test func singleLettersAreDropped() {
        #expect(texts("x y zz") == ["zz"])
    }

    @Test func analysisIsDeterministic() {
        let text = "getHTTPResponse fails for HDFS-1234 in org.apache.hadoop; Café's single sign-on (SSO) repos"
        let first = analyzer.terms(of: text)
        for _ in 0..<5 { #expect(analyzer.terms(of: text) == first) }
        #expect(Analyzer().terms(of: text) == first)
        #expect(Analyzer().fingerprint == analyzer.fingerprint)
        #expect(Analyzer(stopWords: .none).fingerprint != analyzer.fingerprint)
    }

    // MARK: - Arbitrary bytes

    /// Pieces random texts are made of: ASCII words and punctuation, valid multi-byte
    /// letters, and invalid UTF-8 (lone continuation bytes, truncated sequences, overlong
    /// encodings, encoded surrogates, bytes that never occur in UTF-8).
    static let pieces: [[UInt8]] = [
        Array("abc".utf8), Array("Word".utf8), Array("HTTP".utf8), Array("x9".utf8), Array("s".utf8),
        [0x20], [0x2E], [0x5F], [0x2D], [0x2F], [0x27], [0x0A], [0x00],
        Array("é".utf8), Array("É".utf8), Array("ß".utf8), Array("Д".utf8), Array("ж".utf8), Array("Σ".utf8),
        Array("中".utf8), Array("😀".utf8), Array("’".utf8), Array("\u{301}".utf8), Array("٣".utf8),
        [0x80], [0xBF], [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xC0, 0xAF], [0xE0, 0x80, 0xAF],
        [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF8], [0xFF], [0xFE],
    ]

    static func randomBytes(_ rng: inout SplitMix64) -> [UInt8] {
        var bytes: [UInt8] = []
        let pieces = Int.random(in: 0...24, using: &rng)
        for _ in 0..<pieces {
            if Int.random(in: 0..<4, using: &rng) == 0 {
                bytes.append(UInt8.random(in: 0...255, using: &rng))
            } else {
                bytes += Self.pieces.randomElement(using: &rng)!
            }
        }
        return bytes
    }

    /// Runs the byte-level analysis on `bytes` (not repaired into valid UTF-8 first).
    func analyzeRaw(_ bytes: [UInt8]) -> (terms: [(bytes: [UInt8], position: Int, role: Analyzer.Role)], length: Int) {
        var scratch = Analyzer.Scratch()
        var terms: [(bytes: [UInt8], position: Int, role: Analyzer.Role)] = []
        let length = bytes.withUnsafeBufferPointer { buffer in
            analyzer.analyze(buffer, &scratch) { term, position, role in terms.append((Array(term), position, role)) }
        }
        return (terms, length)
    }

    /// What every analysis must satisfy, whatever its input: a description of the first
    /// violation, or nil.
    func violation(_ terms: [(bytes: [UInt8], position: Int, role: Analyzer.Role)], length: Int) -> String? {
        var previous = 0
        for term in terms {
            if String(validating: term.bytes, as: UTF8.self) == nil { return "invalid UTF-8 term \(term.bytes)" }
            if term.bytes.isEmpty || term.bytes.count > Analyzer.maxTermBytes { return "term of \(term.bytes.count) bytes" }
            if term.position < previous || term.position >= max(length, 1) { return "position \(term.position) out of order" }
            previous = term.position
        }
        return nil
    }

    @Test func invalidUTF8IsSkippedWithoutCrashing() {
        // Each invalid sequence splits words like a space; the valid letters around survive.
        let cases: [([UInt8], [String])] = [
            ([0x61, 0x62, 0x80, 0x63, 0x64], ["ab", "cd"]),  // lone continuation byte
            ([0x61, 0x62, 0xE2, 0x82, 0x20, 0x63, 0x64], ["ab", "cd"]),  // truncated 3-byte sequence
            ([0x61, 0x62, 0xC0, 0xAF, 0x63, 0x64], ["ab", "cd"]),  // overlong "/"
            ([0x61, 0x62, 0xE0, 0x80, 0xAF, 0x63, 0x64], ["ab", "cd"]),  // overlong 3-byte "/"
            ([0x61, 0x62, 0xED, 0xA0, 0x80, 0x63, 0x64], ["ab", "cd"]),  // encoded surrogate
            ([0x61, 0x62, 0xF4, 0x90, 0x80, 0x80, 0x63, 0x64], ["ab", "cd"]),  // beyond U+10FFFF
            ([0x61, 0x62, 0xFF], ["ab"]),
            ([0xE2, 0x82], []),  // truncated at the end
            ([0x61, 0x62, 0x2E, 0x80], ["ab"]),  // connector before an invalid byte
            ([0x61, 0x62, 0x27, 0xC3], ["ab"]),  // apostrophe before a truncated sequence
        ]
        for (bytes, expected) in cases {
            let (terms, length) = analyzeRaw(bytes)
            #expect(terms.map { $0.bytes.text } == expected, "input \(bytes)")
            #expect(violation(terms, length: length) == nil, "input \(bytes)")
        }
    }

    /// Thousands of seeded random byte strings (valid and invalid UTF-8 mixed). Today this
    /// finds invalid UTF-8 *parts* cut inside an uppercase non-Latin letter (see
    /// `partsNeverSplitAMultiByteLetter`); nothing else.
    @Test func randomBytesNeverCrashAndYieldValidTerms() {
        var rng = SplitMix64(seed: 0xA11A_1E5E)
        var failures: [String] = []
        for _ in 0..<4000 {
            let bytes = Self.randomBytes(&rng)
            // Through the byte-level entry point, invalid sequences and all.
            let (terms, length) = analyzeRaw(bytes)
            if let problem = violation(terms, length: length) { failures.append("\(problem) from raw \(bytes)") }
            // Through a String (invalid sequences become U+FFFD): the same invariants, and the
            // same terms as the byte-level analysis of the repaired bytes.
            let string = String(decoding: bytes, as: UTF8.self)
            let fromString = analyzer.terms(of: string)
            let repaired = analyzeRaw(Array(string.utf8))
            if let problem = violation(repaired.terms, length: repaired.length) { failures.append("\(problem) from \(string.debugDescription)") }
            if fromString.map(\.bytes) != repaired.terms.map(\.bytes) { failures.append("String and byte analysis differ for \(bytes)") }
            // Deterministic.
            if analyzer.terms(of: string) != fromString { failures.append("nondeterministic for \(bytes)") }
        }
        if !failures.isEmpty { Issue.record("\(failures.count) violations; first: \(failures.prefix(3).joined(separator: "; "))") }
    }

    /// An uppercase letter whose folded form takes several bytes (Cyrillic, Greek), followed
    /// by a lowercase letter, must not be split between its bytes when parts are cut.
    ///
    /// Today `Analyzer.analyze` gives every byte of a folded scalar the scalar's class, so
    /// `isBoundary`'s upper→upper-followed-by-lower rule (meant for `HTTPResponse`) fires
    /// between the two bytes of `д` in `Дa`, emitting the part `[0xB4, 0x61]`.
    @Test func partsNeverSplitAMultiByteLetter() {
        for text in ["Дa", "XДa", "iOSДriver", "ΣxΣy"] {
            let terms = analyzer.terms(of: text)
            for term in terms {
                #expect(String(validating: term.bytes, as: UTF8.self) != nil, "\(text): invalid UTF-8 term \(term.bytes)")
            }
        }
    }

    /// A non-ASCII uppercase letter that folds to several ASCII letters is still one letter:
    /// `Æther` is not the acronym `A` followed by the word `ether`.
    @Test func foldedUppercaseLetterIsOneLetter() {
        #expect(texts("Æther") == ["aether"])
    }
}
