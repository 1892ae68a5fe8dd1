import Testing

@testable import GapCorpus

/// The synthetic corpus: deterministic, with a vocabulary that keeps growing like real issue
/// text, and drafts that re-ask a gap without copying its asker's own setup.
@Suite("CorpusGenerator")
struct CorpusGeneratorTests {
    static func words(_ text: String) -> [String] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
    }

    static func vocabulary(_ gaps: [SyntheticGap]) -> Set<String> {
        var result: Set<String> = []
        for gap in gaps { result.formUnion(words(gap.title + " " + gap.description)) }
        return result
    }

    @Test func theSameSeedGivesTheSameCorpus() {
        var a = CorpusGenerator(seed: 7)
        var b = CorpusGenerator(seed: 7)
        var c = CorpusGenerator(seed: 8)
        let first = a.generate(300)
        #expect(first == b.generate(300))
        #expect(first != c.generate(300))
    }

    /// Without specific terms the vocabulary is a few hundred product-area and filler words
    /// and hardly grows; with them it grows with the corpus, most new words used once (on the
    /// JIRA data: 9,563 distinct words in the first 1,000 issues, 38,862 in 10,000).
    @Test func specificTermsMakeTheVocabularyGrow() {
        var flat = CorpusGenerator(seed: 3, detailRate: 0)
        var specific = CorpusGenerator(seed: 3)
        let flatGaps = flat.generate(4000)
        let specificGaps = specific.generate(4000)
        let flatSmall = Self.vocabulary(Array(flatGaps.prefix(1000))).count
        let flatLarge = Self.vocabulary(flatGaps).count
        let small = Self.vocabulary(Array(specificGaps.prefix(1000))).count
        let large = Self.vocabulary(specificGaps).count
        #expect(flatLarge < 1000)
        #expect(Double(flatLarge) < 1.3 * Double(flatSmall))
        #expect(small > 3 * flatSmall)
        #expect(Double(large) > 2.2 * Double(small))
        // Most specific words occur in one gap.
        var frequency: [String: Int] = [:]
        for gap in specificGaps { for word in Set(Self.words(gap.title + " " + gap.description)) { frequency[word, default: 0] += 1 } }
        let once = frequency.values.filter { $0 == 1 }.count
        #expect(Double(once) > 0.5 * Double(frequency.count))
    }

    /// A re-ask names the request's specific topics again, as a second customer asking for
    /// the same thing names the same component; without specifics far fewer re-asks share a
    /// rare word (a number, a typo) with their original.
    @Test func reAsksShareRareTopicWords() {
        func shareRate(detailRate: Double) -> Double {
            var generator = CorpusGenerator(seed: 5, detailRate: detailRate)
            let gaps = generator.generate(3000)
            var frequency: [String: Int] = [:]
            for gap in gaps { for word in Set(Self.words(gap.title + " " + gap.description)) { frequency[word, default: 0] += 1 } }
            func rareWords(_ gap: SyntheticGap) -> Set<String> {
                Set(Self.words(gap.title + " " + gap.description).filter { frequency[$0]! < 30 })
            }
            let followUps = gaps.filter { $0.duplicateOf != nil }
            let sharing = followUps.filter { gap in
                let original = gaps[gap.duplicateOf!]
                return !rareWords(gap).intersection(rareWords(original).subtracting(original.contextTerms)).isEmpty
            }
            return Double(sharing.count) / Double(max(followUps.count, 1))
        }
        let specific = shareRate(detailRate: 0.8)
        let flat = shareRate(detailRate: 0)
        #expect(specific > 0.5)
        #expect(specific > flat + 0.3)
    }

    @Test func draftsReplaceTheTargetsSetupTerms() {
        var generator = CorpusGenerator(seed: 11)
        let gaps = generator.generate(2000)
        let queries = QueryGenerator.paraphrases(of: gaps, count: 400, seed: 11)
        var replaced = 0
        var leaked = 0
        for query in queries {
            let setup = gaps[query.target].contextTerms.filter { $0.count >= 6 && !$0.contains(where: \.isNumber) }
            let draft = Set(query.description.lowercased().split(separator: " ").map { String($0.trimmingSuffix(",.;:")) })
            let original = Set(gaps[query.target].description.lowercased().split(separator: " ").map { String($0.trimmingSuffix(",.;:")) })
            for term in setup where original.contains(term) {
                if draft.contains(term) { leaked += 1 } else { replaced += 1 }
            }
        }
        #expect(replaced > 50)
        // A fresh draw can name the same term again, rarely.
        #expect(Double(leaked) < 0.05 * Double(replaced + leaked))
    }
}

extension Substring {
    func trimmingSuffix(_ characters: String) -> Substring {
        var result = self
        while let last = result.last, characters.contains(last) { result = result.dropLast() }
        return result
    }
}
