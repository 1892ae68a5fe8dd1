/// Rewrites text the way a second person asking for the same thing would: other words for
/// the same things, dropped and swapped words, and typos.
enum Paraphraser {
    /// `text` with synonyms swapped in (either direction), a word possibly dropped or two
    /// neighbours swapped, and words of five or more letters misspelt with probability
    /// `typoRate`.
    static func rephrase(_ text: String, _ random: inout SeededRandom, typoRate: Double, dropRate: Double = 0.1) -> String {
        var result = text
        for (a, b) in Vocabulary.synonyms where random.chance(0.6) {
            if contains(result, word: a) { result = replace(result, word: a, with: b) } else if contains(result, word: b) {
                result = replace(result, word: b, with: a)
            }
        }
        var words = result.split(separator: " ").map(String.init)
        if words.count > 4 && random.chance(dropRate * Double(words.count) / 4) {
            words.remove(at: random.int(in: 1...(words.count - 1)))
        }
        if words.count > 3 && random.chance(0.3) {
            let i = random.int(in: 0...(words.count - 2))
            words.swapAt(i, i + 1)
        }
        return words.map { word in random.chance(typoRate) ? misspell(word, &random) : word }.joined(separator: " ")
    }

    /// One edit (substitution, deletion, insertion or transposition) in a word of five or more
    /// letters; shorter words are returned unchanged.
    static func misspell(_ word: String, _ random: inout SeededRandom) -> String {
        var letters = Array(word)
        guard letters.count >= 5, letters.allSatisfy({ $0.isLetter }) else { return word }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz")
        let i = random.int(in: 1...(letters.count - 2))
        switch random.next() % 4 {
        case 0: letters[i] = random.pick(alphabet)
        case 1: letters.remove(at: i)
        case 2: letters.insert(random.pick(alphabet), at: i)
        default: letters.swapAt(i, i + 1)
        }
        return String(letters)
    }

    private static func contains(_ text: String, word: String) -> Bool {
        (" " + text.lowercased() + " ").contains(" " + word.lowercased() + " ")
    }

    private static func replace(_ text: String, word: String, with replacement: String) -> String {
        var words = text.split(separator: " ").map(String.init)
        let target = word.split(separator: " ").map { $0.lowercased() }
        var i = 0
        while i + target.count <= words.count {
            if words[i..<i + target.count].map({ $0.lowercased() }) == target {
                words.replaceSubrange(i..<i + target.count, with: replacement.split(separator: " ").map(String.init))
                return words.joined(separator: " ")
            }
            i += 1
        }
        return text
    }
}
