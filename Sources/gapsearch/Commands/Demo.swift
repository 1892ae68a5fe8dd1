import ArgumentParser
import Foundation
import GapCorpus
import GapStore

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a store of realistic gaps and submissions, and show what gapsearch tells you.",
        discussion: """
            The demo data is generated deterministically: product areas such as code search,
            SSO/SAML, code hosts, batch changes, permissions, the API and audit logs; forty
            customer accounts with their opportunities; submissions with severities and
            workarounds; a few merged duplicates. Without --store it goes to a new temporary
            directory, which it names so you can explore it with `--store`.

            Examples:
              gapsearch demo
              gapsearch demo --store ./demo-store --gaps 1000
              gapsearch demo --gaps 60 --json
            """)

    @Option(help: ArgumentHelp("Where to create the demo store (must not exist yet).", valueName: "path"))
    var store: String?
    @Option(help: "How many gaps to generate.") var gaps = 300
    @Option(help: "The random seed (the same seed gives the same store).") var seed: UInt64 = 42
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard (10...100_000).contains(gaps) else { throw ValidationError("--gaps must be between 10 and 100,000") }
        if let store, FileManager.default.fileExists(atPath: store + "/data.mdb") {
            throw ValidationError("\(store) already holds a store; give a new --store path for the demo")
        }
    }

    func run() throws {
        let path = try store ?? temporaryDirectory()
        // Load first, index once at the end (rather than refreshing the index after each batch).
        var options = GapStore.Options()
        options.indexUpkeep = .manual
        let gapStore = try GapStore(path: path, options: options)
        let clock = ContinuousClock()
        let started = clock.now
        let counts = try DemoData(seed: seed, gaps: gaps).load(into: gapStore)
        try gapStore.maintainSearchIndex()
        let elapsed = clock.now - started
        if output.json {
            return try printJSON(DemoJSON(
                store: path, gaps: counts.gaps, submissions: counts.submissions, accounts: counts.accounts, merged: counts.merged))
        }
        print("Created a demo store at \(Style.bold(path)) in \(elapsed.formatted(.units(allowed: [.milliseconds, .seconds], width: .abbreviated)))")
        print("  \(counts.gaps) gaps, \(counts.submissions) submissions from \(counts.accounts) customer accounts, \(counts.merged) merged duplicates\n")
        let report = try gapStore.impactReport(GapQuery(limit: 10))
        let maximum = Double(report.top.first?.impact.revenueAtStake ?? 0)
        print(Style.bold("The 10 gaps with the most revenue at stake"))
        print(renderTable(
            header: ["ID", "CUSTOMERS", "AT STAKE", "STATUS", "TITLE", ""],
            rows: report.top.map { item in
                [item.gap.id.description, String(item.impact.customers), formatMoney(item.impact.revenueAtStake, currency: gapStore.currency),
                 item.gap.status.name, truncate(item.gap.title, 52), bar(Double(item.impact.revenueAtStake), of: maximum, width: 12)]
            },
            rightAligned: [1, 2]))
        // The main job: someone is about to file a request that already exists.
        var corpusGenerator = CorpusGenerator(seed: seed, fillerRate: 0, detailRate: 0)
        let corpus = corpusGenerator.generate(gaps)
        if let draft = QueryGenerator.paraphrases(of: corpus, count: 1, seed: seed &+ 7).first {
            print("\n" + Style.bold("Before filing a new gap, check for duplicates:"))
            print("  gapsearch check \"\(draft.title)\"")
            let candidates = try gapStore.findDuplicates(DuplicateQuery(title: draft.title, limit: 3, explain: true))
            printCandidates(candidates, currency: gapStore.currency, explain: false)
            if let best = candidates.first {
                print(Style.dim("  Why \(best.gap.id): ") + best.explanation.prefix(4).map(describe).joined(separator: "; "))
            }
        }
        print("\nNext:")
        print("  gapsearch gap show \(report.top.first?.gap.id.description ?? "GAP-000001") --store \(path)")
        print("  gapsearch check \"saml group sync\" --explain --store \(path)")
        print("  gapsearch report --store \(path)")
        print("  gapsearch gap list --team Identity --sort customers --store \(path)")
    }

    private func temporaryDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("gapsearch-demo-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else {
            throw OperationFailure("cannot create a temporary directory: \(String(cString: strerror(errno)))")
        }
        return String(cString: created)
    }
}

struct DemoJSON: Codable {
    var store: String
    var gaps: Int
    var submissions: Int
    var accounts: Int
    var merged: Int
}

/// The demo's deterministic content, loaded in a few batches.
struct DemoData {
    let seed: UInt64
    let gaps: Int

    struct Counts {
        var gaps = 0
        var submissions = 0
        var accounts = 0
        var merged = 0
    }

    func load(into store: GapStore) throws -> Counts {
        var random = SeededRandom(seed: seed)
        var generator = CorpusGenerator(seed: seed, fillerRate: 0, detailRate: 0)
        let corpus = generator.generate(gaps)
        let day: TimeInterval = 86_400
        // The generated history spans the 300 days before now.
        let start = Date().addingTimeInterval(-300 * day)
        let people = ["ana@example.com", "bo@example.com", "chen@example.com", "dara@example.com", "eli@example.com"]
        let accounts = CorpusGenerator.companyNames.enumerated().map { index, name in
            (id: "001" + String(format: "%05d", index + 1), name: name)
        }
        var counts = Counts(accounts: accounts.count)
        try store.batch(isolatingOperations: false) { writer in
            for area in CorpusGenerator.taxonomy {
                try writer.addCategory(area.category, subcategories: area.subcategories)
            }
            for (index, account) in accounts.enumerated() {
                try writer.saveAccount(id: account.id, name: account.name)
                // One to three opportunities each; amounts from 10k to 500k.
                for n in 0..<(1 + index % 3) {
                    try writer.saveOpportunity(
                        id: "006\(String(format: "%05d", index + 1))\(n)", accountID: account.id, kind: n == 0 ? .netNew : .renewal,
                        amount: Int64(10_000 + Int(random.next() % 490) * 1000) * 100,
                        closeDate: start.addingTimeInterval(Double(n * 365 - 200) * day))
                }
            }
        }
        // Gaps and submissions, in creation order, a batch per hundred gaps.
        let severities: [Severity] = [.blocker, .high, .high, .medium, .medium, .medium, .low, .low]
        let workarounds = ["Manual export and a nightly script", "They ask an admin to do it by hand",
                           "A fork of the plugin", "Separate tooling outside the product"]
        for chunk in stride(from: 0, to: corpus.count, by: 100) {
            try store.batch(isolatingOperations: false) { writer in
                for gap in corpus[chunk..<min(corpus.count, chunk + 100)] {
                    let created = try writer.createGap(
                        GapDraft(title: gap.title, description: gap.description, category: gap.category, subcategory: gap.subcategory,
                                 team: gap.team, createdAt: start.addingTimeInterval(Double(gap.index) * day * 300 / Double(gaps))),
                        by: people[Int(random.next() % UInt64(people.count))])
                    counts.gaps += 1
                    let id = created.gap.id
                    // Popular gaps get many submissions: a heavy-tailed count.
                    let submissions = min(12, Int(Double(random.next() % 1000) / 1000 * Double(random.next() % 5)) + Int(random.next() % 3))
                    for _ in 0..<submissions {
                        let internalFeedback = random.next() % 10 == 0
                        let account = accounts[Int(random.next() % UInt64(accounts.count))]
                        let workaround: Workaround = switch random.next() % 3 {
                        case 0: .none
                        case 1: .described(workarounds[Int(random.next() % UInt64(workarounds.count))])
                        default: .unknown
                        }
                        try writer.submit(SubmissionDraft(
                            gapID: id, accountID: internalFeedback ? nil : account.id, severity: severities[Int(random.next() % 8)],
                            impact: internalFeedback ? "" : "\(account.name) raised it in their \(gap.category.lowercased()) evaluation",
                            workaround: workaround, submitter: people[Int(random.next() % UInt64(people.count))],
                            anonymous: internalFeedback && random.next() % 3 == 0))
                        counts.submissions += 1
                    }
                    // Product has triaged part of the backlog.
                    switch random.next() % 10 {
                    case 0, 1: try writer.setStatus(id, to: .inReview, by: "pm@example.com")
                    case 2: try writer.setStatus(id, to: .backlog, by: "pm@example.com")
                    case 3: try writer.setStatus(id, to: .scheduled, by: "pm@example.com", note: "On the roadmap")
                    case 4: try writer.setStatus(id, to: .inProgress, by: "pm@example.com")
                    default: break
                    }
                    // Every other re-asked gap was spotted and merged; the rest wait for the duplicate check.
                    if let original = gap.duplicateOf, random.next() % 2 == 0 {
                        try writer.merge(id, into: GapID(UInt64(original + 1)), by: "pm@example.com", note: "Same request")
                        counts.merged += 1
                    }
                }
            }
        }
        return counts
    }
}
