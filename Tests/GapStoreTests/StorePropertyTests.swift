import GapStore
import PropertyBased
import Testing

/// Random sequences of operations (create, edit, status, submit, merge, unmerge) leave the
/// secondary indexes and the impact numbers equal to a recomputation from the records, and a
/// refused operation changes nothing.
@Suite struct StorePropertyTests {
    struct Step: Sendable, CustomStringConvertible {
        var kind: Int
        var a: Int
        var b: Int
        var c: Int
        var description: String { "(\(kind), \(a), \(b), \(c))" }
    }

    static let step = zip(Gen.int(in: 0...9), Gen.int(in: 0...7), Gen.int(in: 0...7), Gen.int(in: 0...6))
        .map { Step(kind: $0, a: $1, b: $2, c: $3) }

    static let accounts = ["ACME", "GLOBEX", "INITECH"]
    static let revenue: [String: Int64] = ["ACME": 25_000_00, "GLOBEX": 40_000_00, "INITECH": 5_000_00]
    static let teams = ["Search", "Identity", "Platform"]
    static let categories = ["Code search", "Authentication", "Batch changes"]

    @Test func indexesAndImpactMatchARecomputation() async throws {
        await propertyCheck(count: 25, input: Self.step.array(of: 5...60)) { steps in
            try withStore { store, _ in
                try seedTaxonomyAndAccounts(store)
                var gapCount = 0
                for step in steps {
                    let before = try store.lastChangeSequence()
                    do {
                        try apply(step, store, &gapCount)
                    } catch let error as GapStoreError {
                        #expect(try store.lastChangeSequence() == before, "refused \(step) (\(error)) but wrote")
                    }
                }
                let report = try store.verify()
                #expect(report.isConsistent, "\(report.problems)")
                try checkImpact(store, gapCount: gapCount)
            }
        }
    }

    private func apply(_ step: Step, _ store: GapStore, _ gapCount: inout Int) throws {
        let existing = max(gapCount, 1)
        let gap = { (n: Int) in GapID(UInt64(n % existing + 1)) }
        switch step.kind {
        case 0, 1:
            let category = step.c < 3 ? Self.categories[step.c] : nil
            try store.createGap(
                GapDraft(title: "Gap \(step.a) \(step.b)", category: category, team: step.b < 3 ? Self.teams[step.b] : nil),
                by: "actor\(step.a)")
            gapCount += 1
        case 2:
            let category = step.c < 3 ? Self.categories[step.c] : ""
            try store.editGap(gap(step.a), GapEdit(title: "Edited \(step.b)", category: category, team: Self.teams[step.b % 3]), by: "pm")
        case 3:
            let status = GapStatus.allCases[step.c]
            try store.setStatus(gap(step.a), to: status, by: "pm", note: step.b % 2 == 0 ? "because" : nil)
        case 4, 5, 6:
            let account = step.b < 3 ? Self.accounts[step.b] : nil
            let workaround: Workaround = step.c % 3 == 0 ? .described("manual") : (step.c % 3 == 1 ? .none : .unknown)
            try store.submit(SubmissionDraft(
                gapID: gap(step.a), accountID: account, severity: Severity.allCases[step.c % 4], workaround: workaround,
                submitter: "ce", anonymous: step.c == 6))
        case 7, 8:
            try store.merge(gap(step.a), into: gap(step.b), by: "pm")
        default:
            try store.unmerge(gap(step.a), by: "pm")
        }
    }

    /// Recomputes every surviving gap's impact from the gap and submission records alone.
    private func checkImpact(_ store: GapStore, gapCount: Int) throws {
        guard gapCount > 0 else { return }
        var records: [GapID: Gap] = [:]
        for n in 1...gapCount {
            let id = GapID(UInt64(n))
            let record = try store.gap(id, followMerges: false)
            #expect(record != nil, "\(id) is missing")
            records[id] = record
        }
        func survivor(_ id: GapID) -> GapID {
            var current = id
            while let next = records[current]?.mergedInto { current = next }
            return current
        }
        var submissions: [Submission] = []
        for n in 1...UInt64(max(1, try store.statistics().submissions)) {
            if let submission = try store.submission(SubmissionID(n)) { submissions.append(submission) }
        }
        #expect(submissions.count == (try store.statistics().submissions))
        for id in records.keys where records[id]?.mergedInto == nil {
            let family = submissions.filter { survivor($0.gapID) == id }
            let accounts = Set(family.compactMap(\.accountID))
            var severity = SeverityMix()
            for submission in family { severity[submission.severity] += 1 }
            let impact = try store.impact(of: id)
            #expect(impact.submissions == family.count)
            #expect(impact.customers == accounts.count)
            #expect(impact.internalSubmissions == family.filter { $0.accountID == nil }.count)
            #expect(impact.revenueAtStake == accounts.reduce(0) { $0 + Self.revenue[$1]! })
            #expect(impact.severity == severity)
            #expect(impact.withWorkaround == family.filter { $0.workaround.exists }.count)
            #expect(Set(try store.submissions(forGap: id).map(\.id)) == Set(family.map(\.id)))
        }
        // Listing totals agree with the records too.
        let open = records.values.filter { $0.mergedInto == nil && $0.status == .open }.count
        #expect(try store.listGaps(GapQuery(statuses: [.open])).total == open)
        for team in Self.teams {
            let expected = records.values.filter { $0.mergedInto == nil && $0.team == team }.count
            #expect(try store.listGaps(GapQuery(teams: [team])).total == expected)
        }
    }
}
