/// Serializes a ``MemoryIndex`` into the ``Segment`` format: live documents only, slots
/// renumbered densely, terms sorted bytewise.
enum SegmentWriter {
    /// Segments are padded to at least this size (see `serialize`).
    static let minimumSize = 8192

    static func serialize(_ index: MemoryIndex, analyzerFingerprint: UInt64, sequence: UInt64) -> [UInt8] {
        // Dense slots for live documents.
        var newSlot = [UInt32](repeating: UInt32.max, count: index.slotCount)
        var liveSlots: [Int] = []
        for slot in 0..<index.slotCount where index.live[slot] {
            newSlot[slot] = UInt32(liveSlots.count)
            liveSlots.append(slot)
        }
        let n = liveSlots.count
        // Terms with at least one live posting, sorted.
        var termOrder: [Int] = []
        termOrder.reserveCapacity(index.terms.count)
        for term in 0..<index.terms.count where index.postingDocs[term].contains(where: { index.live[Int($0)] }) {
            termOrder.append(term)
        }
        termOrder.sort { a, b in index.terms.bytes(of: UInt32(a)).lexicographicallyPrecedes(index.terms.bytes(of: UInt32(b))) }
        let t = termOrder.count

        // Stem groups, numbered in bytewise order of the stems so that a stem can be found
        // by binary search; members in term order.
        var stemOrder = (0..<UInt32(index.stems.count)).filter { !index.termsOfStem[Int($0)].isEmpty }
        stemOrder.sort { index.stems.bytes(of: $0).lexicographicallyPrecedes(index.stems.bytes(of: $1)) }
        var groupOfOldStem = [UInt32](repeating: UInt32.max, count: index.stems.count)
        for (group, stem) in stemOrder.enumerated() { groupOfOldStem[Int(stem)] = UInt32(group) }
        var groupOfTerm = [UInt32](repeating: 0, count: t)
        var groupMembers = [[UInt32]](repeating: [], count: stemOrder.count)
        for (newTerm, oldTerm) in termOrder.enumerated() {
            let group = groupOfOldStem[Int(index.stemOfTerm[oldTerm])]
            groupOfTerm[newTerm] = group
            groupMembers[Int(group)].append(UInt32(newTerm))
        }
        // A stem whose terms all lost their live postings has an empty group: harmless.
        let g = groupMembers.count

        var out = ByteWriter()
        out.reserve(Segment.headerSize + n * 40 + index.terms.arena.count + index.postingDocs.reduce(0) { $0 + $1.count } * 6)
        out.appendZeros(Segment.headerSize)
        var offsets: [Int] = []
        func section(_ body: (inout ByteWriter) -> Void) {
            out.align(8)
            offsets.append(out.count)
            body(&out)
        }
        section { w in for slot in liveSlots { w.append(index.ids[slot]) } }
        section { w in for slot in liveSlots { w.append(index.attributes[slot].status) } }
        section { w in for slot in liveSlots { w.append(UInt8(index.attributes[slot].merged ? 1 : 0)) } }
        section { w in for slot in liveSlots { w.append(index.attributes[slot].category) } }
        section { w in for slot in liveSlots { w.append(index.attributes[slot].team) } }
        section { w in for slot in liveSlots { w.append(index.attributes[slot].createdAt) } }
        section { w in for slot in liveSlots { w.append(UInt16(min(index.titleLengths[slot], 65535))) } }
        section { w in for slot in liveSlots { w.append(UInt16(min(index.descriptionLengths[slot], 65535))) } }
        section { w in
            var start: UInt32 = 0
            w.append(start)
            for term in termOrder {
                start += UInt32(index.terms.bytes(of: UInt32(term)).count)
                w.append(start)
            }
        }
        section { w in for term in termOrder { w.append(contentsOf: index.terms.bytes(of: UInt32(term))) } }
        // Postings, with per-term bounds for pruning computed on the way.
        var bounds: [UInt16] = []
        bounds.reserveCapacity(t * 4)
        var livePostings: [(docs: [UInt32], frequencies: [UInt8])] = []
        livePostings.reserveCapacity(t)
        for term in termOrder {
            var docs: [UInt32] = []
            var frequencies: [UInt8] = []
            var termBounds = PostingBounds()
            let oldDocs = index.postingDocs[term]
            let oldFrequencies = index.postingFrequencies[term]
            for (i, slot) in oldDocs.enumerated() where index.live[Int(slot)] {
                docs.append(newSlot[Int(slot)])
                let title = oldFrequencies[2 * i]
                let description = oldFrequencies[2 * i + 1]
                frequencies.append(title)
                frequencies.append(description)
                termBounds.add(
                    title: title, description: description, titleLength: Int(index.titleLengths[Int(slot)]),
                    descriptionLength: Int(index.descriptionLengths[Int(slot)]))
            }
            bounds.append(contentsOf: termBounds.values)
            livePostings.append((docs, frequencies))
        }
        let p = livePostings.reduce(0) { $0 + $1.docs.count }
        section { w in
            var start: UInt32 = 0
            w.append(start)
            for postings in livePostings {
                start += UInt32(postings.docs.count)
                w.append(start)
            }
        }
        section { w in for postings in livePostings { for doc in postings.docs { w.append(doc) } } }
        section { w in for postings in livePostings { w.append(contentsOf: postings.frequencies) } }
        section { w in for bound in bounds { w.append(bound) } }
        section { w in for group in groupOfTerm { w.append(group) } }
        section { w in
            var start: UInt32 = 0
            w.append(start)
            for members in groupMembers {
                start += UInt32(members.count)
                w.append(start)
            }
        }
        section { w in for members in groupMembers { for term in members { w.append(term) } } }
        section { w in
            var start: UInt32 = 0
            w.append(start)
            for stem in stemOrder {
                start += UInt32(index.stems.bytes(of: stem).count)
                w.append(start)
            }
        }
        section { w in for stem in stemOrder { w.append(contentsOf: index.stems.bytes(of: stem)) } }
        section { w in for slot in liveSlots { w.append(index.contentHashes[slot]) } }
        // Blocks: for each run of `blockSize` postings of a term, its last slot and the same
        // bounds as the term's, over the run only.
        var blockCount = 0
        section { w in
            w.append(UInt32(0))
            for postings in livePostings {
                blockCount += (postings.docs.count + Segment.blockSize - 1) >> Segment.blockShift
                w.append(UInt32(blockCount))
            }
        }
        section { w in
            for postings in livePostings {
                for start in stride(from: 0, to: postings.docs.count, by: Segment.blockSize) {
                    w.append(postings.docs[min(start + Segment.blockSize, postings.docs.count) - 1])
                }
            }
        }
        section { w in
            for postings in livePostings {
                for start in stride(from: 0, to: postings.docs.count, by: Segment.blockSize) {
                    var bounds = PostingBounds()
                    for i in start..<min(start + Segment.blockSize, postings.docs.count) {
                        let slot = liveSlots[Int(postings.docs[i])]
                        bounds.add(
                            title: postings.frequencies[2 * i], description: postings.frequencies[2 * i + 1],
                            titleLength: Int(index.titleLengths[slot]), descriptionLength: Int(index.descriptionLengths[slot]))
                    }
                    for value in bounds.values { w.append(value) }
                }
            }
        }
        out.align(8)
        // Small values sit inside an LMDB leaf page at any alignment; from a few KiB they get
        // pages of their own (page-aligned), which the in-place reader needs.
        if out.count < minimumSize { out.appendZeros(minimumSize - out.count) }

        // Header.
        out.set(Segment.magic, at: 0)
        out.set(Segment.formatVersion, at: 8)
        out.set(UInt64(n), at: 16)
        out.set(UInt64(t), at: 24)
        out.set(UInt64(p), at: 32)
        out.set(UInt64(g), at: 40)
        out.set(analyzerFingerprint, at: 48)
        out.set(sequence, at: 56)
        out.set(UInt64(liveSlots.reduce(0) { $0 + Int(index.titleLengths[$1]) }), at: 64)
        out.set(UInt64(liveSlots.reduce(0) { $0 + Int(index.descriptionLengths[$1]) }), at: 72)
        out.set(UInt64.random(in: 1...UInt64.max), at: 80)
        out.set(UInt64(out.count), at: 88)
        for (i, offset) in offsets.enumerated() { out.set(UInt64(offset), at: 96 + i * 8) }
        out.set(UInt64(blockCount), at: 280)
        return out.bytes
    }
}

/// The most a run of postings can weigh: the highest title and description frequency and
/// the shortest title and description among the documents with the word in that field.
/// (Taken field by field, so a bound, not necessarily one document's values.)
struct PostingBounds {
    var maxTitle: UInt8 = 0
    var maxDescription: UInt8 = 0
    var minTitleLength = UInt16.max
    var minDescriptionLength = UInt16.max

    mutating func add(title: UInt8, description: UInt8, titleLength: Int, descriptionLength: Int) {
        maxTitle = max(maxTitle, title)
        maxDescription = max(maxDescription, description)
        if title > 0 { minTitleLength = min(minTitleLength, UInt16(min(titleLength, 65535))) }
        if description > 0 { minDescriptionLength = min(minDescriptionLength, UInt16(min(descriptionLength, 65535))) }
    }

    /// As stored: four `UInt16`s.
    var values: [UInt16] { [UInt16(maxTitle), UInt16(maxDescription), minTitleLength, minDescriptionLength] }
}

/// Little-endian appends into a growing byte array.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    var count: Int { bytes.count }

    mutating func reserve(_ capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func appendZeros(_ count: Int) { bytes.append(contentsOf: repeatElement(0, count: count)) }

    mutating func align(_ alignment: Int) {
        while bytes.count % alignment != 0 { bytes.append(0) }
    }

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(contentsOf other: some Sequence<UInt8>) { bytes.append(contentsOf: other) }

    mutating func set<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        withUnsafeBytes(of: value.littleEndian) { raw in
            for (i, byte) in raw.enumerated() { bytes[offset + i] = byte }
        }
    }
}
