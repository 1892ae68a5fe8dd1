@testable import GapIndex

/// A small, fast, seedable generator (SplitMix64), so that every randomized test in this
/// target is reproducible from the seed printed in its failure messages.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A sorted list of distinct terms held in memory, for driving ``FuzzyMatcher`` without a
/// segment. The bytes live in one allocation owned by the list.
final class ArrayTermList: SortedTermList {
    let terms: [[UInt8]]
    private let storage: UnsafeMutablePointer<UInt8>
    private let starts: [Int]

    /// `terms` are sorted bytewise and deduplicated here.
    init(_ terms: some Sequence<[UInt8]>) {
        let sorted = Array(Set(terms)).sorted { $0.lexicographicallyPrecedes($1) }
        self.terms = sorted
        var starts = [0]
        for term in sorted { starts.append(starts.last! + term.count) }
        self.starts = starts
        storage = .allocate(capacity: max(starts.last!, 1))
        var offset = 0
        for term in sorted {
            for byte in term {
                storage[offset] = byte
                offset += 1
            }
        }
    }

    convenience init(strings: [String]) { self.init(strings.map { Array($0.utf8) }) }

    deinit { storage.deallocate() }

    var termCount: Int { terms.count }

    func term(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: storage + starts[index], count: starts[index + 1] - starts[index])
    }
}

/// Calls `body` with `list` read through packed prefixes (see ``PackedPrefixes``).
func withKeyedList<R>(_ list: ArrayTermList, _ body: (KeyedTermList) throws -> R) rethrows -> R {
    let bytes = list.terms.flatMap { $0 }
    var starts: [UInt32] = [0]
    for term in list.terms { starts.append(starts.last! + UInt32(term.count)) }
    return try bytes.withUnsafeBufferPointer { bytes in
        try starts.withUnsafeBufferPointer { starts in
            let view = TermListView(
                starts: starts.baseAddress!, bytes: bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!, termCount: list.termCount)
            let prefixes = PackedPrefixes(view)
            return try withExtendedLifetime(prefixes) { try body(KeyedTermList(view, prefixes)) }
        }
    }
}

extension Array where Element == UInt8 {
    /// The bytes as text (for readable failure messages).
    var text: String { String(decoding: self, as: UTF8.self) }
}

/// Builds a segment from `documents` (sorted by id here) and calls `body` with it while its
/// bytes are alive. Swift arrays are 16-byte aligned, as segments require.
func withSegment<R>(
    _ documents: [IndexDocument], analyzer: Analyzer = Analyzer(), sequence: UInt64 = 1,
    _ body: (Segment, [UInt8]) throws -> R
) throws -> R {
    let bytes = SegmentBuilder.build(documents.sorted { $0.id < $1.id }, analyzer: analyzer, sequence: sequence)
    return try bytes.withUnsafeBytes { raw in
        let segment = try Segment(bytes: raw)
        return try body(segment, bytes)
    }
}

extension Segment {
    /// The id of a term given as text.
    func termID(_ text: String) -> Int? {
        Array(text.utf8).withUnsafeBufferPointer { terms.index(of: $0) }
    }

    /// All terms, in order, as text.
    var allTerms: [String] { (0..<termCount).map { Array(term($0)).text } }

    /// The (slot, title tf, description tf) postings of term `id`.
    func postings(_ id: Int, scope: SearchScope = .titlesAndDescriptions) -> [(slot: Int, title: Int, description: Int)] {
        let set = postings(scope)
        return (Int(set.starts[id])..<Int(set.starts[id + 1])).map { j in
            (Int(set.docs[j]), Int(set.frequencies[2 * j]), Int(set.frequencies[2 * j + 1]))
        }
    }
}

/// A live index holding `documents` in its delta only.
func deltaIndex(_ documents: [IndexDocument], parameters: RankingParameters = RankingParameters()) -> LiveIndex {
    let index = LiveIndex(parameters: parameters)
    // Sequence numbers start at 1: an update "through 0" is a no-op on a fresh index.
    index.update(segments: [], documents: documents, through: 1)
    return index
}

/// Shorthand for a document with default attributes.
func doc(_ id: UInt64, _ title: String, _ description: String = "", _ attributes: DocumentAttributes = DocumentAttributes())
    -> IndexDocument
{
    IndexDocument(id: id, title: title, description: description, attributes: attributes)
}
