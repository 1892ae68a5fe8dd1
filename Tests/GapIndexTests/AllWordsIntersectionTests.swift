import Testing

@testable import GapIndex

/// ``AllWordsSearch/intersection(_:factors:k1:slots:best:dense:scatterRatio:)``: scattering
/// the first checked group into a dense array answers exactly as galloping through it, and
/// both as a plain set intersection; the working arrays are zero again afterwards.
@Suite("All-words intersection")
struct AllWordsIntersectionTests {
    /// One variant's postings, owned by the test.
    struct Variant {
        var docs: [UInt32]
        var frequencies: [UInt8]
        var scale: Float
        var impacts: [Float]?
    }

    static let k1: Float = 1.2

    /// Memory that does not move, holding `values` (deallocated by the caller).
    static func copy<T>(_ values: [T]) -> UnsafeMutableBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(values.count, 1))
        _ = buffer.initialize(from: values)
        return buffer
    }

    /// Random groups of variants over `slots` slots (and a few slots past them, which are no
    /// match): frequencies of 0 in both fields score 0, which is no match either.
    static func randomGroups(_ rng: inout SplitMix64, slots: Int, factors: [Float]) -> [[Variant]] {
        (0..<Int.random(in: 2...4, using: &rng)).map { _ in
            (0..<Int.random(in: 1...4, using: &rng)).map { _ in
                let density = Double.random(in: 0.02...0.9, using: &rng)
                let docs = (0..<(slots + 3)).filter { _ in Double.random(in: 0..<1, using: &rng) < density }.map(UInt32.init)
                var frequencies: [UInt8] = []
                for _ in docs {
                    let zero = Int.random(in: 0..<10, using: &rng) == 0
                    frequencies += zero ? [0, 0] : [UInt8.random(in: 0...3, using: &rng), UInt8.random(in: 1...5, using: &rng)]
                }
                let scale = Float.random(in: 0.1...3, using: &rng)
                // Some lists carry kept scores, computed as the index computes them.
                let impacts: [Float]? = Bool.random(using: &rng)
                    ? docs.indices.map { j in
                        let slot = Int(docs[j])
                        guard slot < slots else { return 0 }
                        let weighted = Float(frequencies[2 * j]) * factors[2 * slot] + Float(frequencies[2 * j + 1]) * factors[2 * slot + 1]
                        return saturation(weighted, k1: k1)
                    }
                    : nil
                return Variant(docs: docs, frequencies: frequencies, scale: scale, impacts: impacts)
            }
        }
    }

    /// The intersection with the given scatter ratio, sorted by slot, and whether the
    /// working arrays were all zero afterwards.
    static func intersect(_ groups: [[Variant]], factors: [Float], slots: Int, scatterRatio: Int) -> ([(UInt32, Float)], Bool) {
        let best = UnsafeMutablePointer<Float>.allocate(capacity: slots)
        let dense = UnsafeMutablePointer<Float>.allocate(capacity: slots)
        best.initialize(repeating: 0, count: slots)
        dense.initialize(repeating: 0, count: slots)
        defer {
            best.deallocate()
            dense.deallocate()
        }
        // Lists point into copies that live until the intersection returns.
        let storage = groups.map { group in
            group.map { variant in
                (
                    docs: Self.copy(variant.docs),
                    frequencies: Self.copy(variant.frequencies),
                    impacts: variant.impacts.map { Self.copy($0) }
                )
            }
        }
        defer {
            for group in storage {
                for list in group {
                    list.docs.deallocate()
                    list.frequencies.deallocate()
                    list.impacts?.deallocate()
                }
            }
        }
        let lists = zip(groups, storage).map { group, stored in
            zip(group, stored).map { variant, list in
                AllWordsSearch.List(
                    docs: UnsafePointer(list.docs.baseAddress!), frequencies: UnsafePointer(list.frequencies.baseAddress!),
                    count: variant.docs.count, scale: variant.scale, impacts: list.impacts.map { UnsafePointer($0.baseAddress!) })
            }
        }
        let matches = factors.withUnsafeBufferPointer { factors in
            AllWordsSearch.intersection(
                lists, factors: factors.baseAddress!, k1: k1, slots: slots, best: best, dense: dense, scatterRatio: scatterRatio)
        }
        let clean = (0..<slots).allSatisfy { best[$0] == 0 && dense[$0] == 0 }
        return (matches.map { ($0.slot, $0.score) }.sorted { $0.0 < $1.0 }, clean)
    }

    /// The slots every group has with a posting that scores above 0, and their scores.
    static func reference(_ groups: [[Variant]], factors: [Float], slots: Int) -> [UInt32: Float] {
        func scores(_ group: [Variant]) -> [UInt32: Float] {
            var best: [UInt32: Float] = [:]
            for variant in group {
                for (j, doc) in variant.docs.enumerated() where Int(doc) < slots {
                    let weighted = Float(variant.frequencies[2 * j]) * factors[2 * Int(doc)]
                        + Float(variant.frequencies[2 * j + 1]) * factors[2 * Int(doc) + 1]
                    let score = variant.scale * saturation(weighted, k1: k1)
                    if score > 0 { best[doc] = max(best[doc] ?? 0, score) }
                }
            }
            return best
        }
        var result = scores(groups[0])
        for group in groups.dropFirst() {
            let other = scores(group)
            result = result.filter { other[$0.key] != nil }
            for key in result.keys { result[key]! += other[key]! }
        }
        return result
    }

    @Test func scatteringAnswersAsGalloping() {
        var rng = SplitMix64(seed: 29)
        var scatteredAny = false
        for round in 0..<60 {
            let slots = Int.random(in: 1...400, using: &rng)
            let factors = (0..<(2 * slots)).map { _ in Float.random(in: 0.2...2, using: &rng) }
            let groups = Self.randomGroups(&rng, slots: slots, factors: factors)
            let (galloped, gallopClean) = Self.intersect(groups, factors: factors, slots: slots, scatterRatio: 0)
            let (scattered, scatterClean) = Self.intersect(groups, factors: factors, slots: slots, scatterRatio: Int.max / 1024)
            #expect(gallopClean && scatterClean, "round \(round): working arrays left non-zero")
            // The same slots and the same scores, to the bit: the sums are made in one order.
            #expect(galloped.map(\.0) == scattered.map(\.0), "round \(round)")
            #expect(galloped.map(\.1.bitPattern) == scattered.map(\.1.bitPattern), "round \(round)")
            let expected = Self.reference(groups, factors: factors, slots: slots)
            #expect(Set(galloped.map(\.0)) == Set(expected.keys), "round \(round)")
            for (slot, score) in galloped {
                let want = expected[slot] ?? -1
                #expect(abs(score - want) <= 1e-4 * want, "round \(round) slot \(slot): \(score) vs \(want)")
            }
            scatteredAny = scatteredAny || !scattered.isEmpty
        }
        #expect(scatteredAny, "no round had a match")
    }
}
