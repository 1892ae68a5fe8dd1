import Testing

@testable import GapIndex

/// Building a segment and reading it back in place; rejecting damaged bytes.
@Suite("Segment")
struct SegmentTests {
    static let documents = [
        doc(1, "Search is slow", "searching the logs takes minutes",
            DocumentAttributes(status: 1, category: 7, team: 99, merged: false, createdAt: 1_000)),
        doc(2, "Searches fail", "search search search",
            DocumentAttributes(status: 2, category: 8, team: 100, merged: true, createdAt: 2_000)),
        doc(5, "Export to CSV", "", DocumentAttributes(status: 3, category: 7, team: 99, merged: false, createdAt: -5)),
    ]

    @Test func headerAndAttributesReadBack() throws {
        try withSegment(Self.documents, sequence: 42) { segment, bytes in
            #expect(segment.documentCount == 3)
            #expect(segment.sequence == 42)
            #expect(segment.analyzerFingerprint == Analyzer().fingerprint)
            #expect(segment.nonce != 0)
            #expect(bytes.count % 8 == 0)
            #expect((0..<3).map { segment.ids[$0] } == [1, 2, 5])
            #expect((0..<3).map { segment.status[$0] } == [1, 2, 3])
            #expect((0..<3).map { segment.merged[$0] } == [0, 1, 0])
            #expect((0..<3).map { segment.category[$0] } == [7, 8, 7])
            #expect((0..<3).map { segment.team[$0] } == [99, 100, 99])
            #expect((0..<3).map { segment.created[$0] } == [1_000, 2_000, -5])
            // Field lengths count whole words, stop words included.
            #expect((0..<3).map { segment.titleLengths[$0] } == [3, 2, 3])
            #expect((0..<3).map { segment.descriptionLengths[$0] } == [5, 3, 0])
            #expect(segment.totalTitleLength == 8)
            #expect(segment.totalDescriptionLength == 8)
            #expect(segment.slot(ofID: 5) == 2)
            #expect(segment.slot(ofID: 3) == nil)
        }
    }

    @Test func documentsListIdsAndContentHashes() throws {
        try withSegment(Self.documents) { segment, _ in
            let listed = segment.documents()
            #expect(listed.map(\.id) == [1, 2, 5])
            #expect(listed.map(\.contentHash) == Self.documents.map(\.contentHash))
        }
        // The hash covers the attributes too.
        var changed = Self.documents[0]
        changed.attributes.status = 9
        #expect(changed.contentHash != Self.documents[0].contentHash)
    }

    @Test func termsAreSortedDistinctAndFindable() throws {
        try withSegment(Self.documents) { segment, _ in
            let terms = segment.allTerms
            #expect(terms.count == segment.termCount)
            #expect(terms == Array(Set(terms)).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
            #expect(Set(terms) == ["search", "slow", "searching", "logs", "takes", "minutes", "searches", "fail", "export", "csv"])
            for (id, term) in terms.enumerated() { #expect(segment.termID(term) == id) }
            #expect(segment.termID("the") == nil, "stop words are not indexed")
            #expect(segment.termID("sear") == nil)
            #expect(segment.termID("") == nil)
        }
    }

    @Test func postingsCarryFrequenciesPerField() throws {
        try withSegment(Self.documents) { segment, _ in
            let search = try #require(segment.termID("search"))
            let postings = segment.postings(search)
            #expect(postings.map(\.slot) == [0, 1])
            #expect(postings.map(\.title) == [1, 0])
            #expect(postings.map(\.description) == [0, 3])
            #expect(segment.documentFrequency(search) == 2)
            let csv = try #require(segment.termID("csv"))
            #expect(segment.postings(csv).map(\.slot) == [2])
            // Every posting list is ascending, every posting has a frequency.
            for term in 0..<segment.termCount {
                let slots = segment.postings(term).map(\.slot)
                #expect(slots == slots.sorted() && Set(slots).count == slots.count)
                #expect(segment.postings(term).allSatisfy { $0.title + $0.description > 0 && $0.slot < segment.documentCount })
            }
        }
    }

    /// The title postings are each term's postings with a title frequency, description
    /// frequency 0, with bounds of their own.
    @Test func titlePostingsAreThePostingsOfTitles() throws {
        try withSegment(Self.documents) { segment, _ in
            let search = try #require(segment.termID("search"))
            #expect(segment.postings(search, scope: .titles).map(\.slot) == [0])
            var titled = 0
            for term in 0..<segment.termCount {
                let expected = segment.postings(term).filter { $0.title > 0 }.map { [$0.slot, $0.title, 0] }
                #expect(segment.postings(term, scope: .titles).map { [$0.slot, $0.title, $0.description] } == expected)
                titled += expected.count
                let bounds = segment.titlePostings.termBounds + 4 * term
                #expect(bounds[1] == 0 && Int(bounds[0]) == (expected.map { $0[1] }.max() ?? 0))
            }
            #expect(titled == segment.titlePostings.count && titled > 0 && titled < segment.postings.count)
        }
    }

    @Test func stemGroupsJoinInflections() throws {
        try withSegment(Self.documents) { segment, _ in
            let ids = try ["search", "searches", "searching"].map { try #require(segment.termID($0)) }
            let group = try #require(Array("search".utf8).withUnsafeBufferPointer { segment.stems.index(of: $0) })
            #expect(Set(segment.terms(inStemGroup: group).map(Int.init)) == Set(ids))
            for id in ids { #expect(Set(segment.stemSiblings(id).map(Int.init)) == Set(ids)) }
            let slow = try #require(segment.termID("slow"))
            #expect(segment.stemSiblings(slow).map(Int.init) == [slow])
            #expect(Array("nothing".utf8).withUnsafeBufferPointer { segment.stems.index(of: $0) } == nil)
        }
    }

    @Test func laterDuplicateIdReplacesEarlier() throws {
        let bytes = SegmentBuilder.build([doc(1, "old words"), doc(1, "new words")], analyzer: Analyzer(), sequence: 1)
        try bytes.withUnsafeBytes { raw in
            let segment = try Segment(bytes: raw)
            #expect(segment.documentCount == 1)
            #expect(segment.termID("old") == nil)
            #expect(segment.termID("new") != nil)
            #expect(segment.documents().map(\.contentHash) == [doc(1, "new words").contentHash])
        }
    }

    @Test func emptySegment() throws {
        try withSegment([]) { segment, _ in
            #expect(segment.documentCount == 0)
            #expect(segment.termCount == 0)
            #expect(segment.documents().isEmpty)
            let index = LiveIndex()
            index.update(segments: [segment], documents: [], through: 1)
            #expect(index.search(SearchRequest(title: "anything"), segments: [segment]).isEmpty)
        }
    }

    // MARK: - Damaged bytes

    static func build() -> [UInt8] {
        var rng = SplitMix64(seed: 11)
        let vocabulary: [String] = ["search", "searches", "export", "exports", "csv", "saml", "group", "sync", "login", "slow", "fails",
                          "permission", "permissions", "dashboard", "chart", "filter", "oauth2", "HDFS-1234"]
        func words(_ count: Int) -> String {
            var words: [String] = []
            for _ in 0..<count { words.append(vocabulary.randomElement(using: &rng)!) }
            return words.joined(separator: " ")
        }
        var documents: [IndexDocument] = []
        for id in 1...30 {
            let attributes = DocumentAttributes(status: UInt8(id % 3), category: UInt32(id % 4), team: UInt64(id % 2))
            documents.append(doc(UInt64(id), words(3), words(6), attributes))
        }
        return SegmentBuilder.build(documents, analyzer: Analyzer(), sequence: 3)
    }

    static func open(_ bytes: [UInt8]) -> Result<Int, Segment.FormatError> {
        bytes.withUnsafeBytes { raw in
            do throws(Segment.FormatError) {
                return .success(try Segment(bytes: raw).documentCount)
            } catch {
                return .failure(error)
            }
        }
    }

    @Test func tooShortIsRejected() {
        let bytes = Self.build()
        #expect(Self.open([]) == .failure(.tooShort))
        #expect(Self.open(Array(bytes[..<100])) == .failure(.tooShort))
        #expect(Self.open(Array(bytes[..<255])) == .failure(.tooShort))
    }

    @Test func badMagicIsRejected() {
        var bytes = Self.build()
        bytes[0] ^= 0x01
        #expect(Self.open(bytes) == .failure(.badMagic))
        #expect(Self.open([UInt8](repeating: 0, count: 4096)) == .failure(.badMagic))
    }

    @Test func otherVersionIsRejected() {
        var bytes = Self.build()
        let other = Segment.formatVersion + 1
        bytes[8] = UInt8(other)
        #expect(Self.open(bytes) == .failure(.unsupportedVersion(other)))
    }

    @Test func misalignedStartIsRejected() {
        let bytes = Self.build()
        for shift in 1..<8 {
            let shifted = [UInt8](repeating: 0, count: shift) + bytes
            let result = shifted.withUnsafeBytes { raw -> Segment.FormatError? in
                do throws(Segment.FormatError) {
                    _ = try Segment(bytes: UnsafeRawBufferPointer(rebasing: raw[shift...]))
                    return nil
                } catch {
                    return error
                }
            }
            #expect(result == .misaligned, "shift \(shift)")
        }
    }

    @Test func everyTruncationIsRejected() {
        let bytes = Self.build()
        #expect(Self.open(bytes) == .success(30))
        // The last section (content hashes) ends exactly at the end, so any truncation is
        // caught. Every length is tried.
        for length in 0..<bytes.count {
            let result = Self.open(Array(bytes[..<length]))
            guard case .failure = result else {
                Issue.record("truncation to \(length) of \(bytes.count) bytes accepted")
                return
            }
        }
    }

    /// Damage to the header (counts and section offsets) is rejected, or leaves a segment
    /// that can be searched. A few hundred seeded mutations, in a child process: a trap fails
    /// the test instead of the whole run.
    ///
    /// Today a count or offset with its top bit set traps in `Int(UInt64)` (see
    /// `hugeHeaderValuesAreRejected`).
    @Test func headerCorruptionIsRejectedOrHarmless() async {
        await #expect(processExitsWith: .success) {
            var rng = SplitMix64(seed: 0x5E6)
            let original = SegmentTests.build()
            for round in 0..<400 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    let offset = Int.random(in: 0..<Segment.headerSize, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: bytes[offset] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
                    case 1: bytes[offset] = UInt8.random(in: 0...255, using: &rng)
                    default: bytes[offset] = [0, 0xFF, 0x80, 0x7F].randomElement(using: &rng)!
                    }
                }
                SegmentTests.openAndSearch(bytes, round: round)
            }
        }
    }

    /// A header count or offset that does not fit an `Int` must be rejected with a
    /// ``Segment/FormatError``, not trap. Each case runs in a child process.
    @Test(arguments: [
        23,  // top byte of the document count
        31,  // top byte of the term count
        39,  // top byte of the posting count
        96 + 7,  // top byte of the first section offset
    ])
    func hugeHeaderValuesAreRejected(byte: Int) async {
        await #expect(processExitsWith: .success) { [byte] in
            var bytes = SegmentTests.build()
            bytes[byte] = 0x80
            guard case .failure = SegmentTests.open(bytes) else { fatalError("accepted") }
        }
    }

    /// A count large enough that its section size overflows `Int` must be rejected.
    @Test func overflowingCountIsRejected() async {
        await #expect(processExitsWith: .success) {
            var bytes = SegmentTests.build()
            bytes[23] = 0x20  // document count 2^61 + …: n × 8 overflows
            guard case .failure = SegmentTests.open(bytes) else { fatalError("accepted") }
        }
    }

    /// A posting whose slot is past the segment's documents is rejected at the first open:
    /// searches read per-document arrays (norms, facts) at a posting's slot.
    @Test func postingSlotsPastTheDocumentsAreRejected() throws {
        let original = SegmentTests.build()
        // The header's section offsets start at byte 96: posting docs are section 11, title
        // posting docs section 24.
        for section in [11, 24] {
            var bytes = original
            let offset = bytes.withUnsafeBytes { Int($0.load(fromByteOffset: 96 + section * 8, as: UInt64.self)) }
            for i in 0..<4 { bytes[offset + i] = 0xFF }
            guard case .failure(let error) = SegmentTests.open(bytes) else {
                Issue.record("section \(section): a slot of 2^32 − 1 was accepted")
                continue
            }
            #expect("\(error)".contains("slots"), "\(error)")
        }
    }

    /// Damage past the header: structural damage (start tables, stem groups) is rejected;
    /// damage inside data (postings' slots and frequencies, term and stem bytes, attributes)
    /// may pass validation by design — the checks bound every read but do not re-verify
    /// sort orders — so a segment that opens must still be searchable without crashing.
    @Test func bodyCorruptionIsRejectedOrHarmless() async {
        await #expect(processExitsWith: .success) {
            var rng = SplitMix64(seed: 0xB0D1)
            let original = SegmentTests.build()
            for round in 0..<300 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let offset = Int.random(in: Segment.headerSize..<bytes.count, using: &rng)
                    bytes[offset] = UInt8.random(in: 0...255, using: &rng)
                }
                SegmentTests.openAndSearch(bytes, round: round)
            }
        }
    }

    /// The same for damage confined to the term bytes, where a changed letter can leave
    /// the dictionary out of order (nothing checks the order). The fuzzy matcher's trie walk
    /// then reads past the end of a term (`list.term(i)[depth]` in `FuzzyMatcher.Walker.walk`
    /// and `firstIndex`), which traps in a debug build and reads a neighbour's bytes in a
    /// release build.
    @Test func termBytesCorruptionIsRejectedOrHarmless() async {
        await #expect(processExitsWith: .success) {
            var rng = SplitMix64(seed: 0x7E4)
            let original = SegmentTests.build()
            let (start, end) = SegmentTests.termBytesRange(original)
            for round in 0..<300 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    let offset = Int.random(in: start..<end, using: &rng)
                    bytes[offset] = [UInt8(ascii: "a"), UInt8(ascii: "s"), UInt8(ascii: "z"), 0].randomElement(using: &rng)!
                }
                SegmentTests.openAndSearch(bytes, round: round)
            }
        }
    }

    /// A minimal case of the above: terms `abcde`, `abcdef`, `abcdf`, with the last one's
    /// final letter changed to `e` (`abcde`, `abcdef`, `abcde`: unsorted, but every bound
    /// checks out). A one-typo search for `abcdx` must not trap.
    @Test func unsortedDictionaryDoesNotCrashFuzzySearch() async {
        await #expect(processExitsWith: .success) {
            var bytes = SegmentBuilder.build([doc(1, "abcde abcdef abcdf")], analyzer: Analyzer(), sequence: 1)
            let offset = bytes.withUnsafeBytes { raw -> Int in
                let segment = try! Segment(bytes: raw)
                let id = segment.termID("abcdf")!
                return UnsafeRawPointer(segment.termBytes + Int(segment.termStarts[id])) - segment.base + 4
            }
            bytes[offset] = UInt8(ascii: "e")
            bytes.withUnsafeBytes { raw in
                guard let segment = try? Segment(bytes: raw) else { return }  // rejecting it is fine too
                let index = LiveIndex()
                index.update(segments: [segment], documents: [], through: 2)
                _ = index.search(SearchRequest(title: "abcdx"), segments: [segment])
            }
        }
    }

    /// Where the term bytes section of a segment starts and ends.
    static func termBytesRange(_ bytes: [UInt8]) -> (Int, Int) {
        bytes.withUnsafeBytes { raw in
            let segment = try! Segment(bytes: raw)
            let start = UnsafeRawPointer(segment.termBytes) - segment.base
            return (start, start + Int(segment.termStarts[segment.termCount]))
        }
    }

    /// Opens `bytes`; if they are accepted, searches them in several ways.
    static func openAndSearch(_ bytes: [UInt8], round: Int) {
        bytes.withUnsafeBytes { raw in
            guard let segment = try? Segment(bytes: raw) else { return }
            _ = segment.documents()
            let index = LiveIndex()
            index.update(segments: [segment], documents: [doc(1, "search export replaced")], through: 4)
            for request in [
                SearchRequest(title: "search export", description: "csv permissions", explain: true),
                SearchRequest(title: "serch exprot permisions dashbord"),
                SearchRequest(title: "saml gro", prefixLastWord: true),
                SearchRequest(title: "s", prefixLastWord: true),
                SearchRequest(title: "HDFS-1234 oauth2", filter: SearchFilter(statuses: [1], includeMerged: true)),
            ] {
                _ = index.search(request, segments: [segment])
            }
        }
    }
}
