/// Stemming as the index uses it: Porter's algorithm for plain lowercase ASCII words, the
/// term unchanged otherwise (identifiers, numbers, non-Latin words).
enum Stemming {
    @inline(__always)
    static func isPlainWord(_ term: [UInt8]) -> Bool {
        term.count > 2 && term.allSatisfy { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
    }

    /// Replaces `term` with its stem.
    static func stem(_ term: inout [UInt8]) {
        if isPlainWord(term) { EnglishStemmer.stem(&term) }
    }

    /// The stem of `term`.
    static func stem(of term: [UInt8]) -> [UInt8] {
        var copy = term
        stem(&copy)
        return copy
    }
}
