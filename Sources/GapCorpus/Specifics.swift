import Foundation

/// The long tail of a corpus's vocabulary: the names, identifiers, codes and numbers that make
/// one request, and one customer's setup, specific.
///
/// Real issue text keeps meeting words it has not seen: on the labelled JIRA data a tracker of
/// 20k issues has about 66k distinct words, most of them used once. Product-area phrases and
/// filler alone give a few thousand, and then every word of a draft matches a large share of
/// the gaps. Specific terms are pseudo-words drawn from a Zipf distribution over a lexicon of
/// millions, so the vocabulary keeps growing with the corpus (Heaps' law), common ones recur
/// across gaps, and most occur once.
///
/// Two kinds: a request's *topics* (chosen once per request and shared by every gap and draft
/// that re-asks it, as the same component or setting would be named again) and a gap's
/// *context* (the asker's own setup: product names, identifiers, error codes, versions; a
/// re-ask names its own).
enum Specifics {
    /// Syllables of the pseudo-words: no English word, and no ending the stemmer strips.
    private static let syllables = [
        "bra", "cor", "dex", "fam", "gor", "hin", "jak", "kel", "lum", "mor", "nax", "pel", "quo", "ren", "sil", "tav",
        "ulm", "vek", "wim", "xor", "yab", "zen", "bol", "cru", "dun", "fen", "gip", "hov", "jor", "kip", "lor", "mav",
        "nix", "orb", "pru", "rak", "sov", "tir", "vox", "zup",
    ]

    /// The lexicon's size: far more words than any corpus uses.
    private static let lexiconSize = 50_000_000
    /// The shape of the distribution: P(rank r) ∝ (r + 1 + offset)^−exponent, a Zipf tail
    /// (no specific term is as common as the commonest words; the most common one is in
    /// about 1% of gaps), tuned so that a corpus's vocabulary grows like two thirds of the
    /// JIRA data's (measured in Tools/README.md).
    private static let exponent = 1.3
    private static let offset = 200.0

    /// The pseudo-word of a lexicon rank: the rank, offset past one-syllable words, in
    /// bijective base 40, one syllable per digit (1,600 words of two syllables, 64,000 of
    /// three, …).
    static func word(rank: Int) -> String {
        var n = rank + syllables.count + 1
        var parts: [String] = []
        while n > 0 {
            n -= 1
            parts.append(syllables[n % syllables.count])
            n /= syllables.count
        }
        return parts.reversed().joined()
    }

    /// A rank drawn from the distribution over the lexicon, by the inverse of its continuous
    /// approximation (no table of millions of entries).
    static func rank(_ random: inout SeededRandom) -> Int {
        let u = Double(random.next() >> 11) / Double(1 << 53)
        let a = 1 - exponent
        let low = pow(offset + 1, a)
        let high = pow(Double(lexiconSize) + offset + 1, a)
        let x = pow((high - low) * u + low, 1 / a) - offset - 1
        return min(lexiconSize - 1, max(0, Int(x)))
    }

    /// A specific term drawn from the distribution.
    static func term(_ random: inout SeededRandom) -> String { word(rank: rank(&random)) }

    /// A request's topics: three terms.
    static func topics(_ random: inout SeededRandom) -> [String] { (0..<3).map { _ in term(&random) } }

    /// A sentence naming one or two of a request's topics.
    static func topicSentence(_ topics: [String], _ random: inout SeededRandom) -> String {
        switch random.next() % 4 {
        case 0: return "The ask is specifically about \(topics[0])."
        case 1: return "It matters most where \(topics[0]) meets \(topics[1])."
        case 2: return "They named \(capitalized(topics[2])) and \(topics[0]) as the blockers."
        default: return "Anything that touches \(topics[1]) is affected."
        }
    }

    /// A title's mention of the request's main topic.
    static func titleMention(_ topics: [String], _ random: inout SeededRandom) -> String {
        let topic = capitalized(topics[0])
        switch random.next() % 4 {
        case 0: return "in \(topic)"
        case 1: return "for \(topic)"
        case 2: return "with \(topic)"
        default: return "(\(topic))"
        }
    }

    /// A sentence about the asker's own setup, and the words of it that are theirs alone (a
    /// re-ask by someone else would name other ones).
    static func contextSentence(_ random: inout SeededRandom) -> (sentence: String, terms: [String]) {
        let a = term(&random)
        let b = term(&random)
        switch random.next() % 5 {
        case 0:
            let version = "\(1 + random.next() % 12).\(random.next() % 40)"
            return ("Their setup runs \(capitalized(a)) \(version) next to \(b).", [a, version, b])
        case 1:
            let code = "E\(1000 + random.next() % 9000)"
            let name = identifier(a, b, &random)
            return ("Logs show \(code) right after \(name) starts.", [code, name])
        case 2:
            let c = term(&random)
            return ("They use \(capitalized(a)), \(capitalized(b)) and \(capitalized(c)) in production.", [a, b, c])
        case 3:
            let count = "\(1 + random.next() % 200)00"
            return ("The \(a) cluster behind \(b) holds about \(count) of them.", [a, b, count])
        default:
            let ticket = "\(a.prefix(3).uppercased())-\(100 + random.next() % 9900)"
            return ("Their \(b) team tracks this as \(ticket).", [b, ticket])
        }
    }

    /// Two terms joined the ways code names things: camelCase, snake_case, dotted, dashed.
    private static func identifier(_ a: String, _ b: String, _ random: inout SeededRandom) -> String {
        switch random.next() % 4 {
        case 0: return a + capitalized(b)
        case 1: return a + "_" + b
        case 2: return a + "." + b
        default: return a + "-" + b
        }
    }

    /// A term of the same shape as `term` (digits stay digits, letters become another
    /// specific term): what another asker would have written in its place.
    static func replacement(for term: Substring, _ random: inout SeededRandom) -> String {
        if term.contains(where: \.isNumber) {
            return String(term.map { $0.isNumber ? Character(String(random.next() % 10)) : $0 })
        }
        let fresh = self.term(&random)
        return term.first?.isUppercase == true ? capitalized(fresh) : fresh
    }
}
