import Testing

@testable import GapIndex

/// The pieces the index build leans on, checked against plain reference implementations:
/// the term dictionary, the stop-word table, the analyzer's fixed word buffer and the
/// document hash stored in segments.
@Suite("Build path")
struct BuildPathTests {
    // MARK: - TermInterner

    /// Dense ids in insertion order, found again after the table has grown many times.
    @Test func internerAssignsDenseIdsAndFindsEveryTerm() {
        var rng = SplitMix64(seed: 0x7E2A)
        var interner = TermInterner()
        var model: [[UInt8]: UInt32] = [:]
        var order: [[UInt8]] = []
        for _ in 0..<20_000 {
            // Lengths 0–24 cover the hash's 8-byte rounds and every tail length.
            let term = (0..<Int.random(in: 0...24, using: &rng)).map { _ in UInt8.random(in: 97...100, using: &rng) }
            let (id, isNew) = term.withUnsafeBufferPointer { interner.intern($0) }
            if let known = model[term] {
                #expect(id == known && !isNew)
            } else {
                #expect(id == UInt32(order.count) && isNew)
                model[term] = id
                order.append(term)
            }
        }
        #expect(interner.count == order.count)
        for (id, term) in order.enumerated() {
            #expect(Array(interner.bytes(of: UInt32(id))) == term)
            #expect(term.withUnsafeBufferPointer { interner.find($0) } == UInt32(id))
        }
        let absent: [UInt8] = Array("zzzz".utf8)
        #expect(absent.withUnsafeBufferPointer { interner.find($0) } == nil)
    }

    /// Sorting ids by their terms' first eight bytes, then the rest on a tie, gives plain
    /// bytewise order: zero bytes, shared 8-byte prefixes, prefixes of one another.
    @Test func sortedBytewiseMatchesLexicographicOrder() {
        var rng = SplitMix64(seed: 0x50_7B17)
        var interner = TermInterner()
        let stems: [[UInt8]] = [[], Array("configur".utf8), Array("abc".utf8), [0, 0], [0xFF]]
        for _ in 0..<5_000 {
            var term = stems[Int.random(in: 0..<stems.count, using: &rng)]
            term += (0..<Int.random(in: 0...12, using: &rng)).map { _ in [0, 1, 97, 98, 0xFF][Int.random(in: 0..<5, using: &rng)] }
            _ = term.withUnsafeBufferPointer { interner.intern($0) }
        }
        let ids = (0..<UInt32(interner.count)).shuffled(using: &rng)
        let expected = ids.sorted { interner.bytes(of: $0).lexicographicallyPrecedes(interner.bytes(of: $1)) }
        #expect(interner.sortedBytewise(ids) == expected)
        #expect(interner.sortedBytewise([]) == [])
    }

    // MARK: - Bulk build

    /// A segment written from the bulk build's flat postings is byte for byte the one written
    /// from the live delta's per-term postings (apart from the random nonce), with documents
    /// replaced and removed along the way.
    @Test(arguments: [1, 2, 3])
    func bulkAndDeltaIndexesWriteTheSameSegment(_ seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let words = [
            "export", "exports", "exporting", "csv", "single", "sign", "on", "sso", "two", "factor", "authentication",
            "repo", "repository", "getHTTPResponse", "HDFS-1234", "oauth2", "Café", "Straße", "the", "a", "k8s",
            "user", "interface", "dashboard", "dashboards", "timeout", "org.apache.hadoop", "don't", "team's",
        ]
        func text(_ count: Int) -> String {
            (0..<count).map { _ in words[Int.random(in: 0..<words.count, using: &rng)] }.joined(separator: " ")
        }
        let analyzer = Analyzer()
        var bulk = BulkIndex(analyzer: analyzer)
        var delta = DeltaIndex(analyzer: analyzer)
        var id: UInt64 = 0
        for _ in 0..<400 {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0:
                // The same id again replaces the document.
                break
            case 1:
                let removed = UInt64.random(in: 0...id, using: &rng)
                bulk.remove(id: removed)
                delta.remove(id: removed)
                continue
            default:
                id += 1
            }
            // Sometimes a word more than 255 times (frequencies are capped).
            let repeats = Int.random(in: 0..<20, using: &rng) == 0 ? 300 : 0
            let document = IndexDocument(
                id: id, title: text(Int.random(in: 0...8, using: &rng)),
                description: text(Int.random(in: 0...40, using: &rng)) + String(repeating: " export", count: repeats),
                attributes: DocumentAttributes(
                    status: UInt8.random(in: 0...3, using: &rng), category: UInt32.random(in: 0...9, using: &rng),
                    team: rng.next(), merged: Bool.random(using: &rng), createdAt: Int64.random(in: 0...1_000_000, using: &rng)))
            bulk.add(document)
            delta.add(document)
        }
        let fromBulk = SegmentWriter.serialize(bulk, analyzerFingerprint: analyzer.fingerprint, sequence: 7)
        let fromDelta = SegmentWriter.serialize(delta, analyzerFingerprint: analyzer.fingerprint, sequence: 7)
        let nonce = 80..<88
        #expect(fromBulk.count == fromDelta.count)
        #expect(fromBulk[..<nonce.lowerBound] == fromDelta[..<nonce.lowerBound])
        #expect(fromBulk[nonce.upperBound...] == fromDelta[nonce.upperBound...])
        #expect(fromBulk.count > SegmentWriter.minimumSize)
    }

    // MARK: - StopWords

    /// The packed table (words of up to 7 bytes) and the byte table (longer words) agree
    /// with a plain set.
    @Test(arguments: ["english", "custom", "none"])
    func stopWordsMatchASet(_ list: String) {
        let stopWords = switch list {
        case "english": StopWords.english
        case "custom": StopWords(["a", "seven77", "eightchr", "a-much-longer-stop-word", "é"])
        default: StopWords.none
        }
        let set = Set(stopWords.sortedWords)
        var candidates = stopWords.sortedWords
        for word in stopWords.sortedWords where !word.isEmpty {
            candidates.append(word + [UInt8(ascii: "x")])
            candidates.append(Array(word.dropLast()))
            candidates.append([UInt8(ascii: "q")] + word)
        }
        candidates += ["", "the", "thee", "them", "x", "seven7", "eightchrs", "because", "becausee"].map { Array($0.utf8) }
        for word in candidates {
            #expect(stopWords.contains(word) == set.contains(word), "\(String(decoding: word, as: UTF8.self))")
        }
    }

    // MARK: - Analyzer

    /// Words up to ``Analyzer/maxTermBytes`` are kept (with or without a trailing
    /// connector), longer ones dropped without taking a position, however long.
    @Test func wordLengthLimitAroundTheBuffer() {
        let analyzer = Analyzer()
        let limit = Analyzer.maxTermBytes
        for length in [limit - 1, limit, limit + 1, limit + 15, limit + 16, limit + 17, 200] {
            let long = String(repeating: "k", count: length)
            for text in ["\(long) tail", "\(long). tail", "Aa\(long) tail", "\(long)-x tail"] {
                var words: [String] = []
                let count = analyzer.analyze(text) { bytes, _, role in
                    if role == .word { words.append(String(decoding: bytes, as: UTF8.self)) }
                }
                let first = text.split(separator: " ")[0].lowercased()
                let trimmed = first.hasSuffix(".") ? String(first.dropLast()) : first
                let kept = trimmed.utf8.count <= limit
                #expect(words == (kept ? [trimmed, "tail"] : ["tail"]), "\(length): \(text)")
                #expect(count == (kept ? 2 : 1))
            }
        }
    }

    /// Phrase words that are not the last are only remembered when they could belong to a
    /// phrase; every other word still counts as a word in between.
    @Test func phrasesNeedTheirWordsAdjacent() {
        let analyzer = Analyzer()
        func synonyms(_ text: String) -> [String] {
            analyzer.terms(of: text).filter { $0.role == .synonym }.map(\.text)
        }
        #expect(synonyms("two factor authentication") == ["mfa"])
        #expect(synonyms("two big factor authentication") == [])
        #expect(synonyms("application programming interfaces") == ["api"])
        #expect(synonyms("application testing programming interface") == [])
        #expect(synonyms("user interfaces") == ["ui"])
        #expect(synonyms("Users interface") == ["ui"])
        // A canonical phrase gets no synonym; its term is its words joined by "-".
        #expect(synonyms("pull requests, single signon") == ["sso"])
        #expect(synonyms("PRs and single sign on") == ["pull-request", "sso"])
    }

    /// An analysis that remembers stem lookups across texts (as an index adding documents
    /// does) gives the same terms as a fresh one, also after the memo fills up and starts over.
    @Test func rememberedStemLookupsChangeNothing() {
        let analyzer = Analyzer()
        var rng = SplitMix64(seed: 0x57E4)
        let words = [
            "single", "sign", "on", "signon", "repos", "repository", "organisations", "admins", "config", "user",
            "interfaces", "pull", "requests", "PRs", "two", "factor", "authentication", "application", "programming",
        ]
        // A small memo, so that a few texts fill it and it starts over several times.
        var remembering = Analyzer.Scratch(remembersStems: true, stemMemoLimit: 250)
        func terms(_ text: String, _ scratch: inout Analyzer.Scratch) -> [Analyzer.Term] {
            var result: [Analyzer.Term] = []
            _ = analyzer.analyze(text, &scratch) { bytes, position, role in
                result.append(Analyzer.Term(bytes: Array(bytes), position: position, role: role))
            }
            return result
        }
        for round in 0..<12 {
            // Words starting like phrase-ending stems ("re…", "co…") are the ones looked up:
            // 100 new ones per text fill the memo past its bound every few texts.
            let fresh = (0..<100).map { i in ["re", "co", "ad", "pe"][i % 4] + String(round, radix: 26) + String(i, radix: 26) }
            let known = (0..<20).map { _ in words[Int.random(in: 0..<words.count, using: &rng)] }
            let text = (fresh + known).shuffled(using: &rng).joined(separator: " ")
            #expect(terms(text, &remembering) == analyzer.terms(of: text), "round \(round)")
        }
    }

    // MARK: - Content hash

    /// The hash segments store (and `verify` compares) is FNV-1a over the fields, as first
    /// written: recomputed here the long way.
    @Test func contentHashIsUnchanged() {
        func reference(_ document: IndexDocument) -> UInt64 {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            func mix(_ bytes: [UInt8]) {
                for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
                hash = (hash ^ 0xFF) &* 0x0000_0100_0000_01B3
            }
            func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
            mix(Array(document.title.utf8))
            mix(Array(document.description.utf8))
            mix(le(document.id))
            mix([document.attributes.status])
            mix(le(document.attributes.category))
            mix(le(document.attributes.team))
            mix(le(document.attributes.createdAt))
            mix([document.attributes.merged ? 1 : 0])
            return hash
        }
        let documents = [
            IndexDocument(id: 0, title: "", description: ""),
            IndexDocument(
                id: 123, title: "Café export", description: "fails for HDFS-1234",
                attributes: DocumentAttributes(status: 3, category: 0xDEAD_BEEF, team: .max, merged: true, createdAt: -5)),
            IndexDocument(
                id: .max, title: "x", description: String(repeating: "long ", count: 50),
                attributes: DocumentAttributes(status: 255, category: 1, team: 42, merged: false, createdAt: .min)),
        ]
        for document in documents { #expect(document.contentHash == reference(document)) }
    }
}
