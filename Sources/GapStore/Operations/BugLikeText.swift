/// Spots text that reads like a bug report. A product gap is a feature request or an
/// enhancement; bugs go to the engineering teams' trackers instead. Finding one of these is a
/// warning, never an error: "show an error message when…" is a fine feature request.
enum BugLikeText {
    /// Whole words (lowercased) that suggest a defect.
    static let words: Set<String> = [
        "crash", "crashes", "crashed", "crashing", "exception", "exceptions", "regression", "regressed",
        "broken", "breaks", "segfault", "segmentation", "traceback", "stacktrace", "panic", "panics",
        "npe", "nullpointerexception", "bug", "bugs", "buggy", "500", "502", "503", "hangs", "freezes",
    ]
    /// Phrases that suggest a defect.
    static let phrases = ["stack trace", "error code", "no longer works", "stopped working", "doesn't work", "does not work", "internal server error"]

    static func evidence(in texts: String...) -> [String] {
        var found: [String] = []
        for text in texts {
            // One pass over lowercased ASCII bytes: words are looked up in a set, phrases
            // matched as byte sequences (String.contains would build a searcher per phrase).
            let lower = Array(text.utf8.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 })
            for phrase in phraseBytes where !found.contains(phrase.text) && contains(lower, phrase.bytes) {
                found.append(phrase.text)
            }
            var start = 0
            for index in 0...lower.count {
                let isWordByte = index < lower.count && (lower[index] >= 0x80 || isAlphanumeric(lower[index]))
                if isWordByte { continue }
                if index > start, index - start <= 32 {
                    let word = String(decoding: lower[start..<index], as: UTF8.self)
                    if words.contains(word), !found.contains(word) { found.append(word) }
                }
                start = index + 1
            }
            // Java-style exception class names: FooBarException, java.lang.IllegalStateException.
            let bytes = Array(text.utf8)
            if bytes.count < 64 * 1024, contains(bytes, exceptionBytes) || contains(bytes, errorBytes) {
                for token in text.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "." })
                where token.hasSuffix("Exception") || (token.hasSuffix("Error") && token.first?.isUppercase == true && token.count > 5) {
                    let name = String(token.split(separator: ".").last ?? token)
                    if !found.contains(name) { found.append(name) }
                }
            }
        }
        return found
    }

    private static let phraseBytes: [(text: String, bytes: [UInt8])] = phrases.map { ($0, Array($0.utf8)) }
    // Searched as bytes: String.contains builds a searcher per call, a third of an import's time.
    private static let exceptionBytes = Array("Exception".utf8)
    private static let errorBytes = Array("Error".utf8)

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count, let first = needle.first else { return false }
        var i = 0
        while i + needle.count <= haystack.count {
            if haystack[i] == first && haystack[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    static func warning(title: String, description: String) -> GapWarning? {
        let evidence = evidence(in: title, description)
        guard !evidence.isEmpty else { return nil }
        return GapWarning(
            kind: .looksLikeBug,
            message: "this reads like a bug report (\(evidence.prefix(5).joined(separator: ", "))); product gaps are feature requests and enhancements — report defects to the owning team's bug tracker",
            evidence: evidence)
    }
}
