import Dispatch
import Synchronization
import Testing

@testable import GapIndex

/// ``ImpactCache``: searches that read kept posting scores answer exactly as searches that
/// compute them, whatever the budget, under concurrent fills, and after new parameters.
@Suite("Impact cache")
struct ImpactCacheTests {
    /// An index of `documents` in one segment, keeping up to `share` of its postings' scores.
    static func withIndex<R>(
        _ documents: [IndexDocument], share: Double, parameters: RankingParameters = RankingParameters(),
        _ body: (LiveIndex, Segment) throws -> R
    ) throws -> R {
        try withSegment(documents) { segment, _ in
            let index = LiveIndex(parameters: parameters)
            index.impactCacheShare = share
            index.update(segments: [segment], documents: [], through: 1)
            return try body(index, segment)
        }
    }

    /// What a search returns that must not change: ids, and scores to the bit.
    static func answer(_ hits: [SearchHit]) -> [String] { hits.map { "\($0.id):\($0.score.bitPattern)" } }

    static func requests(_ rng: inout SplitMix64, count: Int) -> [SearchRequest] {
        (0..<count).map { _ in TopKPropertyTests.randomRequest(&rng) }
    }

    @Test func keptScoresAnswerAsComputedOnes() throws {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<6 {
            let documents = TopKPropertyTests.randomCorpus(&rng)
            let requests = Self.requests(&rng, count: 40)
            let computed = try Self.withIndex(documents, share: 0) { index, segment in
                requests.map { Self.answer(index.search($0, segments: [segment])) }
            }
            try Self.withIndex(documents, share: 1) { index, segment in
                // The first pass fills the lists, the second reads them.
                for pass in 0..<2 {
                    for (request, expected) in zip(requests, computed) {
                        #expect(Self.answer(index.search(request, segments: [segment])) == expected, "pass \(pass)")
                    }
                }
                let cache = try #require(index.segmentStateForTesting(segment)).impacts
                #expect(cache.filledPostings > 0, "term-at-a-time searches walked lists in full")
                #expect(cache.filledPostings <= cache.budget)
            }
        }
    }

    @Test func theBudgetBoundsWhatIsKept() throws {
        var rng = SplitMix64(seed: 12)
        let documents = (1...300).map { id in
            IndexDocument(
                id: UInt64(id), title: TopKPropertyTests.randomText(&rng, words: 3...6),
                description: TopKPropertyTests.randomText(&rng, words: 10...25), attributes: DocumentAttributes())
        }
        let requests = Self.requests(&rng, count: 60)
        let computed = try Self.withIndex(documents, share: 0) { index, segment in
            let cache = try #require(index.segmentStateForTesting(segment)).impacts
            #expect(cache.budget == 0)
            return requests.map { Self.answer(index.search($0, segments: [segment])) }
        }
        try Self.withIndex(documents, share: 0.02) { index, segment in
            for (request, expected) in zip(requests, computed) {
                #expect(Self.answer(index.search(request, segments: [segment])) == expected)
            }
            let cache = try #require(index.segmentStateForTesting(segment)).impacts
            #expect(cache.budget == Int(Double(segment.postings.count + segment.titlePostings.count) * 0.02))
            #expect(cache.filledPostings > 0 && cache.filledPostings <= cache.budget)
        }
    }

    /// Threads filling the same lists at once keep one of each, and answer as one thread.
    @Test func concurrentFillsKeepOneListEach() throws {
        var rng = SplitMix64(seed: 13)
        let documents = TopKPropertyTests.randomCorpus(&rng)
        let requests = Self.requests(&rng, count: 30)
        let computed = try Self.withIndex(documents, share: 0) { index, segment in
            requests.map { Self.answer(index.search($0, segments: [segment])) }
        }
        let sequential = try Self.withIndex(documents, share: 1) { index, segment in
            for request in requests { _ = index.search(request, segments: [segment]) }
            return try #require(index.segmentStateForTesting(segment)).impacts.filledPostings
        }
        try Self.withIndex(documents, share: 1) { index, segment in
            let mismatches = Mutex(0)
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                for (request, expected) in zip(requests, computed) where Self.answer(index.search(request, segments: [segment])) != expected {
                    mismatches.withLock { $0 += 1 }
                }
            }
            #expect(mismatches.withLock { $0 } == 0)
            let cache = try #require(index.segmentStateForTesting(segment)).impacts
            #expect(cache.filledPostings == sequential)
        }
    }

    /// Scores kept under one set of parameters are not read under another.
    @Test func newParametersStartAFreshCache() throws {
        var rng = SplitMix64(seed: 14)
        let documents = TopKPropertyTests.randomCorpus(&rng)
        let requests = Self.requests(&rng, count: 30)
        var changed = RankingParameters()
        changed.k1 = 2.5
        changed.titleWeight = 4
        let expected = try Self.withIndex(documents, share: 0, parameters: changed) { index, segment in
            requests.map { Self.answer(index.search($0, segments: [segment])) }
        }
        try Self.withIndex(documents, share: 1) { index, segment in
            for request in requests { _ = index.search(request, segments: [segment]) }
            index.parameters = changed
            let cache = try #require(index.segmentStateForTesting(segment)).impacts
            #expect(cache.filledPostings == 0)
            for (request, answer) in zip(requests, expected) {
                #expect(Self.answer(index.search(request, segments: [segment])) == answer)
            }
        }
    }
}
