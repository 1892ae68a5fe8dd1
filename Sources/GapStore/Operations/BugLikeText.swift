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
            let lower = text.lowercased()
            for phrase in phrases where lower.contains(phrase) && !found.contains(phrase) { found.append(phrase) }
            var word = ""
            for scalar in lower.unicodeScalars {
                if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                    word.unicodeScalars.append(scalar)
                } else {
                    if words.contains(word), !found.contains(word) { found.append(word) }
                    word = ""
                }
            }
            if words.contains(word), !found.contains(word) { found.append(word) }
            // Java-style exception class names: FooBarException, java.lang.IllegalStateException.
            for token in text.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "." })
            where token.hasSuffix("Exception") || token.hasSuffix("Error") && token.first?.isUppercase == true && token.count > 5 {
                let name = String(token.split(separator: ".").last ?? token)
                if !found.contains(name) { found.append(name) }
            }
        }
        return found
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
