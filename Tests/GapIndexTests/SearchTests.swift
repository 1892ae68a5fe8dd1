import Testing

@testable import GapIndex

/// End-to-end searches over a ``LiveIndex``: ranking of exact, stem, typo and prefix matches,
/// filters, explanations, and updates that supersede indexed documents.
@Suite("Search")
struct SearchTests {
    static func ids(_ hits: [SearchHit]) -> [UInt64] { hits.map(\.id) }

    /// Calls `body` with an index of `documents`, in a segment or in the delta, and the
    /// segments to search.
    static func withIndex(_ documents: [IndexDocument], inSegment: Bool, _ body: (LiveIndex, [Segment]) -> Void) throws {
        if inSegment {
            try withSegment(documents) { segment, _ in
                let index = LiveIndex()
                index.update(segments: [segment], documents: [], through: 1)
                body(index, [segment])
            }
        } else {
            body(deltaIndex(documents), [])
        }
    }

    /// The kinds of the term contributions of a hit's explanation.
    static func kinds(_ hit: SearchHit) -> [(term: String, kind: MatchKind, field: Field)] {
        hit.explanation.compactMap {
            if case .term(_, let term, let kind, let field) = $0.source { (term, kind, field) } else { nil }
        }
    }

    // MARK: - Ranking

    @Test func exactTitleMatchRanksFirst() {
        let index = deltaIndex([
            doc(1, "Dashboard filters reset", "export of the dashboard to pdf loses the filters"),
            doc(2, "Export dashboard to PDF", "we need a pdf of every dashboard"),
            doc(3, "CSV export is slow", "exporting a large table to csv takes minutes"),
            doc(4, "Dark mode", "the dashboard is too bright"),
        ])
        let hits = index.search(SearchRequest(title: "Export dashboard to PDF"), segments: [])
        #expect(hits.first?.id == 2)
        #expect(Set(Self.ids(hits)) == [1, 2, 3, 4])
        #expect(hits.map(\.score) == hits.map(\.score).sorted(by: >))
        #expect(hits.allSatisfy { $0.score > 0 && $0.confidence > 0 && $0.confidence <= 1 })
    }

    /// A word in more than half of 1,000 or more gaps is not searched — unless the draft has
    /// no other word; in a smaller index every word is.
    @Test func wordsInMostGapsAreLeftOut() throws {
        let documents = (1...1200).map { id in
            id == 7 ? doc(UInt64(id), "Customer request: kubernetes operator", "customer wants an operator")
                : doc(UInt64(id), "Customer request \(id)", id.isMultiple(of: 3) ? "customer wants kubernetes" : "customer wants it")
        }
        let index = deltaIndex(documents)
        let hits = index.search(SearchRequest(title: "customer kubernetes operator", limit: 5, explain: true), segments: [])
        let first = try #require(hits.first)
        #expect(first.id == 7)
        #expect(hits.allSatisfy { hit in Self.kinds(hit).allSatisfy { $0.term != "customer" } }, "customer is in every gap")
        // Alone, or next to words that match nothing, the common word is still searched.
        #expect(index.search(SearchRequest(title: "customer", limit: 3), segments: []).count == 3)
        #expect(index.search(SearchRequest(title: "customer qwzxv", limit: 3), segments: []).count == 3)
        // With fewer than 1,000 gaps, it counts.
        let small = deltaIndex(Array(documents.prefix(999)))
        let smallHits = small.search(SearchRequest(title: "customer kubernetes operator", limit: 5, explain: true), segments: [])
        #expect(smallHits.contains { hit in Self.kinds(hit).contains { $0.term == "customer" } })
        // And with a share of 1, always.
        var everyWord = RankingParameters()
        everyWord.maxWordShare = 1
        let all = deltaIndex(documents, parameters: everyWord)
        let allHits = all.search(SearchRequest(title: "customer kubernetes operator", limit: 5, explain: true), segments: [])
        #expect(allHits.contains { hit in Self.kinds(hit).contains { $0.term == "customer" } })
    }

    @Test func noMatchNoHits() {
        let index = deltaIndex([doc(1, "Export dashboard to PDF")])
        #expect(index.search(SearchRequest(title: "kubernetes"), segments: []).isEmpty)
        #expect(index.search(SearchRequest(title: "the and of"), segments: []).isEmpty, "stop words only")
        #expect(index.search(SearchRequest(title: ""), segments: []).isEmpty)
        #expect(index.search(SearchRequest(title: "export", limit: 0), segments: []).isEmpty)
    }

    static let typoCorpus = [
        doc(1, "Search is slow", "results take a minute"),
        doc(2, "Missing permissions for admins", "cannot edit the board"),
        doc(3, "Data sink configuration", "the sink drops events"),
    ]

    @Test func oneTypoFromFiveLetters() throws {
        let index = deltaIndex(Self.typoCorpus)
        let hits = index.search(SearchRequest(title: "serch", explain: true), segments: [])
        #expect(Self.ids(hits) == [1])
        let hit = try #require(hits.first)
        #expect(Self.kinds(hit).map(\.kind) == [.fuzzy(edits: 1)])
        #expect(Self.kinds(hit).map(\.term) == ["search"])
    }

    @Test func twoTyposFromNineLetters() {
        let index = deltaIndex(Self.typoCorpus)
        #expect(Self.ids(index.search(SearchRequest(title: "permisions"), segments: [])) == [2])
        #expect(Self.ids(index.search(SearchRequest(title: "premisions"), segments: [])) == [2], "a transposition and a deletion")
    }

    /// A word one edit from an index term is taken as that term misspelt: its two-edit
    /// neighbours are not looked for. "notificaton" is one edit from "notification" and two
    /// from "notifications"; "notifcaiton" is one edit from nothing, so its two-edit
    /// neighbour counts — in a segment as in the delta.
    @Test(arguments: [false, true]) func twoEditNeighboursOnlyWithoutAOneEditOne(inSegment: Bool) throws {
        let documents = [doc(1, "Notification settings"), doc(2, "Notifications digest")]
        try Self.withIndex(documents, inSegment: inSegment) { index, segments in
            let near = index.search(SearchRequest(title: "notificaton", explain: true), segments: segments)
            #expect(Self.ids(near) == [1])
            #expect(near.first.map { Self.kinds($0).map(\.kind) } == [.fuzzy(edits: 1)])
            let far = index.search(SearchRequest(title: "notifcaiton", explain: true), segments: segments)
            #expect(Self.ids(far) == [1])
            #expect(far.first.map { Self.kinds($0).map(\.kind) } == [.fuzzy(edits: 2)])
        }
    }

    @Test func noTypoUnderFiveLetters() {
        let index = deltaIndex(Self.typoCorpus)
        #expect(index.search(SearchRequest(title: "sinc"), segments: []).isEmpty)
        #expect(index.search(SearchRequest(title: "sonk"), segments: []).isEmpty)
        #expect(Self.ids(index.search(SearchRequest(title: "sink"), segments: [])) == [3])
    }

    @Test func firstLetterTypoCostsTwo() {
        let index = deltaIndex(Self.typoCorpus)
        // One edit, but on the first letter: beyond a 6-letter word's budget of one.
        #expect(index.search(SearchRequest(title: "aearch"), segments: []).isEmpty)
        #expect(index.search(SearchRequest(title: "esarch"), segments: []).isEmpty)
    }

    @Test func typosCanBeDisabled() {
        var parameters = RankingParameters()
        parameters.typos = TypoTolerance(oneTypoFrom: 1000, twoTyposFrom: 1000)
        let index = deltaIndex(Self.typoCorpus, parameters: parameters)
        #expect(index.search(SearchRequest(title: "serch"), segments: []).isEmpty)
    }

    @Test func stemMatchRanksBelowExact() throws {
        let index = deltaIndex([
            doc(1, "Searching in logs"),
            doc(2, "Searches in logs"),
            doc(3, "Nothing related"),
        ])
        let hits = index.search(SearchRequest(title: "searches", explain: true), segments: [])
        #expect(Self.ids(hits) == [2, 1])
        #expect(hits[0].score > hits[1].score)
        #expect(Self.kinds(hits[0]).map(\.kind) == [.exact])
        #expect(Self.kinds(hits[1]).map(\.kind) == [.stem])
        #expect(Self.kinds(hits[1]).map(\.term) == ["searching"])
        // The stem weight is what separates them (same lengths, same frequencies).
        let ratio = hits[1].score / hits[0].score
        #expect(abs(ratio - Double(RankingParameters().stemWeight)) < 1e-4)
    }

    @Test func prefixOfTheLastWordAsYouType() throws {
        let index = deltaIndex([
            doc(1, "SAML login fails"),
            doc(2, "SAML group sync"),
            doc(3, "Group chat"),
            doc(4, "Grocery list"),
        ])
        let hits = index.search(SearchRequest(title: "saml gro", prefixLastWord: true, explain: true), segments: [])
        #expect(hits.first?.id == 2)
        let top = try #require(hits.first)
        #expect(Self.kinds(top).contains { $0.term == "group" && $0.kind == .prefix(edits: 0) && $0.field == .title })
        #expect(Self.kinds(top).contains { $0.term == "saml" && $0.kind == .exact })
        // Without as-you-type, "gro" is just an unknown word.
        let plain = index.search(SearchRequest(title: "saml gro"), segments: [])
        #expect(Set(Self.ids(plain)) == [1, 2])
        // Only the last word is a prefix; and not when there is a description.
        #expect(index.search(SearchRequest(title: "gro saml", prefixLastWord: true), segments: []).allSatisfy { $0.id != 3 && $0.id != 4 })
        #expect(Set(Self.ids(index.search(SearchRequest(title: "saml gro", description: "x", prefixLastWord: true), segments: []))) == [1, 2])
    }

    /// An unfinished word with hundreds of completions spread over three segments and the
    /// delta, each part with its own frequencies: the planner takes the same completions as
    /// from every part's full list of matches (the most frequent in any part first, then by
    /// part and term order), though it keeps only each part's best few as it walks.
    @Test func prefixCompletionsAreTheBestOfEveryPart() throws {
        var rng = SplitMix64(seed: 0xC0_4B1E7E)
        // Suffixes of consonants only: no completion stems to another, or to the word itself.
        let letters = Array("bdfgkmpt")
        let completions = (0..<400).map { _ in "zq" + String((0..<3).map { _ in letters.randomElement(using: &rng)! }) }
        var parts: [[IndexDocument]] = [[], [], [], []]
        var id: UInt64 = 0
        for (p, share) in [(0, 0.6), (1, 0.3), (2, 0.3), (3, 0.3)] {
            for word in completions where Double.random(in: 0..<1, using: &rng) < share {
                for _ in 0..<Int.random(in: 1...12, using: &rng) {
                    id += 1
                    parts[p].append(doc(id, "\(word) report"))
                }
            }
        }
        let parameters = RankingParameters()
        try withSegment(parts[0], sequence: 10) { base, _ in
            try withSegment(parts[1], sequence: 11) { tail, _ in
                try withSegment(parts[2], sequence: 12) { recent, _ in
                    let segments = [base, tail, recent]
                    let index = LiveIndex(parameters: parameters)
                    index.update(segments: segments, documents: parts[3], through: 13)
                    var delta = DeltaIndex(analyzer: index.analyzer)
                    for document in parts[3] { _ = delta.add(document) }
                    delta.sortTerms()
                    let states = try segments.map { try #require(index.segmentStateForTesting($0)) }
                    let planner = QueryPlanner(
                        analyzer: index.analyzer, parameters: parameters, segments: segments,
                        dictionaries: zip(segments, states).map { SegmentDictionary($0, $1) }, delta: delta, documentCount: Int(id))
                    let plan = planner.plan(SearchRequest(title: "report zq", prefixLastWord: true), averages: index.averages)
                    let chosen = Set(plan.groups.flatMap(\.variants).filter { $0.kind == .prefix(edits: 0) }.map { String(decoding: $0.bytes, as: UTF8.self) })
                    // Every part's completions with their frequency there, the most frequent first
                    // (then part, then term order); the first distinct ones are taken.
                    var ranked: [(df: Int, part: Int, term: String)] = []
                    for (p, documents) in parts.enumerated() {
                        var frequencies: [String: Int] = [:]
                        for document in documents { frequencies[String(document.title.split(separator: " ")[0]), default: 0] += 1 }
                        ranked += frequencies.map { (df: $0.value, part: p, term: $0.key) }
                    }
                    ranked.sort { ($1.df, $0.part, $0.term) < ($0.df, $1.part, $1.term) }
                    var expected: [String] = []
                    for entry in ranked where !expected.contains(entry.term) && expected.count < parameters.maxPrefixExpansions {
                        expected.append(entry.term)
                    }
                    #expect(chosen.count == parameters.maxPrefixExpansions)
                    #expect(chosen == Set(expected))
                }
            }
        }
    }

    /// A search of titles alone finds the gaps whose title has the words, whether they sit in
    /// a segment or in the delta; descriptions neither match nor score.
    @Test(arguments: [false, true]) func titlesScopeMatchesTitlesAlone(inSegment: Bool) throws {
        let documents = [
            doc(1, "Export reports to CSV", "people want spreadsheets"),
            doc(2, "Dashboard filters", "export the filtered reports to csv, export them all"),
            doc(3, "Slow login", "csv"),
        ]
        func search(_ index: LiveIndex, _ segments: [Segment]) {
            let titles = index.search(SearchRequest(title: "export csv", scope: .titles, explain: true), segments: segments)
            #expect(Self.ids(titles) == [1])
            #expect(titles.allSatisfy { Self.kinds($0).allSatisfy { $0.field == .title } })
            // A draft identical to a gap has full confidence in its title alone: the draft's
            // own description, which no title has, does not count against it.
            let same = index.search(
                SearchRequest(title: "Export reports to CSV", description: "people want spreadsheets", scope: .titles), segments: segments)
            #expect(same.first?.id == 1)
            #expect(same.first.map { abs($0.confidence - 1) < 1e-6 } == true)
            let everything = index.search(SearchRequest(title: "export csv", explain: true), segments: segments)
            #expect(Set(Self.ids(everything)) == [1, 2, 3])
            // As-you-type too: "expo" completes to "export" in titles only.
            let typed = index.search(SearchRequest(title: "csv expo", prefixLastWord: true, scope: .titles), segments: segments)
            #expect(Self.ids(typed) == [1])
        }
        try Self.withIndex(documents, inSegment: inSegment, search)
    }

    /// With `allWordsFirst`, gaps with every word rank first even when a gap with fewer of
    /// them scores higher; the others fill the places left.
    @Test(arguments: [false, true]) func allWordsFirstRanksCompleteMatchesFirst(inSegment: Bool) throws {
        // "okta" is rare and gap 1 has it three times in a short title; "group" is common,
        // and gap 2's title is long.
        let documents = [
            doc(1, "Okta okta okta"),
            doc(2, "Okta group sync for large enterprise tenants with many nested teams and more"),
            doc(3, "Group chat"), doc(4, "Group settings"), doc(5, "Group policy"), doc(6, "Group admin"),
            doc(7, "Group call"), doc(8, "Group video"), doc(9, "Group list"),
            doc(10, "Unrelated"),
        ]
        func search(_ index: LiveIndex, _ segments: [Segment]) {
            let byScore = index.search(SearchRequest(title: "okta grou", prefixLastWord: true, scope: .titles), segments: segments)
            let first = index.search(
                SearchRequest(title: "okta grou", prefixLastWord: true, scope: .titles, allWordsFirst: true), segments: segments)
            // By score, the short titles with "okta" win; with every word first, gap 2 leads.
            #expect(byScore.first?.id != 2)
            #expect(first.first?.id == 2)
            #expect(Set(Self.ids(first)) == Set(Self.ids(byScore)))
            #expect(Self.ids(Array(first.dropFirst())) == Self.ids(byScore.filter { $0.id != 2 }))
            // A limit of one keeps only the complete match.
            let one = index.search(
                SearchRequest(title: "okta grou", limit: 1, prefixLastWord: true, scope: .titles, allWordsFirst: true), segments: segments)
            #expect(Self.ids(one) == [2])
        }
        try Self.withIndex(documents, inSegment: inSegment, search)
    }

    @Test func synonymsFindEachOther() {
        let index = deltaIndex([doc(1, "Single sign-on with Okta"), doc(2, "Repo settings page")])
        #expect(Self.ids(index.search(SearchRequest(title: "SSO"), segments: [])) == [1])
        #expect(Self.ids(index.search(SearchRequest(title: "repository settings"), segments: [])).first == 2)
    }

    @Test func identifierPartsMatch() {
        let index = deltaIndex([doc(1, "getHTTPResponse throws"), doc(2, "Crash in HDFS-1234 handling")])
        #expect(Self.ids(index.search(SearchRequest(title: "http response"), segments: [])) == [1])
        #expect(Self.ids(index.search(SearchRequest(title: "hdfs"), segments: [])) == [2])
        #expect(Self.ids(index.search(SearchRequest(title: "HDFS-1234"), segments: [])) == [2])
    }

    // MARK: - Filters and limits

    static func filterCorpus() -> [IndexDocument] {
        (1...30).map { i in
            doc(UInt64(i), "Export report \(i % 7 == 0 ? "quickly" : "")", String(repeating: "data ", count: i % 5),
                DocumentAttributes(status: UInt8(i % 3), category: UInt32(i % 4), team: UInt64(i % 2), merged: i % 5 == 0, createdAt: Int64(i)))
        }
    }

    @Test func limitReturnsTheBestK() {
        let index = deltaIndex(Self.filterCorpus())
        let all = index.search(SearchRequest(title: "export", limit: 100), segments: [])
        #expect(all.count == 24, "30 documents, 6 merged")
        let top = index.search(SearchRequest(title: "export", limit: 5), segments: [])
        #expect(Self.ids(top) == Array(Self.ids(all).prefix(5)))
        // Ties (same score) go to the lower id.
        for (a, b) in zip(all, all.dropFirst()) { #expect(a.score > b.score || (a.score == b.score && a.id < b.id)) }
    }

    @Test(arguments: [
        SearchFilter(statuses: [1]),
        SearchFilter(categories: [2, 3]),
        SearchFilter(teams: [1]),
        SearchFilter(statuses: [0, 2], teams: [0]),
        SearchFilter(includeMerged: true),
        SearchFilter(statuses: [2], includeMerged: true),
    ])
    func filtersExcludeAndLimitStillFills(filter: SearchFilter) {
        let corpus = Self.filterCorpus()
        let index = deltaIndex(corpus)
        let accepted = corpus.filter {
            let a = $0.attributes
            return filter.accepts(status: a.status, category: a.category, merged: a.merged, team: { a.team })
        }
        #expect(accepted.count > 5)
        let hits = index.search(SearchRequest(title: "export", limit: 5, filter: filter), segments: [])
        #expect(hits.count == 5)
        let acceptedIDs = Set(accepted.map(\.id))
        #expect(hits.allSatisfy { acceptedIDs.contains($0.id) })
        let everything = index.search(SearchRequest(title: "export", limit: 100, filter: filter), segments: [])
        #expect(Set(Self.ids(everything)) == acceptedIDs)
        #expect(Self.ids(hits) == Array(Self.ids(everything).prefix(5)))
    }

    @Test func mergedAreExcludedByDefault() {
        let index = deltaIndex(Self.filterCorpus())
        let hits = index.search(SearchRequest(title: "export", limit: 100), segments: [])
        #expect(hits.allSatisfy { $0.id % 5 != 0 })
        let withMerged = index.search(SearchRequest(title: "export", limit: 100, filter: SearchFilter(includeMerged: true)), segments: [])
        #expect(withMerged.count == 30)
    }

    // MARK: - Explanations and priors

    @Test func explanationAddsUpToTheScore() throws {
        let day: Int64 = 86_400_000
        let index = deltaIndex([
            doc(1, "Search is slow", "search results are slow to load", DocumentAttributes(category: 3, createdAt: 10 * day)),
            doc(2, "Slow exports", "searching exports is slow", DocumentAttributes(category: 4, createdAt: 100 * day)),
            doc(3, "Permissions page", "looking for permisions", DocumentAttributes(category: 3, createdAt: 0)),
        ])
        let requests = [
            SearchRequest(title: "search slow", explain: true),
            SearchRequest(title: "slow serch", description: "permissions loading", explain: true),
            SearchRequest(title: "search slow", category: 3, now: 120 * day, explain: true),
            SearchRequest(title: "permissions sl", prefixLastWord: true, category: 4, now: 50 * day, explain: true),
        ]
        for request in requests {
            let hits = index.search(request, segments: [])
            #expect(!hits.isEmpty)
            for hit in hits {
                let sum = hit.explanation.reduce(0) { $0 + $1.contribution }
                #expect(abs(sum - hit.score) <= 1e-9 * max(1, hit.score), "\(request.title): \(sum) vs \(hit.score)")
                #expect(hit.explanation.allSatisfy { $0.contribution > 0 })
            }
        }
        let top = try #require(index.search(requests[0], segments: []).first)
        #expect(top.id == 1)
        let parts = Self.kinds(top)
        #expect(parts.contains { $0.term == "search" && $0.kind == .exact && $0.field == .title })
        #expect(parts.contains { $0.term == "search" && $0.kind == .exact && $0.field == .description })
        #expect(parts.contains { $0.term == "slow" && $0.field == .title })
        #expect(parts.contains { $0.kind.description == "exact" })
        // Priors are explained when they apply.
        let withPriors = index.search(requests[2], segments: [])
        let categoryHit = try #require(withPriors.first { $0.id == 1 })
        #expect(categoryHit.explanation.contains { $0.source == .sameCategory })
        #expect(categoryHit.explanation.contains { $0.source == .recency })
        let otherCategory = try #require(withPriors.first { $0.id == 2 })
        #expect(!otherCategory.explanation.contains { $0.source == .sameCategory })
        // A typo is explained as such.
        let typo = index.search(requests[1], segments: [])
        #expect(typo.contains { Self.kinds($0).contains { $0.term == "search" && $0.kind == .fuzzy(edits: 1) } })
        // No explanation unless asked for; the same ranking either way.
        var quiet = requests[2]
        quiet.explain = false
        let quietHits = index.search(quiet, segments: [])
        #expect(quietHits.allSatisfy { $0.explanation.isEmpty })
        #expect(Self.ids(quietHits) == Self.ids(withPriors))
    }

    @Test func priorsReorderEqualTextMatches() {
        let day: Int64 = 86_400_000
        let index = deltaIndex([
            doc(1, "Export to PDF", "", DocumentAttributes(category: 1, createdAt: 0)),
            doc(2, "Export to PDF", "", DocumentAttributes(category: 2, createdAt: 0)),
            doc(3, "Export to PDF", "", DocumentAttributes(category: 1, createdAt: 300 * day)),
        ])
        #expect(Self.ids(index.search(SearchRequest(title: "export pdf"), segments: [])) == [1, 2, 3], "ties by id")
        #expect(Self.ids(index.search(SearchRequest(title: "export pdf", category: 2), segments: [])) == [2, 1, 3])
        #expect(Self.ids(index.search(SearchRequest(title: "export pdf", now: 301 * day), segments: [])) == [3, 1, 2])
    }

    // MARK: - Updates

    @Test func deltaVersionSupersedesSegmentVersion() throws {
        let original = [doc(1, "Old export title", "csv"), doc(2, "Other gap about export"), doc(3, "Title only")]
        try withSegment(original, sequence: 5) { segment, _ in
            let index = LiveIndex()
            index.update(segments: [segment], documents: [], through: 5)
            #expect(Set(Self.ids(index.search(SearchRequest(title: "export"), segments: [segment]))) == [1, 2])
            // Gap 1 is edited: the delta holds its new version.
            index.update(segments: [segment], documents: [doc(1, "New import title", "xlsx")], through: 6)
            #expect(Self.ids(index.search(SearchRequest(title: "export"), segments: [segment])) == [2])
            #expect(index.search(SearchRequest(title: "csv"), segments: [segment]).isEmpty)
            #expect(Self.ids(index.search(SearchRequest(title: "import xlsx"), segments: [segment])) == [1])
            // Both versions have "title": the gap is found once.
            let both = index.search(SearchRequest(title: "title"), segments: [segment])
            #expect(Self.ids(both).sorted() == [1, 3])
            #expect(index.deltaDocuments().map(\.id) == [1])
            // Edited again: still one hit, the latest text.
            index.update(segments: [segment], documents: [doc(1, "Newest import title")], through: 7)
            #expect(index.search(SearchRequest(title: "xlsx"), segments: [segment]).isEmpty)
            #expect(Self.ids(index.search(SearchRequest(title: "newest"), segments: [segment])) == [1])
            #expect(index.appliedSequence == 7)
            #expect(index.deltaDocumentCount == 1)
        }
    }

    @Test func laterSegmentSupersedesEarlierSegment() throws {
        let first = SegmentBuilder.build([doc(1, "Old export title"), doc(2, "Other export")], analyzer: Analyzer(), sequence: 1)
        let second = SegmentBuilder.build([doc(1, "New import title")], analyzer: Analyzer(), sequence: 2)
        try first.withUnsafeBytes { a in
            try second.withUnsafeBytes { b in
                let segments = [try Segment(bytes: a), try Segment(bytes: b)]
                let index = LiveIndex()
                index.update(segments: segments, documents: [], through: 2)
                #expect(index.isCurrent(segments: segments))
                #expect(Self.ids(index.search(SearchRequest(title: "export"), segments: segments)) == [2])
                #expect(Self.ids(index.search(SearchRequest(title: "import"), segments: segments)) == [1])
                #expect(Self.ids(index.search(SearchRequest(title: "title"), segments: segments)) == [1])
            }
        }
    }

    @Test func newSegmentsReplaceTheDelta() throws {
        let index = LiveIndex()
        index.update(segments: [], documents: [doc(1, "Export title")], through: 1)
        #expect(index.deltaDocumentCount == 1)
        try withSegment([doc(1, "Export title"), doc(2, "Import title")], sequence: 2) { segment, _ in
            index.update(segments: [segment], documents: [], through: 2)
            #expect(index.deltaDocumentCount == 0)
            #expect(Self.ids(index.search(SearchRequest(title: "title"), segments: [segment])).sorted() == [1, 2])
        }
    }

    // MARK: - Suspected defects

    /// ``LiveIndex/parameters`` promises that a change "takes effect on the next search", but
    /// the per-document length norms (which fold in `titleWeight`, `descriptionWeight` and
    /// the length normalisations) are computed at ``LiveIndex/update(segments:documents:through:)``
    /// time — and cached per segment nonce — so changing those parameters afterwards has no
    /// effect on scores.
    @Test func parameterChangesTakeEffectOnTheNextSearch() {
        let documents = [doc(1, "Export dashboard", "pdf"), doc(2, "Dashboard", "export to pdf with a long description here")]
        var changed = RankingParameters()
        changed.titleWeight = 8
        changed.descriptionLengthNormalization = 0
        let fresh = deltaIndex(documents, parameters: changed)
        let index = deltaIndex(documents)
        index.parameters = changed
        let request = SearchRequest(title: "export dashboard pdf")
        let expected = fresh.search(request, segments: [])
        let actual = index.search(request, segments: [])
        #expect(Self.ids(actual) == Self.ids(expected))
        #expect(zip(actual, expected).allSatisfy { abs($0.score - $1.score) < 1e-9 * $1.score }, "\(actual.map(\.score)) vs \(expected.map(\.score))")
    }

    /// After another update adopted other segments, a search of the old ones is refused
    /// (nil), not run against the other segments' state.
    @Test func searchIfCurrentRefusesSegmentsAnotherUpdateReplaced() throws {
        try withSegment([doc(1, "Export dashboard")], sequence: 1) { old, _ in
            try withSegment([doc(1, "Export dashboard"), doc(2, "Export report")], sequence: 2) { new, _ in
                let index = LiveIndex()
                index.update(segments: [old], documents: [doc(3, "Export log")], through: 1)
                let request = SearchRequest(title: "export")
                #expect(index.searchIfCurrent(request, segments: [old]).map(Self.ids) == [1, 3])
                #expect(index.deltaDocuments(ifCurrent: [old])?.map(\.id) == [3])
                index.update(segments: [new], documents: [], through: 2)
                #expect(index.searchIfCurrent(request, segments: [old]) == nil)
                #expect(index.deltaDocuments(ifCurrent: [old]) == nil)
                #expect(index.searchIfCurrent(request, segments: [new]).map { Set(Self.ids($0)) } == [1, 2])
            }
        }
    }

    /// A segment's length norms use the segment's own average field lengths
    /// (`SegmentState.init` in LiveIndex.swift), while the delta's use the averages over the
    /// segments and the delta together (`LiveIndex.averages`). So the same text scores
    /// differently depending on where it is stored. Here gaps 1 (segment) and 3 (delta) have
    /// the same text; the segment's average title length is 4.5 words, the index's 3.3.
    @Test func sameTextScoresTheSameInSegmentAndDelta() throws {
        try withSegment([doc(1, "Export"), doc(2, "Eight words of a title about something else")], sequence: 1) { segment, _ in
            let index = LiveIndex()
            index.update(segments: [segment], documents: [doc(3, "Export")], through: 2)
            let hits = index.search(SearchRequest(title: "export"), segments: [segment])
            #expect(Self.ids(hits) == [1, 3])
            #expect(hits.count == 2 && abs(hits[0].score - hits[1].score) < 1e-9 * hits[0].score, "\(hits.map(\.score))")
        }
    }

    /// The document frequency of a term counts the postings of superseded versions too (the
    /// segment's copy of an edited gap, older delta versions), while N counts live documents
    /// only. When df > N + 0.5 the idf ln(1 + (N − df + 0.5)/(df + 0.5)) is negative; every
    /// variant score is then clamped to 0 by the accumulator, the gap is still "touched" —
    /// once per query word — and comes back with a score of 0, as many times as the query
    /// has words. Here: a one-gap store whose gap was edited once.
    @Test func editedGapIsFoundOnceWithAPositiveScore() throws {
        try withSegment([doc(1, "Alpha beta")], sequence: 1) { segment, _ in
            let index = LiveIndex()
            index.update(segments: [segment], documents: [doc(1, "Alpha beta gamma")], through: 2)
            let hits = index.search(SearchRequest(title: "alpha beta"), segments: [segment])
            #expect(Self.ids(hits) == [1])
            #expect(hits.allSatisfy { $0.score > 0 })
        }
    }
}

/// Ranking parameters that switch an ingredient off (a weight of zero) must not break the
/// accumulator, whose "untouched" marker is a zero score; values no search can use are
/// named by ``RankingParameters/problems``.
@Suite struct ZeroWeightTests {
    @Test func problemsNameUnusableValues() {
        #expect(RankingParameters().problems.isEmpty)
        var zeros = RankingParameters()
        (zeros.stemWeight, zeros.descriptionWeight, zeros.recencyBoost, zeros.maxFuzzyExpansions) = (0, 0, 0, 0)
        #expect(zeros.problems.isEmpty, "0 switches an ingredient off")
        var bad = RankingParameters()
        bad.k1 = 0
        bad.titleWeight = -1
        bad.oneTypoWeight = .nan
        bad.descriptionLengthNormalization = 1.5
        bad.maxWordShare = 0
        bad.recencyHalfLifeDays = .infinity
        bad.maxQueryWords = -1
        bad.typos = TypoTolerance(oneTypoFrom: 5, twoTyposFrom: 3)
        let problems = bad.problems
        #expect(problems.count == 8, "\(problems)")
        for name in ["k1", "titleWeight", "oneTypoWeight", "descriptionLengthNormalization", "maxWordShare", "recencyHalfLifeDays", "maxQueryWords", "typos"] {
            #expect(problems.contains { $0.hasPrefix(name + " ") || $0.hasPrefix(name + ":") }, "\(name) not named in \(problems)")
        }
    }

    @Test(arguments: ["stemWeight", "draftTitleWeight", "oneTypoWeight", "titleWeight"])
    func zeroWeightsAreSafe(parameter: String) {
        var parameters = RankingParameters()
        switch parameter {
        case "stemWeight": parameters.stemWeight = 0
        case "draftTitleWeight": parameters.draftTitleWeight = 0
        case "oneTypoWeight": parameters.oneTypoWeight = 0
        default: parameters.titleWeight = 0
        }
        let index = LiveIndex(parameters: parameters)
        let documents = (1...300).map { n in
            IndexDocument(id: UInt64(n), title: "searching searches search \(n % 7) permissions", description: "search \(n) searched")
        }
        index.update(segments: [], documents: documents, through: 1)
        for limit in [1, 10, 50] {
            let hits = index.search(SearchRequest(title: "searches permisions", description: "searching", limit: limit), segments: [])
            #expect(hits.count <= limit)
            #expect(Set(hits.map(\.id)).count == hits.count)
            #expect(hits.allSatisfy { $0.score >= 0 })
        }
    }

    /// With descriptions weighted 0, a posting in a description only scores 0, which is no
    /// match — in a segment as in the delta. (Counted as touched, such a document was listed
    /// again by each word it has: more entries than the accumulators' list holds.)
    @Test func zeroDescriptionWeightInASegment() throws {
        var parameters = RankingParameters()
        parameters.descriptionWeight = 0
        let words = ["apple", "banana", "cherry", "damson", "elder", "fig", "grape", "hazel", "ilama", "jujube", "kiwi", "lemon"]
        let documents = (1...200).map { n in doc(UInt64(n), n % 10 == 0 ? "apple title" : "title \(n)", words.joined(separator: " ")) }
        try withSegment(documents) { segment, _ in
            let index = LiveIndex(parameters: parameters)
            index.update(segments: [segment], documents: [doc(1000, "other", words.joined(separator: " "))], through: 2)
            // Many words (term at a time) and few (document at a time).
            for query in [words, Array(words.prefix(3))] {
                let hits = index.search(SearchRequest(title: "nothing", description: query.joined(separator: " "), limit: 50), segments: [segment])
                #expect(Set(hits.map(\.id)) == Set((1...20).map { UInt64($0 * 10) }))
                #expect(hits.allSatisfy { $0.score > 0 })
            }
        }
    }
}
