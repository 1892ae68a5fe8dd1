/// A draft someone types before creating a gap, whose right answer is known.
public struct SyntheticQuery: Sendable, Hashable {
    public let title: String
    public let description: String
    /// The gap the draft re-asks.
    public let target: Int
    /// Every gap that counts as a correct answer: the target and its near-duplicates.
    public let acceptable: Set<Int>

    /// Title and description as one text.
    public var text: String { description.isEmpty ? title : title + " " + description }
}

/// Builds query sets from a corpus: drafts that paraphrase a known gap, and as-you-type
/// title prefixes.
public enum QueryGenerator {
    /// Drafts of 12–60 words that re-ask gaps of `corpus` in other words: synonyms, dropped and
    /// swapped words, typos in about one word in eight, and a description built from part of
    /// the original's, with the terms of the original asker's setup replaced by the drafter's.
    public static func paraphrases(of corpus: [SyntheticGap], count: Int, seed: UInt64) -> [SyntheticQuery] {
        var random = SeededRandom(seed: seed)
        let families = duplicateFamilies(corpus)
        return (0..<count).map { _ in
            let target = Int(random.next() % UInt64(corpus.count))
            let gap = corpus[target]
            let title = Paraphraser.rephrase(gap.title, &random, typoRate: 0.12)
            let titleWords = title.split(separator: " ").count
            let wanted = random.int(in: 12...60) - titleWords
            let source = gap.description.split(separator: " ")
            var words: [String] = []
            if wanted > 0 && !source.isEmpty {
                let start = random.int(in: 0...max(0, source.count - wanted))
                words = source[start..<min(source.count, start + wanted)].map(String.init)
            }
            // The drafter describes their own setup, not the target's asker's.
            if !gap.contextTerms.isEmpty {
                words = words.map { word in
                    var core = Substring(word)
                    while let last = core.last, ",.;:".contains(last) { core = core.dropLast() }
                    guard gap.contextTerms.contains(core.lowercased()) else { return word }
                    return Specifics.replacement(for: core, &random) + word.dropFirst(core.count)
                }
            }
            let description = Paraphraser.rephrase(words.joined(separator: " "), &random, typoRate: 0.12, dropRate: 0.3)
            return SyntheticQuery(title: title, description: description, target: target, acceptable: families[target])
        }
    }

    /// As-you-type queries: the first 1–6 words of a gap's title, the last one cut short.
    public static func prefixes(of corpus: [SyntheticGap], count: Int, seed: UInt64) -> [SyntheticQuery] {
        var random = SeededRandom(seed: seed)
        let families = duplicateFamilies(corpus)
        return (0..<count).map { _ in
            let target = Int(random.next() % UInt64(corpus.count))
            let words = corpus[target].title.split(separator: " ").map(String.init)
            var taken = Array(words.prefix(random.int(in: 1...min(6, words.count))))
            if let last = taken.last, last.count > 3 { taken[taken.count - 1] = String(last.prefix(random.int(in: 2...(last.count - 1)))) }
            return SyntheticQuery(title: taken.joined(separator: " "), description: "", target: target, acceptable: families[target])
        }
    }

    /// For each gap, itself plus every gap linked to it by `duplicateOf`, transitively.
    static func duplicateFamilies(_ corpus: [SyntheticGap]) -> [Set<Int>] {
        var root = Array(corpus.indices)
        func find(_ i: Int) -> Int {
            var i = i
            while root[i] != i {
                root[i] = root[root[i]]
                i = root[i]
            }
            return i
        }
        for gap in corpus { if let original = gap.duplicateOf { root[find(gap.index)] = find(original) } }
        var members: [Int: Set<Int>] = [:]
        for gap in corpus { members[find(gap.index), default: []].insert(gap.index) }
        return corpus.map { members[find($0.index)]! }
    }
}
