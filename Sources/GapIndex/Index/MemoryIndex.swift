/// A mutable inverted index in memory: the live "delta" that holds gaps changed since the
/// last segment (``DeltaIndex``), and what a segment is built from (``BulkIndex``). The two
/// differ only in how they keep postings (see ``PostingStore``).
struct MemoryIndex<Postings: PostingStore> {
    let analyzer: Analyzer
    private(set) var terms = TermInterner()
    private(set) var postings = Postings()
    private(set) var stems = TermInterner()
    private(set) var stemOfTerm: [UInt32] = []
    private(set) var termsOfStem: [[UInt32]] = []
    /// Term ids in bytewise order of their terms, kept when `keepsSortedTerms` (for fuzzy
    /// matching over a live delta); see ``sortTerms()``.
    private(set) var sortedTerms: [UInt32] = []
    /// The sorted terms' bytes laid out contiguously (`sortedTermBytes[sortedTermStarts[i]...]`),
    /// so fuzzy matching reads them with pointer arithmetic.
    private(set) var sortedTermBytes: [UInt8] = []
    private(set) var sortedTermStarts: [UInt32] = [0]
    private var sortedTermsAreCurrent = true

    // Per slot.
    private(set) var ids = ContiguousArray<UInt64>()
    private(set) var attributes = ContiguousArray<DocumentAttributes>()
    private(set) var titleLengths = ContiguousArray<UInt32>()
    private(set) var descriptionLengths = ContiguousArray<UInt32>()
    /// Whether a slot still holds the current version of its gap.
    private(set) var live = ContiguousArray<Bool>()
    private(set) var contentHashes = ContiguousArray<UInt64>()
    private(set) var slotByID: [UInt64: UInt32] = [:]

    /// Field lengths summed over live documents.
    private(set) var totalTitleLength = 0
    private(set) var totalDescriptionLength = 0
    private(set) var liveCount = 0

    // Scratch for counting one document's terms: `docTermIndex[term]` is the index + 1 of the
    // term in `docTerms` while the document is being added, 0 otherwise.
    private var docTermIndex: [UInt32] = []
    private var docTerms: [DocumentTermCount] = []
    /// The analyzer's buffers, reused for every field of every document.
    private var scratch = Analyzer.Scratch(remembersStems: true)

    init(analyzer: Analyzer) { self.analyzer = analyzer }

    var slotCount: Int { ids.count }

    /// Adds (or replaces) a document; returns its slot.
    @discardableResult
    mutating func add(_ document: IndexDocument) -> UInt32 {
        if let old = slotByID[document.id] { remove(slot: old) }
        let slot = UInt32(ids.count)
        // Out of `self` while in use, as the analysis callback mutates `self`.
        var scratch = Analyzer.Scratch()
        swap(&scratch, &self.scratch)
        let titleLength = collect(document.title, field: 0, &scratch)
        let descriptionLength = collect(document.description, field: 1, &scratch)
        swap(&scratch, &self.scratch)
        docTerms.withUnsafeBufferPointer { postings.append(slot: slot, $0) }
        docTermIndex.withUnsafeMutableBufferPointer { docTermIndex in
            for entry in docTerms { docTermIndex[Int(entry.term)] = 0 }
        }
        docTerms.removeAll(keepingCapacity: true)
        ids.append(document.id)
        attributes.append(document.attributes)
        titleLengths.append(UInt32(titleLength))
        descriptionLengths.append(UInt32(descriptionLength))
        live.append(true)
        contentHashes.append(document.contentHash)
        slotByID[document.id] = slot
        totalTitleLength += titleLength
        totalDescriptionLength += descriptionLength
        liveCount += 1
        return slot
    }

    /// Marks a document's slot as superseded; its postings stay but are skipped.
    mutating func remove(id: UInt64) {
        if let slot = slotByID[id] { remove(slot: slot) }
    }

    private mutating func remove(slot: UInt32) {
        let index = Int(slot)
        guard live[index] else { return }
        live[index] = false
        totalTitleLength -= Int(titleLengths[index])
        totalDescriptionLength -= Int(descriptionLengths[index])
        liveCount -= 1
        slotByID[ids[index]] = nil
    }

    /// Counts `text`'s terms into `docTerms`; returns the field's length in words.
    private mutating func collect(_ text: String, field: Int, _ scratch: inout Analyzer.Scratch) -> Int {
        analyzer.analyze(text, &scratch) { bytes, _, _ in
            let (term, isNew) = terms.intern(bytes)
            if isNew {
                postings.addTerm()
                docTermIndex.append(0)
                var stem = Array(bytes)
                Stemming.stem(&stem)
                let (stemID, isNewStem) = stem.withUnsafeBufferPointer { stems.intern($0) }
                if isNewStem { termsOfStem.append([]) }
                stemOfTerm.append(stemID)
                termsOfStem[Int(stemID)].append(term)
                sortedTermsAreCurrent = false
            }
            let t = Int(term)
            if docTermIndex[t] == 0 {
                docTerms.append((term, 0, 0))
                docTermIndex[t] = UInt32(docTerms.count)
            }
            let at = Int(docTermIndex[t]) - 1
            if field == 0 { docTerms[at].title += 1 } else { docTerms[at].description += 1 }
        }
    }

    /// Brings ``sortedTerms`` up to date with the dictionary.
    mutating func sortTerms() {
        guard !sortedTermsAreCurrent else { return }
        let terms = self.terms
        // Terms are only ever added: sort the new ones and merge them in.
        let added = (UInt32(sortedTerms.count)..<UInt32(terms.count)).sorted {
            terms.bytes(of: $0).lexicographicallyPrecedes(terms.bytes(of: $1))
        }
        var merged: [UInt32] = []
        merged.reserveCapacity(terms.count)
        var i = 0
        var j = 0
        while i < sortedTerms.count || j < added.count {
            if j == added.count
                || (i < sortedTerms.count && terms.bytes(of: sortedTerms[i]).lexicographicallyPrecedes(terms.bytes(of: added[j])))
            {
                merged.append(sortedTerms[i])
                i += 1
            } else {
                merged.append(added[j])
                j += 1
            }
        }
        sortedTerms = merged
        sortedTermBytes.removeAll(keepingCapacity: true)
        sortedTermStarts = [0]
        sortedTermStarts.reserveCapacity(merged.count + 1)
        for term in merged {
            sortedTermBytes.append(contentsOf: terms.bytes(of: term))
            sortedTermStarts.append(UInt32(sortedTermBytes.count))
        }
        sortedTermsAreCurrent = true
    }

    /// The terms sharing a stem with `stem`'s bytes.
    func terms(withStem stem: UnsafeBufferPointer<UInt8>) -> [UInt32] {
        guard let id = stems.find(stem) else { return [] }
        return termsOfStem[Int(id)]
    }

    /// The id of a term, if any document has it.
    func termID(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32? { terms.find(bytes) }

    /// Calls `body` for every posting, live or superseded; a term's postings come in ascending
    /// slot order.
    @inline(__always)
    func forEachPosting(_ body: (_ term: Int, _ slot: UInt32, _ title: UInt8, _ description: UInt8) -> Void) {
        postings.forEachPosting(body)
    }
}

/// The live delta: postings kept per term, searchable as documents arrive.
typealias DeltaIndex = MemoryIndex<PostingLists>

/// What ``SegmentBuilder`` fills: postings appended in one flat run and grouped by term once,
/// when the segment is written.
typealias BulkIndex = MemoryIndex<AppendedPostings>

extension MemoryIndex where Postings == PostingLists {
    /// Per term, the ascending slots of the documents that have it.
    var postingDocs: [ContiguousArray<UInt32>] { postings.docs }
    /// Per term, the title and description frequency of each of its postings.
    var postingFrequencies: [ContiguousArray<UInt8>] { postings.frequencies }

    /// How many documents (live or superseded) have the term.
    func documentFrequency(_ term: UInt32) -> Int { postings.docs[Int(term)].count }
}

/// A term of one document with its frequency in each field.
typealias DocumentTermCount = (term: UInt32, title: UInt32, description: UInt32)

/// How a ``MemoryIndex`` keeps its postings: each posting is a document slot with the term's
/// frequency in the title and in the description (each capped at 255).
protocol PostingStore {
    init()
    /// Makes room for a new term (term ids are dense: its id is the number of terms before).
    mutating func addTerm()
    /// Adds the postings of document `slot` (greater than any slot added before) for its
    /// distinct terms.
    mutating func append(slot: UInt32, _ terms: UnsafeBufferPointer<DocumentTermCount>)
    /// Calls `body` for every posting; a term's postings come in ascending slot order.
    func forEachPosting(_ body: (_ term: Int, _ slot: UInt32, _ title: UInt8, _ description: UInt8) -> Void)
}

/// Postings as parallel arrays per term: ascending slots, and two frequencies per posting.
/// No object per posting.
struct PostingLists: PostingStore {
    private(set) var docs: [ContiguousArray<UInt32>] = []
    private(set) var frequencies: [ContiguousArray<UInt8>] = []

    mutating func addTerm() {
        docs.append([])
        frequencies.append([])
    }

    mutating func append(slot: UInt32, _ terms: UnsafeBufferPointer<DocumentTermCount>) {
        // Postings stay sorted by slot because slots only grow. Through buffer pointers: an
        // element of `docs` mutated in place checks the outer array's uniqueness each time.
        docs.withUnsafeMutableBufferPointer { docs in
            frequencies.withUnsafeMutableBufferPointer { frequencies in
                for entry in terms {
                    let term = Int(entry.term)
                    docs[term].append(slot)
                    frequencies[term].append(UInt8(min(entry.title, 255)))
                    frequencies[term].append(UInt8(min(entry.description, 255)))
                }
            }
        }
    }

    @inline(__always)
    func forEachPosting(_ body: (_ term: Int, _ slot: UInt32, _ title: UInt8, _ description: UInt8) -> Void) {
        for term in docs.indices {
            let termDocs = docs[term]
            let termFrequencies = frequencies[term]
            for i in termDocs.indices { body(term, termDocs[i], termFrequencies[2 * i], termFrequencies[2 * i + 1]) }
        }
    }
}

/// Postings appended document after document in flat arrays, for bulk builds: nothing is
/// kept per term until ``SegmentWriter`` groups them once. (Appending each posting to its
/// term's own array cost a cache miss and a uniqueness check per posting, and the arrays'
/// growth and release.)
struct AppendedPostings: PostingStore {
    /// The term of each posting.
    private(set) var terms: [UInt32] = []
    /// The title and description frequency of each posting.
    private(set) var frequencies: [UInt8] = []
    /// Slot `s`'s postings are `documentStarts[s] ..< documentStarts[s + 1]`.
    private(set) var documentStarts: [Int] = [0]

    mutating func addTerm() {}

    mutating func append(slot: UInt32, _ terms: UnsafeBufferPointer<DocumentTermCount>) {
        precondition(Int(slot) == documentStarts.count - 1, "AppendedPostings: slots are appended in order")
        // Grown once per document and filled through pointers: an append per posting checked
        // the arrays' uniqueness each time.
        let start = self.terms.count
        self.terms.append(contentsOf: repeatElement(0, count: terms.count))
        frequencies.append(contentsOf: repeatElement(0, count: 2 * terms.count))
        self.terms.withUnsafeMutableBufferPointer { termIDs in
            frequencies.withUnsafeMutableBufferPointer { frequencies in
                for (i, entry) in terms.enumerated() {
                    termIDs[start + i] = entry.term
                    frequencies[2 * (start + i)] = UInt8(min(entry.title, 255))
                    frequencies[2 * (start + i) + 1] = UInt8(min(entry.description, 255))
                }
            }
        }
        documentStarts.append(self.terms.count)
    }

    @inline(__always)
    func forEachPosting(_ body: (_ term: Int, _ slot: UInt32, _ title: UInt8, _ description: UInt8) -> Void) {
        terms.withUnsafeBufferPointer { terms in
            frequencies.withUnsafeBufferPointer { frequencies in
                documentStarts.withUnsafeBufferPointer { starts in
                    for slot in 0..<starts.count - 1 {
                        for i in starts[slot]..<starts[slot + 1] {
                            body(Int(terms[i]), UInt32(slot), frequencies[2 * i], frequencies[2 * i + 1])
                        }
                    }
                }
            }
        }
    }
}
