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
        var copy = text
        return copy.withUTF8 { utf8 in analyze(utf8, &scratch, emit) }
    }

    /// Reusable buffers for one analysis.
    struct Scratch {
        var word: [UInt8] = []
        var part: [UInt8] = []
        var recentWords = RecentWords()

        init() {
            word.reserveCapacity(64)
            part.reserveCapacity(64)
        }
    }

    /// Character classes of a word's bytes as they are collected, for finding part
    /// boundaries (camelCase, letter/digit changes, connectors).
    private enum CharClass: UInt8 {
        case lower, upper, digit, other, connector
    }

    func analyze(
        _ utf8: UnsafeBufferPointer<UInt8>, _ scratch: inout Scratch,
        _ emit: (_ term: UnsafeBufferPointer<UInt8>, _ position: Int, _ role: Role) -> Void
    ) -> Int {
        var position = 0
        var index = 0
        let count = utf8.count
        // The folded word being collected, and the class of each of its bytes' characters.
        var classes: [CharClass] = []
        classes.reserveCapacity(64)
        scratch.recentWords.removeAll()

        func flush() {
            defer {
                scratch.word.removeAll(keepingCapacity: true)
                classes.removeAll(keepingCapacity: true)
            }
            // Trim trailing connectors ("foo." at the end of a sentence).
            while let last = classes.last, last == .connector {
                classes.removeLast()
                scratch.word.removeLast()
            }
            guard !scratch.word.isEmpty, scratch.word.count <= Self.maxTermBytes else { return }
            let isIdentifier = classes.contains(.connector)
            let hasParts = isIdentifier || hasCaseOrDigitBoundary(classes)
            if !hasParts && (scratch.word.count < 2 || stopWords.contains(scratch.word)) {
                position += 1
                return
            }
            if scratch.word.count >= 2 {
                scratch.word.withUnsafeBufferPointer { emit($0, position, .word) }
            }
            if hasParts { emitParts(classes, &scratch, position, emit) }
            synonyms.inject(after: scratch.word, recent: &scratch.recentWords, position: position, emit)
            position += 1
        }

        while index < count {
            let byte = utf8[index]
            if byte < 0x80 {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"):
                    scratch.word.append(byte)
                    classes.append(.lower)
                case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    scratch.word.append(byte | 0x20)
                    classes.append(.upper)
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    scratch.word.append(byte)
                    classes.append(.digit)
                case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "/"):
                    // A connector only between two word characters.
                    if !scratch.word.isEmpty, index + 1 < count, isWordStart(utf8, index + 1),
                        classes.last != .connector
                    {
                        scratch.word.append(byte)
                        classes.append(.connector)
                    } else {
                        flush()
                    }
                case UInt8(ascii: "'"):
                    // Contractions and possessives: drop the apostrophe, and a final 's.
                    if !scratch.word.isEmpty, index + 1 < count, isWordStart(utf8, index + 1) {
                        let next = utf8[index + 1] | 0x20
                        let afterNext = index + 2 < count ? utf8[index + 2] : 0x20
                        if next == UInt8(ascii: "s") && !isWordStart(utf8, index + 2) && afterNext != UInt8(ascii: "'") {
                            index += 1  // skip the "s" too
                        }
                    } else {
                        flush()
                    }
                default:
                    flush()
                }
                index += 1
                continue
            }
            // Non-ASCII: decode one scalar, skipping invalid sequences.
            let (scalar, length) = decodeScalar(utf8, at: index)
            index += length
            guard let scalar else {
                flush()
                continue
            }
            if scalar.value == 0x2019 {  // ’ as an apostrophe
                continue
            }
            if Folding.isWordScalar(scalar) {
                let before = scratch.word.count
                Folding.appendFolded(scalar, to: &scratch.word)
                // One class for every byte of a non-ASCII letter: a part boundary never falls
                // inside a scalar (or inside a folding such as Æ → ae).
                for _ in before..<scratch.word.count { classes.append(.other) }
            } else {
                flush()
            }
        }
        flush()
        return position
    }

    /// Whether a word has a camelCase or letter/digit boundary inside.
    private func hasCaseOrDigitBoundary(_ classes: [CharClass]) -> Bool {
        guard classes.count > 1 else { return false }
        for i in 1..<classes.count where isBoundary(classes, i) { return true }
        return false
    }

    /// Whether a part starts at index `i`: lower→upper (fileSystem), upper→upper+lower
    /// (HTTPResponse: before the R), letter↔digit (oauth2).
    private func isBoundary(_ classes: [CharClass], _ i: Int) -> Bool {
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

    private func emitParts(
        _ classes: [CharClass], _ scratch: inout Scratch, _ position: Int,
        _ emit: (_ term: UnsafeBufferPointer<UInt8>, _ position: Int, _ role: Role) -> Void
    ) {
        var start = 0
        var i = 0
        func emitPart(_ end: Int) {
            defer { start = end }
            guard end > start else { return }
            let length = end - start
            let allDigits = classes[start..<end].allSatisfy { $0 == .digit }
            // Parts of one letter or a lone digit carry no meaning on their own.
            guard length >= 2 else { return }
            scratch.part.removeAll(keepingCapacity: true)
            scratch.part.append(contentsOf: scratch.word[start..<end])
            if !allDigits && stopWords.contains(scratch.part) { return }
            scratch.part.withUnsafeBufferPointer { emit($0, position, .part) }
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
