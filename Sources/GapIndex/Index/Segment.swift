/// An immutable, serialized index read in place: the bytes can live in a memory-mapped LMDB
/// value, so opening a segment of any size costs a few header checks, not a rebuild.
///
/// Layout (little-endian, every section 8-byte aligned from the start):
///
/// | section | contents |
/// |---|---|
/// | header | magic `GAPSEG01`, format version, counts, analyzer fingerprint, sequence, field length totals, nonce, total length, section offsets |
/// | ids | `UInt64` gap id per slot |
/// | status, merged | `UInt8` per slot |
/// | category | `UInt32` per slot |
/// | team | `UInt64` per slot |
/// | created | `Int64` per slot |
/// | title length, description length | `UInt16` per slot (capped) |
/// | term starts | `UInt32` per term + 1, into term bytes |
/// | term bytes | the terms, sorted bytewise |
/// | posting starts | `UInt32` per term + 1, into postings |
/// | posting docs | `UInt32` slots, ascending per term |
/// | posting frequencies | `UInt8` title and description frequency per posting |
/// | term bounds | per term: max title tf, max description tf (`UInt8`), min title and description length (`UInt16`) |
/// | content hash | `UInt64` per slot: a hash of the document's text and attributes (for `verify`) |
/// | stem groups | `UInt32` group per term; group starts; term ids by group; stems (group order = sorted stems): starts and bytes |
/// | block starts | `UInt32` per term + 1, into the block sections |
/// | block last docs | `UInt32` per block: the last slot of each run of ``blockSize`` postings of a term |
/// | block bounds | per block: max title tf, max description tf, min title and description length (`UInt16`) |
/// | title postings | the same seven posting sections (starts to block bounds) over the titles alone: per term, the postings whose title has the term, with description frequency 0 |
///
/// Blocks let a search skip a run of postings none of which can reach the results (block-max
/// pruning; see `BlockMaxSearch`). The title postings serve searches of titles alone
/// (``SearchScope/titles``, as-you-type): a title is a tenth of a gap's words, so those
/// searches walk a tenth of the postings.
public struct Segment: @unchecked Sendable {
    // @unchecked Sendable: a read-only view of bytes the owner keeps alive and unchanged.

    static let magic: UInt64 = 0x3130_4745_5350_4147  // "GAPSEG01"
    static let formatVersion: UInt32 = 4
    static let headerSize = 384
    /// Postings per block (the last block of a term may hold fewer).
    static let blockSize = 64
    /// log2 of ``blockSize``.
    static let blockShift = 6

    let base: UnsafeRawPointer
    let byteCount: Int
    /// Number of document slots.
    public let documentCount: Int
    /// Number of distinct terms.
    public let termCount: Int
    let stemGroupCount: Int
    /// Fingerprint of the analyzer that built it; a mismatch means the segment must be rebuilt.
    public let analyzerFingerprint: UInt64
    /// The change sequence number of the store state the segment reflects.
    public let sequence: UInt64
    let totalTitleLength: Int
    let totalDescriptionLength: Int
    /// A random number drawn when the segment was built: identifies this build.
    public let nonce: UInt64

    let ids: UnsafePointer<UInt64>
    let status: UnsafePointer<UInt8>
    let merged: UnsafePointer<UInt8>
    let category: UnsafePointer<UInt32>
    let team: UnsafePointer<UInt64>
    let created: UnsafePointer<Int64>
    let titleLengths: UnsafePointer<UInt16>
    let descriptionLengths: UnsafePointer<UInt16>
    let termStarts: UnsafePointer<UInt32>
    let termBytes: UnsafePointer<UInt8>
    let stemGroupOfTerm: UnsafePointer<UInt32>
    let stemGroupStarts: UnsafePointer<UInt32>
    let stemGroupTerms: UnsafePointer<UInt32>
    let stemStarts: UnsafePointer<UInt32>
    let stemBytes: UnsafePointer<UInt8>
    let contentHashes: UnsafePointer<UInt64>
    /// Every posting of every term.
    let postings: PostingSet
    /// The postings of titles alone.
    let titlePostings: PostingSet

    /// The postings a search of `scope` walks.
    @inline(__always)
    func postings(_ scope: SearchScope) -> PostingSet {
        scope == .titles ? titlePostings : postings
    }

    /// Why bytes are not a usable segment.
    public enum FormatError: Error, Equatable, Sendable {
        case tooShort
        case badMagic
        case unsupportedVersion(UInt32)
        case misaligned
        case sectionOutOfBounds(String)
    }

    /// Reads a segment in place. The bytes must stay valid and unchanged while the segment (or
    /// anything read from it) is in use.
    ///
    /// - Throws: ``FormatError`` when the bytes are not a well-formed segment; every section's
    ///   bounds are checked here, so reading later cannot go out of bounds.
    public init(bytes: UnsafeRawBufferPointer) throws(FormatError) {
        try self.init(bytes: bytes, deepCheck: true)
    }

    /// Reads a segment, skipping the per-term checks when `deepCheck` is false (for bytes
    /// already checked once: see ``LiveIndex/openSegment(_:)``).
    init(bytes: UnsafeRawBufferPointer, deepCheck: Bool) throws(FormatError) {
        guard let base = bytes.baseAddress, bytes.count >= Self.headerSize else { throw .tooShort }
        guard Int(bitPattern: base) % 8 == 0 else { throw .misaligned }
        func u64(_ offset: Int) -> UInt64 { base.load(fromByteOffset: offset, as: UInt64.self) }
        guard u64(0) == Self.magic else { throw .badMagic }
        let version = base.load(fromByteOffset: 8, as: UInt32.self)
        guard version == Self.formatVersion else { throw .unsupportedVersion(version) }
        self.base = base
        byteCount = bytes.count
        // The exact length written: any truncation or extension is damage.
        guard u64(88) == UInt64(bytes.count) else { throw .sectionOutOfBounds("length \(u64(88)) recorded, \(bytes.count) found") }
        // Counts larger than the bytes themselves are damage (and would overflow below).
        for offset in [16, 24, 32, 40, 64, 72, 336, 344, 352] where u64(offset) > UInt64(bytes.count) * 65_536 {
            throw .sectionOutOfBounds("header field at \(offset)")
        }
        for offset in [16, 24, 32, 40, 336, 344, 352] where u64(offset) > UInt64(bytes.count) {
            throw .sectionOutOfBounds("count at \(offset)")
        }
        documentCount = Int(u64(16))
        termCount = Int(u64(24))
        stemGroupCount = Int(u64(40))
        analyzerFingerprint = u64(48)
        sequence = u64(56)
        totalTitleLength = Int(u64(64))
        totalDescriptionLength = Int(u64(72))
        nonce = u64(80)
        let titlePostingCount = Int(u64(344))
        let titleBlockCount = Int(u64(352))
        let n = documentCount
        let t = termCount
        let p = Int(u64(32))
        let g = stemGroupCount
        let b = Int(u64(336))
        let tp = titlePostingCount
        let tb = titleBlockCount
        // Section offsets start at byte 96, in the order of the table above.
        let sizes: [Int] = [n * 8, n, n, n * 4, n * 8, n * 8, n * 2, n * 2, (t + 1) * 4, -1, (t + 1) * 4, p * 4, p * 2,
                            t * 4 * 2, t * 4, (g + 1) * 4, -1, (g + 1) * 4, -1, n * 8, (t + 1) * 4, b * 4, b * 4 * 2,
                            (t + 1) * 4, tp * 4, tp * 2, t * 4 * 2, (t + 1) * 4, tb * 4, tb * 4 * 2]
        var offsets: [Int] = []
        for (index, size) in sizes.enumerated() {
            let rawOffset = u64(96 + index * 8)
            guard rawOffset <= UInt64(bytes.count) else { throw .sectionOutOfBounds("section \(index) offset") }
            let offset = Int(rawOffset)
            guard offset >= Self.headerSize, offset % 8 == 0 else {
                throw .sectionOutOfBounds("section \(index) offset")
            }
            if size >= 0 { guard size <= bytes.count - offset else { throw .sectionOutOfBounds("section \(index)") } }
            offsets.append(offset)
        }
        func pointer<T>(_ section: Int, _: T.Type) -> UnsafePointer<T> {
            (base + offsets[section]).assumingMemoryBound(to: T.self)
        }
        ids = pointer(0, UInt64.self)
        status = pointer(1, UInt8.self)
        merged = pointer(2, UInt8.self)
        category = pointer(3, UInt32.self)
        team = pointer(4, UInt64.self)
        created = pointer(5, Int64.self)
        titleLengths = pointer(6, UInt16.self)
        descriptionLengths = pointer(7, UInt16.self)
        termStarts = pointer(8, UInt32.self)
        termBytes = pointer(9, UInt8.self)
        stemGroupOfTerm = pointer(14, UInt32.self)
        stemGroupStarts = pointer(15, UInt32.self)
        stemGroupTerms = pointer(16, UInt32.self)
        stemStarts = pointer(17, UInt32.self)
        stemBytes = pointer(18, UInt8.self)
        contentHashes = pointer(19, UInt64.self)
        postings = PostingSet(
            starts: pointer(10, UInt32.self), docs: pointer(11, UInt32.self), frequencies: pointer(12, UInt8.self),
            termBounds: pointer(13, UInt16.self), blockStarts: pointer(20, UInt32.self), blockLastDocs: pointer(21, UInt32.self),
            blockBounds: pointer(22, UInt16.self), count: p, blockCount: b)
        titlePostings = PostingSet(
            starts: pointer(23, UInt32.self), docs: pointer(24, UInt32.self), frequencies: pointer(25, UInt8.self),
            termBounds: pointer(26, UInt16.self), blockStarts: pointer(27, UInt32.self), blockLastDocs: pointer(28, UInt32.self),
            blockBounds: pointer(29, UInt16.self), count: tp, blockCount: tb)
        // Variable-size sections: their extents come from the start tables.
        guard UInt64(termStarts[t]) <= UInt64(bytes.count - offsets[9]) else { throw .sectionOutOfBounds("term bytes") }
        guard deepCheck else { return }
        guard Int(stemGroupStarts[g]) * 4 <= bytes.count - offsets[16] else { throw .sectionOutOfBounds("stem groups") }
        guard Int(stemStarts[g]) <= bytes.count - offsets[18] else { throw .sectionOutOfBounds("stems") }
        for i in 0..<g where stemStarts[i] > stemStarts[i + 1] || stemGroupStarts[i] > stemGroupStarts[i + 1] {
            throw .sectionOutOfBounds("stem \(i)")
        }
        for i in 0..<t where termStarts[i] > termStarts[i + 1] || Int(stemGroupOfTerm[i]) >= g {
            throw .sectionOutOfBounds("term \(i)")
        }
        try postings.check(termCount: t, documents: documentCount, name: "postings")
        try titlePostings.check(termCount: t, documents: documentCount, name: "title postings")
        for i in 0..<Int(stemGroupStarts[g]) where Int(stemGroupTerms[i]) >= t {
            throw .sectionOutOfBounds("stem group entry \(i)")
        }
        // Lookups and the fuzzy walk rely on strictly ascending terms.
        for i in 1..<max(t, 1) where compareBytes(term(i - 1), term(i)) >= 0 {
            throw .sectionOutOfBounds("terms out of order at \(i)")
        }
    }

    // MARK: Terms

    /// The bytes of term `id`.
    @inline(__always)
    func term(_ id: Int) -> UnsafeBufferPointer<UInt8> {
        let start = Int(termStarts[id])
        return UnsafeBufferPointer(start: termBytes + start, count: Int(termStarts[id + 1]) - start)
    }

    /// The terms, sorted bytewise (a term's id is its index).
    var terms: TermListView { TermListView(starts: termStarts, bytes: termBytes, termCount: termCount) }

    /// The stems, one per stem group, sorted bytewise (a group's number is its stem's index).
    var stems: TermListView { TermListView(starts: stemStarts, bytes: stemBytes, termCount: stemGroupCount) }

    /// How many gaps have `term` (in any field).
    @inline(__always)
    func documentFrequency(_ term: Int) -> Int { postings.count(term) }

    /// The terms of stem group `group`.
    func terms(inStemGroup group: Int) -> UnsafeBufferPointer<UInt32> {
        let start = Int(stemGroupStarts[group])
        return UnsafeBufferPointer(start: stemGroupTerms + start, count: Int(stemGroupStarts[group + 1]) - start)
    }

    /// The gaps of the segment with the content hash of the version indexed, in id order.
    public func documents() -> [(id: UInt64, contentHash: UInt64)] {
        (0..<documentCount).map { (ids[$0], contentHashes[$0]) }
    }

    /// The terms with the same stem as `term` (including `term`).
    func stemSiblings(_ term: Int) -> UnsafeBufferPointer<UInt32> {
        let group = Int(stemGroupOfTerm[term])
        let start = Int(stemGroupStarts[group])
        return UnsafeBufferPointer(start: stemGroupTerms + start, count: Int(stemGroupStarts[group + 1]) - start)
    }
}

/// One set of postings of a ``Segment``, every term's in ascending slot order, with the
/// per-term and per-block bounds that let a search skip what cannot matter. A view of the
/// segment's bytes.
struct PostingSet {
    /// `UInt32` per term + 1: where each term's postings start.
    let starts: UnsafePointer<UInt32>
    /// The slot of each posting.
    let docs: UnsafePointer<UInt32>
    /// Title and description frequency of each posting, side by side.
    let frequencies: UnsafePointer<UInt8>
    /// Per term: max title tf, max description tf, min title and description length.
    let termBounds: UnsafePointer<UInt16>
    /// `UInt32` per term + 1: where each term's blocks start.
    let blockStarts: UnsafePointer<UInt32>
    /// The last slot of each block.
    let blockLastDocs: UnsafePointer<UInt32>
    /// Per block, the same bounds as the term's.
    let blockBounds: UnsafePointer<UInt16>
    let count: Int
    let blockCount: Int

    /// How many postings `term` has.
    @inline(__always)
    func count(_ term: Int) -> Int { Int(starts[term + 1] &- starts[term]) }

    /// Checks the start tables, the slots and the blocks: each posting is of one of the
    /// `documents` slots (searches read per-document arrays there), each term has exactly the
    /// blocks its postings fill, each ending at its postings' slot.
    fileprivate func check(termCount t: Int, documents: Int, name: String) throws(Segment.FormatError) {
        guard starts[0] == 0, starts[t] == UInt32(count) else { throw .sectionOutOfBounds(name) }
        var largest: UInt32 = 0
        for j in 0..<count { largest = max(largest, docs[j]) }
        guard count == 0 || Int(largest) < documents else { throw .sectionOutOfBounds("\(name) slots") }
        for i in 0..<t where starts[i] > starts[i + 1] { throw .sectionOutOfBounds("\(name) of term \(i)") }
        guard blockStarts[0] == 0, blockStarts[t] == UInt32(blockCount) else { throw .sectionOutOfBounds("\(name) blocks") }
        for i in 0..<t {
            let postings = self.count(i)
            let blocks = (postings + Segment.blockSize - 1) >> Segment.blockShift
            guard Int(blockStarts[i + 1]) - Int(blockStarts[i]) == blocks else {
                throw .sectionOutOfBounds("\(name) blocks of term \(i)")
            }
            for block in 0..<blocks {
                let last = min(postings, (block + 1) << Segment.blockShift) - 1
                guard blockLastDocs[Int(blockStarts[i]) + block] == docs[Int(starts[i]) + last] else {
                    throw .sectionOutOfBounds("\(name) block \(block) of term \(i)")
                }
            }
        }
    }
}
