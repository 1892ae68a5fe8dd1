/// Turns text into index terms: case and diacritic folding, tokenization over UTF-8 bytes
/// with an ASCII fast path, identifier splitting, English stop words and synonyms.
///
/// Rules, in order:
/// 1. **Words** are runs of letters and digits. Inside a run, `.`, `_`, `-` and `/` between
///    two word characters join an *identifier* (`org.apache.hadoop`, `snake_case`,
///    `HDFS-1234`); an apostrophe joins a contraction and is dropped (`don't` → `dont`), and a
///    trailing possessive `'s` is removed.
/// 2. Every word is **folded**: ASCII letters lowercased by arithmetic; other scalars
///    lowercased with diacritics removed where a Latin base letter exists (`Café` → `cafe`,
///    `Straße` → `strasse`). Invalid UTF-8 is skipped, never trapped on.
/// 3. An identifier, a camelCase word (`FileSystem`) or a word mixing letters and digits
///    (`oauth2`, `SAML2`) is indexed **whole and in parts**: `getHTTPResponse` gives
///    `gethttpresponse`, `get`, `http`, `response`; `HDFS-1234` gives `hdfs-1234`, `hdfs`,
///    `1234`. Parts of one letter, or a lone digit, are dropped (`k8s` stays whole only).
/// 4. **Stop words** (a short English list) are dropped, unless part of an identifier.
/// 5. **Synonyms** add their group's canonical term at the position where any member
///    appears (`single sign-on` and `sso` both also index `sso`); see ``Synonyms``.
///
/// Words longer than ``maxTermBytes`` are dropped (base64 blobs, hashes).
public struct Analyzer: Sendable {
    /// Terms longer than this many bytes are not indexed.
    public static let maxTermBytes = 48

    public let synonyms: Synonyms
    public let stopWords: StopWords

    /// Bumped whenever the analysis rules change, so stored segments are rebuilt.
    static let rulesVersion: UInt64 = 2

    /// Identifies the analysis: segments built with another fingerprint must be rebuilt.
    public let fingerprint: UInt64

    public init(synonyms: Synonyms = .default, stopWords: StopWords = .english) {
        self.synonyms = synonyms
        self.stopWords = stopWords
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ Self.rulesVersion
        func mix(_ bytes: [UInt8]) {
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            hash = (hash ^ 0xFF) &* 0x0000_0100_0000_01B3
        }
        for word in stopWords.sortedWords { mix(word) }
        for (group, terms) in synonyms.fingerprintMaterial { mix(group); for term in terms { mix(term) } }
        fingerprint = hash
    }

    /// What a term is to its text.
    public enum Role: Sendable, Hashable {
        /// A whole word (it counts towards the field's length).
        case word
        /// A part of an identifier or compound word (`http` in `getHTTPResponse`).
        case part
        /// A synonym's canonical term, added where a member appeared.
        case synonym
    }

    /// A term of analyzed text.
    public struct Term: Sendable, Hashable {
        /// The folded bytes.
        public var bytes: [UInt8]
        /// The word's position; parts and synonyms share the position of their word.
        public var position: Int
        public var role: Role

        /// The bytes as a string.
        public var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// All terms of `text`, in order.
    public func terms(of text: String) -> [Term] {
        var result: [Term] = []
        analyze(text) { bytes, position, role in
            result.append(Term(bytes: Array(bytes), position: position, role: role))
        }
        return result
    }

    /// Calls `emit` for every term of `text` with bytes valid only during the call.
    ///
    /// - Returns: The number of whole words (the field length for BM25).
    @discardableResult
    public func analyze(
        _ text: String, _ emit: (_ term: UnsafeBufferPointer<UInt8>, _ position: Int, _ role: Role) -> Void
    ) -> Int {
        var scratch = Scratch()
        return analyze(text, &scratch, emit)
    }

    /// ``analyze(_:_:)`` with buffers reused across calls.
    func analyze(
        _ text: String, _ scratch: inout Scratch,
        _ emit: (_ term: UnsafeBufferPointer<UInt8>, _ position: Int, _ role: Role) -> Void
    ) -> Int {
        var copy = text
        return copy.withUTF8 { utf8 in analyze(utf8, &scratch, emit) }
    }

    /// Reusable buffers for analyses (creating one allocates nothing unless it remembers
    /// stems).
    struct Scratch {
        /// The folded bytes of one non-ASCII scalar.
        var folded: [UInt8] = []
        var recentWords: RecentWords

        /// `remembersStems`: for many texts (an index adding documents), the synonym check
        /// stems each distinct word once; a single query would pay more for the memo's table
        /// than it saves. Such a scratch must stay with one analyzer (it remembers that
        /// analyzer's synonyms).
        init(remembersStems: Bool = false, stemMemoLimit: Int = 1 << 16) {
            recentWords = RecentWords(remembersStems: remembersStems, memoLimit: stemMemoLimit)
        }
    }

    /// Character classes of a word's bytes as they are collected, for finding part
    /// boundaries (camelCase, letter/digit changes, connectors).
    fileprivate enum CharClass: UInt8 {
        case lower, upper, digit, other, connector
        /// Before the first byte of a word.
        case none
    }

    /// How many bytes of a word are kept: words longer than ``maxTermBytes`` are dropped, so
    /// bytes past this are only counted. The margin covers a trailing connector.
    fileprivate static let wordCapacity = maxTermBytes + 16

    func analyze(
        _ utf8: UnsafeBufferPointer<UInt8>, _ scratch: inout Scratch,
        _ emit: (_ term: UnsafeBufferPointer<UInt8>, _ position: Int, _ role: Role) -> Void
    ) -> Int {
        scratch.recentWords.removeAll()
        // The word's bytes and classes live in stack buffers: no array bookkeeping per byte.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.wordCapacity) { bytes in
            withUnsafeTemporaryAllocation(of: CharClass.self, capacity: Self.wordCapacity) { classes in
                var word = Word(bytes: bytes.baseAddress!, classes: classes.baseAddress!)
                return tokenize(utf8, &word, &scratch, emit)
            }
        }
    }

    private func tokenize(
        _ utf8: UnsafeBufferPointer<UInt8>, _ word: inout Word, _ scratch: inout Scratch,
        _ emit: (_ term: UnsafeBufferPointer<UInt8>, _ position: Int, _ role: Role) -> Void
    ) -> Int {
        var position = 0
        var index = 0
        let count = utf8.count
        while index < count {
            let byte = utf8[index]
            if byte < 0x80 {
                index += 1  // from here on, `index` is the byte after `byte`
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"):
                    word.append(byte, .lower)
                    word.appendLowercaseRun(utf8, &index)
                    continue
                case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    word.append(byte | 0x20, .upper)
                    continue
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    word.append(byte, .digit)
                    continue
                case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "/"):
                    // A connector only between two word characters.
                    if word.count > 0, index < count, isWordStart(utf8, index), word.last != .connector {
                        word.append(byte, .connector)
                        continue
                    }
                case UInt8(ascii: "'"):
                    // Contractions and possessives: drop the apostrophe, and a final 's.
                    if word.count > 0, index < count, isWordStart(utf8, index) {
                        let next = utf8[index] | 0x20
                        let afterNext = index + 1 < count ? utf8[index + 1] : 0x20
                        if next == UInt8(ascii: "s") && !isWordStart(utf8, index + 1) && afterNext != UInt8(ascii: "'") {
                            index += 1  // skip the "s" too
                        }
                        continue
                    }
                default:
                    break
                }
            } else {
                // Non-ASCII: decode one scalar, skipping invalid sequences.
                let (scalar, length) = decodeScalar(utf8, at: index)
                index += length
                if let scalar {
                    if scalar.value == 0x2019 { continue }  // ’ as an apostrophe
                    if Folding.isWordScalar(scalar) {
                        scratch.folded.removeAll(keepingCapacity: true)
                        Folding.appendFolded(scalar, to: &scratch.folded)
                        // One class for every byte of a non-ASCII letter: a part boundary never
                        // falls inside a scalar (or inside a folding such as Æ → ae).
                        for folded in scratch.folded { word.append(folded, .other) }
                        continue
                    }
                }
            }
            // Anything else ends the word.
            flush(&word, &position, &scratch, emit)
        }
        flush(&word, &position, &scratch, emit)
        return position
    }

    /// Emits the collected word (whole, its parts, synonyms) and starts a new one.
    private func flush(
        _ word: inout Word, _ position: inout Int, _ scratch: inout Scratch,
        _ emit: (_ term: UnsafeBufferPointer<UInt8>, _ position: Int, _ role: Role) -> Void
    ) {
        defer { word.reset() }
        guard word.count > 0 else { return }
        // Trim a trailing connector ("foo." at the end of a sentence); there is never more
        // than one in a row.
        var length = word.count
        var connectors = word.connectors
        if word.last == .connector {
            length -= 1
            connectors -= 1
        }
        // Too long words never had all their bytes kept (and are dropped).
        guard length > 0, length <= Self.maxTermBytes else { return }
        let term = UnsafeBufferPointer(start: word.bytes, count: length)
        let hasParts = connectors > 0 || word.hasBoundary
        if !hasParts && (length < 2 || stopWords.contains(term)) {
            position += 1
            return
        }
        if length >= 2 { emit(term, position, .word) }
        if hasParts { emitParts(term, word.classes, position, emit) }
        synonyms.inject(after: term, recent: &scratch.recentWords, position: position, emit)
        position += 1
    }

    /// The word being collected: folded bytes and the class of each, in buffers of
    /// ``wordCapacity``; part boundaries are noted as bytes arrive.
    fileprivate struct Word {
        let bytes: UnsafeMutablePointer<UInt8>
        let classes: UnsafeMutablePointer<CharClass>
        /// Bytes collected, including those past the capacity (which are not kept).
        var count = 0
        var connectors = 0
        /// Whether a camelCase or letter/digit boundary has been seen (see `isBoundary`).
        var hasBoundary = false
        /// The classes of the last two bytes.
        var last = CharClass.none
        var beforeLast = CharClass.none

        init(bytes: UnsafeMutablePointer<UInt8>, classes: UnsafeMutablePointer<CharClass>) {
            self.bytes = bytes
            self.classes = classes
        }

        @inline(__always)
        mutating func append(_ byte: UInt8, _ charClass: CharClass) {
            if count < Analyzer.wordCapacity {
                bytes[count] = byte
                classes[count] = charClass
            }
            count += 1
            if charClass != last {
                if charClass == .connector {
                    connectors += 1
                } else if !hasBoundary {
                    hasBoundary = startsPart(beforeLast, last, charClass)
                }
            }
            beforeLast = last
            last = charClass
        }

        /// Appends the lowercase ASCII letters from `index` on, after a lowercase letter: a
        /// boundary never starts inside such a run, so only the bytes need storing.
        @inline(__always)
        mutating func appendLowercaseRun(_ utf8: UnsafeBufferPointer<UInt8>, _ index: inout Int) {
            // In locals: through `self` and `index` the loop loaded and stored both per byte.
            let start = count
            var next = index
            var length = count
            let end = min(utf8.count, next + (Analyzer.wordCapacity - length))
            while next < end {
                let byte = utf8[next]
                guard byte &- UInt8(ascii: "a") < 26 else { break }
                bytes[length] = byte
                classes[length] = .lower
                length += 1
                next += 1
            }
            index = next
            count = length
            if count > start {
                beforeLast = .lower
                last = .lower
            }
        }

        /// The incremental form of `isBoundary`: whether `current`, after `previous` (after
        /// `beforePrevious`), completes a boundary. Lower→upper and letter↔digit start a part
        /// at `current`; upper, upper, lower starts one at `previous` (HTTPResponse).
        @inline(__always)
        private func startsPart(_ beforePrevious: CharClass, _ previous: CharClass, _ current: CharClass) -> Bool {
            switch (previous, current) {
            case (.lower, .upper): return true
            case (.upper, .lower): return beforePrevious == .upper
            case (.digit, .lower), (.digit, .upper), (.lower, .digit), (.upper, .digit), (.other, .digit), (.digit, .other):
                return true
            default: return false
            }
        }

        @inline(__always)
        mutating func reset() {
            count = 0
            connectors = 0
            hasBoundary = false
            last = .none
            beforeLast = .none
        }
    }

    /// Whether a part starts at index `i`: lower→upper (fileSystem), upper→upper+lower
    /// (HTTPResponse: before the R), letter↔digit (oauth2).
    private func isBoundary(_ classes: UnsafeBufferPointer<CharClass>, _ i: Int) -> Bool {
        let previous = classes[i - 1]
        let current = classes[i]
        switch (previous, current) {
        case (.lower, .upper): return true
        case (.upper, .upper): return i + 1 < classes.count && classes[i + 1] == .lower
        case (.digit, .lower), (.digit, .upper), (.lower, .digit), (.upper, .digit), (.other, .digit), (.digit, .other):
            return true
        default: return false
        }
    }

    /// Emits the parts of `word` (whose classes are `classes[0 ..< word.count]`).
    private func emitParts(
        _ word: UnsafeBufferPointer<UInt8>, _ classPointer: UnsafeMutablePointer<CharClass>, _ position: Int,
        _ emit: (_ term: UnsafeBufferPointer<UInt8>, _ position: Int, _ role: Role) -> Void
    ) {
        let classes = UnsafeBufferPointer(start: classPointer, count: word.count)
        var start = 0
        var i = 0
        func emitPart(_ end: Int) {
            defer { start = end }
            guard end > start else { return }
            let length = end - start
            // Parts of one letter or a lone digit carry no meaning on their own.
            guard length >= 2 else { return }
            let allDigits = classes[start..<end].allSatisfy { $0 == .digit }
            let part = UnsafeBufferPointer(rebasing: word[start..<end])
            if !allDigits && stopWords.contains(part) { return }
            emit(part, position, .part)
        }
        while i < classes.count {
            if classes[i] == .connector {
                emitPart(i)
                start = i + 1
            } else if i > start && isBoundary(classes, i) {
                emitPart(i)
            }
            i += 1
        }
        emitPart(classes.count)
    }

    private func isWordStart(_ utf8: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        guard index < utf8.count else { return false }
        let byte = utf8[index]
        if byte >= 0x80 { return true }  // a non-ASCII letter most likely; checked when decoded
        return (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}

/// Decodes one UTF-8 scalar at `index`; `nil` with a length of 1 for an invalid sequence.
@inline(__always)
func decodeScalar(_ utf8: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar?, Int) {
    let lead = utf8[index]
    let length: Int
    var value: UInt32
    switch lead {
    case 0xC2...0xDF:
        length = 2
        value = UInt32(lead & 0x1F)
    case 0xE0...0xEF:
        length = 3
        value = UInt32(lead & 0x0F)
    case 0xF0...0xF4:
        length = 4
        value = UInt32(lead & 0x07)
    default:
        return (nil, 1)
    }
    guard index + length <= utf8.count else { return (nil, 1) }
    for offset in 1..<length {
        let continuation = utf8[index + offset]
        guard continuation & 0xC0 == 0x80 else { return (nil, 1) }
        value = value << 6 | UInt32(continuation & 0x3F)
    }
    // Reject overlong encodings and surrogates.
    let minimum: UInt32 = length == 2 ? 0x80 : (length == 3 ? 0x800 : 0x10000)
    guard value >= minimum, let scalar = Unicode.Scalar(value) else { return (nil, 1) }
    return (scalar, length)
}
