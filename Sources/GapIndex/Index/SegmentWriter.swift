/// Serializes a ``MemoryIndex`` into the ``Segment`` format: live documents only, slots
/// renumbered densely, terms sorted bytewise.
///
/// The layout is computed first and every section is then stored straight into one buffer of
/// the final size: no per-term arrays, no appends (a 100k-gap segment holds millions of
/// postings).
enum SegmentWriter {
    /// Segments are padded to at least this size (see `serialize`).
    static let minimumSize = 8192

    static func serialize<Postings>(_ index: MemoryIndex<Postings>, analyzerFingerprint: UInt64, sequence: UInt64) -> [UInt8] {
        // Dense slots for live documents.
        var newSlot = [UInt32](repeating: UInt32.max, count: index.slotCount)
        var liveSlots: [Int] = []
        liveSlots.reserveCapacity(index.liveCount)
        for slot in 0..<index.slotCount where index.live[slot] {
            newSlot[slot] = UInt32(liveSlots.count)
            liveSlots.append(slot)
        }
        let n = liveSlots.count
        let titleLengths = liveSlots.map { Int(index.titleLengths[$0]) }
        let descriptionLengths = liveSlots.map { Int(index.descriptionLengths[$0]) }

        // Live postings per term, and those in titles; terms with at least one, sorted.
        var livePostingCounts = [Int](repeating: 0, count: index.terms.count)
        var titlePostingCounts = [Int](repeating: 0, count: index.terms.count)
        index.live.withUnsafeBufferPointer { live in
            livePostingCounts.withUnsafeMutableBufferPointer { counts in
                titlePostingCounts.withUnsafeMutableBufferPointer { titleCounts in
                    index.forEachPosting { term, slot, title, _ in
                        guard live[Int(slot)] else { return }
                        counts[term] += 1
                        if title > 0 { titleCounts[term] += 1 }
                    }
                }
            }
        }
        let termOrder = index.terms.sortedBytewise((0..<UInt32(index.terms.count)).filter { livePostingCounts[Int($0)] > 0 })
        let t = termOrder.count
        let all = PostingLayout(termOrder.map { livePostingCounts[Int($0)] })
        let titles = PostingLayout(termOrder.map { titlePostingCounts[Int($0)] })

        // Stem groups, numbered in bytewise order of the stems so that a stem can be found
        // by binary search; members in term order. A stem whose terms all lost their live
        // postings has an empty group: harmless.
        let stemOrder = index.stems.sortedBytewise((0..<UInt32(index.stems.count)).filter { !index.termsOfStem[Int($0)].isEmpty })
        let g = stemOrder.count
        var groupOfOldStem = [UInt32](repeating: UInt32.max, count: index.stems.count)
        for (group, stem) in stemOrder.enumerated() { groupOfOldStem[Int(stem)] = UInt32(group) }
        var groupOfTerm = [UInt32](repeating: 0, count: t)
        var groupStarts = [Int](repeating: 0, count: g + 1)
        for (newTerm, term) in termOrder.enumerated() {
            let group = groupOfOldStem[Int(index.stemOfTerm[Int(term)])]
            groupOfTerm[newTerm] = group
            groupStarts[Int(group) + 1] += 1
        }
        for group in 0..<g { groupStarts[group + 1] += groupStarts[group] }
        // Members in ascending term order: filled by a pass over the terms in order.
        var groupMembers = [UInt32](repeating: 0, count: t)
        var nextMember = groupStarts
        for (newTerm, group) in groupOfTerm.enumerated() {
            groupMembers[nextMember[Int(group)]] = UInt32(newTerm)
            nextMember[Int(group)] += 1
        }

        // Layout: every section 8-byte aligned, in the order `Segment` reads them.
        let termByteCount = termOrder.reduce(0) { $0 + index.terms.length(of: $1) }
        let stemByteCount = stemOrder.reduce(0) { $0 + index.stems.length(of: $1) }
        let sectionSizes = [
            n * 8, n, n, n * 4, n * 8, n * 8, n * 2, n * 2,  // per document
            (t + 1) * 4, termByteCount,  // terms
            (t + 1) * 4, all.count * 4, all.count * 2, t * 8,  // postings, term bounds
            t * 4, (g + 1) * 4, t * 4, (g + 1) * 4, stemByteCount,  // stem groups
            n * 8,  // content hashes
            (t + 1) * 4, all.blockCount * 4, all.blockCount * 8,  // blocks
            (t + 1) * 4, titles.count * 4, titles.count * 2, t * 8,  // title postings, term bounds
            (t + 1) * 4, titles.blockCount * 4, titles.blockCount * 8,  // title blocks
        ]
        var offsets: [Int] = []
        var end = Segment.headerSize
        for size in sectionSizes {
            end = (end + 7) & ~7
            offsets.append(end)
            end += size
        }
        end = (end + 7) & ~7
        // Small values sit inside an LMDB leaf page at any alignment; from a few KiB they get
        // pages of their own (page-aligned), which the in-place reader needs.
        let totalSize = max(end, minimumSize)

        var bytes = [UInt8](repeating: 0, count: totalSize)
        bytes.withUnsafeMutableBytes { buffer in
            let base = buffer.baseAddress!
            var section = 0
            /// A writer at the start of the next section.
            func next() -> SectionWriter {
                defer { section += 1 }
                return SectionWriter(base: base, offset: offsets[section])
            }
            var w = next()
            for slot in liveSlots { w.put(index.ids[slot]) }
            w = next()
            for slot in liveSlots { w.put(index.attributes[slot].status) }
            w = next()
            for slot in liveSlots { w.put(UInt8(index.attributes[slot].merged ? 1 : 0)) }
            w = next()
            for slot in liveSlots { w.put(index.attributes[slot].category) }
            w = next()
            for slot in liveSlots { w.put(index.attributes[slot].team) }
            w = next()
            for slot in liveSlots { w.put(index.attributes[slot].createdAt) }
            w = next()
            for length in titleLengths { w.put(UInt16(min(length, 65535))) }
            w = next()
            for length in descriptionLengths { w.put(UInt16(min(length, 65535))) }

            /// Two sections: where each of `order`'s strings ends (after a leading 0), then
            /// their bytes.
            func putStrings(_ order: [UInt32], of interner: TermInterner) {
                var w = next()
                var end = 0
                w.put(UInt32(end))
                for id in order {
                    end += interner.length(of: id)
                    w.put(UInt32(end))
                }
                w = next()
                for id in order { interner.withBytes(of: id) { w.put($0) } }
            }
            putStrings(termOrder, of: index.terms)

            /// The sections of a posting set (see ``PostingSet``): starts, docs and
            /// frequencies, term bounds; after the stem groups and content hashes (for the
            /// set of all postings) its blocks. The title set keeps each posting whose title
            /// has the term, with description frequency 0: taken in order from the set of all
            /// postings (`from`, already written), which holds the terms in the same order.
            func putPostings(_ layout: PostingLayout, from all: (docs: Int, frequencies: Int, count: Int)? = nil)
                -> (docs: Int, frequencies: Int)
            {
                var w = next()
                for start in layout.starts { w.put(UInt32(start)) }
                let docsOffset = offsets[section]
                let frequenciesOffset = offsets[section + 1]
                if let all {
                    var i = 0
                    for j in 0..<all.count {
                        let title = base.load(fromByteOffset: all.frequencies + 2 * j, as: UInt8.self)
                        guard title > 0 else { continue }
                        base.storeBytes(of: base.load(fromByteOffset: all.docs + 4 * j, as: UInt32.self), toByteOffset: docsOffset + 4 * i, as: UInt32.self)
                        base.storeBytes(of: title, toByteOffset: frequenciesOffset + 2 * i, as: UInt8.self)
                        i += 1
                    }
                } else {
                    // Each live posting goes to the next free place of its term.
                    var nextPosting = [Int](repeating: 0, count: index.terms.count)
                    for (newTerm, term) in termOrder.enumerated() { nextPosting[Int(term)] = layout.starts[newTerm] }
                    index.live.withUnsafeBufferPointer { live in
                        newSlot.withUnsafeBufferPointer { newSlot in
                            nextPosting.withUnsafeMutableBufferPointer { nextPosting in
                                index.forEachPosting { term, slot, title, description in
                                    guard live[Int(slot)] else { return }
                                    let i = nextPosting[term]
                                    nextPosting[term] = i + 1
                                    base.storeBytes(of: newSlot[Int(slot)].littleEndian, toByteOffset: docsOffset + 4 * i, as: UInt32.self)
                                    base.storeBytes(of: title, toByteOffset: frequenciesOffset + 2 * i, as: UInt8.self)
                                    base.storeBytes(of: description, toByteOffset: frequenciesOffset + 2 * i + 1, as: UInt8.self)
                                }
                            }
                        }
                    }
                }
                section += 2
                // Per-term bounds for pruning.
                w = next()
                for newTerm in 0..<t { w.put(bounds(docsOffset, frequenciesOffset, layout.starts[newTerm]..<layout.starts[newTerm + 1])) }
                return (docsOffset, frequenciesOffset)
            }
            /// Blocks: for each run of `blockSize` postings of a term, its last slot and the
            /// same bounds as the term's, over the run only.
            func putBlocks(_ layout: PostingLayout, _ postings: (docs: Int, frequencies: Int)) {
                let (docsOffset, frequenciesOffset) = postings
                var w = next()
                for start in layout.blockStarts { w.put(UInt32(start)) }
                var lastDocs = next()
                var blockBounds = next()
                for newTerm in 0..<t {
                    let end = layout.starts[newTerm + 1]
                    for start in stride(from: layout.starts[newTerm], to: end, by: Segment.blockSize) {
                        let blockEnd = min(start + Segment.blockSize, end)
                        lastDocs.put(UInt32(doc(docsOffset, blockEnd - 1)))
                        blockBounds.put(bounds(docsOffset, frequenciesOffset, start..<blockEnd))
                    }
                }
            }
            func doc(_ docsOffset: Int, _ i: Int) -> Int {
                Int(UInt32(littleEndian: base.load(fromByteOffset: docsOffset + 4 * i, as: UInt32.self)))
            }
            /// The bounds of postings `range` (as written by `putPostings`).
            func bounds(_ docsOffset: Int, _ frequenciesOffset: Int, _ range: Range<Int>) -> PostingBounds {
                var bounds = PostingBounds()
                for i in range {
                    let slot = doc(docsOffset, i)
                    bounds.add(
                        title: base.load(fromByteOffset: frequenciesOffset + 2 * i, as: UInt8.self),
                        description: base.load(fromByteOffset: frequenciesOffset + 2 * i + 1, as: UInt8.self),
                        titleLength: titleLengths[slot], descriptionLength: descriptionLengths[slot])
                }
                return bounds
            }
            let allPostings = putPostings(all)
            w = next()
            for group in groupOfTerm { w.put(group) }
            w = next()
            for start in groupStarts { w.put(UInt32(start)) }
            w = next()
            for term in groupMembers { w.put(term) }
            putStrings(stemOrder, of: index.stems)
            w = next()
            for slot in liveSlots { w.put(index.contentHashes[slot]) }
            putBlocks(all, allPostings)
            putBlocks(titles, putPostings(titles, from: (allPostings.docs, allPostings.frequencies, all.count)))

            // Header.
            let header = SectionWriter(base: base, offset: 0)
            header.set(Segment.magic, at: 0)
            header.set(Segment.formatVersion, at: 8)
            header.set(UInt64(n), at: 16)
            header.set(UInt64(t), at: 24)
            header.set(UInt64(all.count), at: 32)
            header.set(UInt64(g), at: 40)
            header.set(analyzerFingerprint, at: 48)
            header.set(sequence, at: 56)
            header.set(UInt64(titleLengths.reduce(0, +)), at: 64)
            header.set(UInt64(descriptionLengths.reduce(0, +)), at: 72)
            header.set(UInt64.random(in: 1...UInt64.max), at: 80)
            header.set(UInt64(totalSize), at: 88)
            for (i, offset) in offsets.enumerated() { header.set(UInt64(offset), at: 96 + i * 8) }
            header.set(UInt64(all.blockCount), at: 336)
            header.set(UInt64(titles.count), at: 344)
            header.set(UInt64(titles.blockCount), at: 352)
        }
        return bytes
    }
}

/// Where each term's postings and blocks start in a posting set, given each term's posting
/// count (terms in segment order).
struct PostingLayout {
    var starts: [Int]
    var blockStarts: [Int]

    init(_ counts: [Int]) {
        starts = [0]
        blockStarts = [0]
        starts.reserveCapacity(counts.count + 1)
        blockStarts.reserveCapacity(counts.count + 1)
        for count in counts {
            starts.append(starts.last! + count)
            blockStarts.append(blockStarts.last! + (count + Segment.blockSize - 1) >> Segment.blockShift)
        }
    }

    var count: Int { starts.last! }
    var blockCount: Int { blockStarts.last! }
}

/// The most a run of postings can weigh: the highest title and description frequency and
/// the shortest title and description among the documents with the word in that field.
/// (Taken field by field, so a bound, not necessarily one document's values.)
struct PostingBounds {
    var maxTitle: UInt8 = 0
    var maxDescription: UInt8 = 0
    var minTitleLength = UInt16.max
    var minDescriptionLength = UInt16.max

    @inline(__always)
    mutating func add(title: UInt8, description: UInt8, titleLength: Int, descriptionLength: Int) {
        maxTitle = max(maxTitle, title)
        maxDescription = max(maxDescription, description)
        if title > 0 { minTitleLength = min(minTitleLength, UInt16(min(titleLength, 65535))) }
        if description > 0 { minDescriptionLength = min(minDescriptionLength, UInt16(min(descriptionLength, 65535))) }
    }
}

/// Little-endian stores into a buffer whose layout was computed in advance, moving forward
/// from a section's start. Writes nothing past what the layout reserved (the caller's
/// sizes), so no bounds are checked here.
struct SectionWriter {
    let base: UnsafeMutableRawPointer
    private(set) var offset: Int

    init(base: UnsafeMutableRawPointer, offset: Int) {
        self.base = base
        self.offset = offset
    }

    @inline(__always)
    mutating func put<T: FixedWidthInteger>(_ value: T) {
        base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
    }

    @inline(__always)
    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        (base + offset).copyMemory(from: source, byteCount: bytes.count)
        offset += bytes.count
    }

    /// As stored: four `UInt16`s.
    @inline(__always)
    mutating func put(_ bounds: PostingBounds) {
        put(UInt16(bounds.maxTitle))
        put(UInt16(bounds.maxDescription))
        put(bounds.minTitleLength)
        put(bounds.minDescriptionLength)
    }

    /// Stores `value` at `offset` from the base (for the header).
    @inline(__always)
    func set<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
    }
}
