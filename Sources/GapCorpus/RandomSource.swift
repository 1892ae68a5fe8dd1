import Foundation

/// A small, fast, seedable random number generator (SplitMix64), so that every corpus,
/// query set and demo store is the same on every machine for the same seed.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniformly chosen element.
    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }

    /// A uniform integer in `range`.
    mutating func int(in range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
}

/// Draws ranks 0..<n with probability proportional to 1 / (rank + 1)^s, the shape of word
/// frequencies in natural text.
struct ZipfSampler: Sendable {
    private let cumulative: [Double]

    init(count: Int, exponent: Double = 1.0) {
        var sum = 0.0
        var cumulative: [Double] = []
        cumulative.reserveCapacity(count)
        for rank in 0..<count {
            sum += 1.0 / pow(Double(rank + 1), exponent)
            cumulative.append(sum)
        }
        self.cumulative = cumulative.map { $0 / sum }
    }

    func sample(_ random: inout SeededRandom) -> Int {
        let u = Double(random.next() >> 11) / Double(1 << 53)
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] < u { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
