import Foundation
import GapTestSupport
import Testing

/// The `--json` documents as the README's "JSON output" section describes them. Decoding is
/// strict: a key documented as always present is a non-optional member, so a missing key or
/// a wrong type fails; members documented as omitted when empty are optional.
/// ``expectDocumented(_:_:_:)`` checks the other direction: no key the schema does not name.
enum Schema {
    struct Gap: Decodable {
        var id: String
        var title: String
        var description: String
        var category: String?
        var subcategory: String?
        var team: String?
        var status: String
        var createdAt: Date
        var createdBy: String
        var updatedAt: Date
        var updatedBy: String
        var link: String?
        var mergedInto: String?
        var externalID: String?
    }

    struct SeverityCounts: Decodable {
        var blocker: Int
        var high: Int
        var medium: Int
        var low: Int
    }

    struct Impact: Decodable {
        var customers: Int
        var submissions: Int
        var internalSubmissions: Int
        var revenueAtStake: Int64
        var currency: String
        var severity: SeverityCounts
        var withWorkaround: Int
    }

    struct GapWithImpact: Decodable {
        var gap: Gap
        var impact: Impact
    }

    struct Submission: Decodable {
        var id: String
        var gap: String
        var account: String?
        var opportunity: String?
        var severity: String
        var impact: String
        var workaround: String
        var context: String
        var submitter: String?
        var anonymous: Bool
        var createdAt: Date
        var externalID: String?
    }

    struct HistoryEntry: Decodable {
        var sequence: UInt64
        var time: Date
        var actor: String?
        var event: String
        var detail: String
        var note: String?
    }

    struct Check: Decodable {
        var likelyDuplicate: Bool
        var threshold: Double
        var candidates: [Candidate]
    }

    struct Candidate: Decodable {
        var gap: Gap
        var impact: Impact
        var score: Double
        var confidence: Double
        var likelyDuplicate: Bool
        var explanation: [Contribution]
    }

    struct Contribution: Decodable {
        var kind: String
        var queryWord: String?
        var term: String?
        var match: String?
        var field: String?
        var contribution: Double
    }

    /// A line of `check --jsonl` that could not be served.
    struct LineError: Decodable {
        var error: String
        var line: Int
    }

    struct Suggestion: Decodable {
        var id: String
        var title: String
        var status: String
    }

    struct Created: Decodable {
        var gap: Gap
        var warnings: [Warning]
    }

    struct Warning: Decodable {
        var kind: String
        var message: String
        var evidence: [String]
    }

    struct Shown: Decodable {
        var gap: Gap
        var impact: Impact
        var submissions: [Submission]
    }

    struct Listed: Decodable {
        var total: Int
        var gaps: [GapWithImpact]
    }

    struct Category: Decodable {
        var name: String
        var subcategories: [String]
    }

    struct Rollup: Decodable {
        var key: String
        var gaps: Int
        var submissions: Int
        var customers: Int
        var revenueAtStake: Int64
        var severity: SeverityCounts
        var withWorkaround: Int
    }

    struct Report: Decodable {
        var currency: String
        var top: [GapWithImpact]
        var byTeam: [Rollup]
        var byStatus: [Rollup]
        var byCategory: [Rollup]
        var total: Rollup
    }

    struct Stats: Decodable {
        var path: String
        var schemaVersion: UInt32
        var currency: String
        var gaps: Int
        var submissions: Int
        var accounts: Int
        var opportunities: Int
        var historyEntries: Int
        var lastChange: UInt64
        var searchIndexSequence: UInt64
        var usedBytes: Int
        var mapSize: Int
        var readers: Int
        var lmdb: String
    }

    struct Verify: Decodable {
        var consistent: Bool
        var gaps: Int
        var submissions: Int
        var problems: [String]
    }

    struct Reindex: Decodable {
        var gaps: Int
        var submissions: Int
    }

    struct Backup: Decodable {
        var destination: String
    }

    struct Demo: Decodable {
        var store: String
        var gaps: Int
        var submissions: Int
        var accounts: Int
        var merged: Int
    }

    struct IssuePayload: Decodable {
        var title: String
        var body: String
        var labels: [String]
    }

    struct Sync: Decodable {
        struct Entry: Decodable {
            var gap: String
            var title: String
            var number: Int?
            var url: String?
        }

        struct Pending: Decodable {
            var gap: String
            var destination: String
            var since: Date
        }

        var repository: String
        var apiURL: String
        var dryRun: Bool
        var created: [Entry]
        var adopted: [Entry]
        var orphaned: [Entry]
        var wouldCreate: [Entry]
        var wouldCheck: [String]
        var pendingElsewhere: [Pending]
        var error: String?
    }

    struct Imported: Decodable {
        struct Issue: Decodable {
            var line: Int?
            var field: String?
            var message: String
        }

        var imported: Bool
        var kind: String
        var format: String
        var records: Int
        var created: Int
        var alreadyPresent: Int
        var rejected: Int
        var merged: Int
        var bugLikeGaps: Int
        var categoriesCreated: [String]
        var mapping: [String: String]
        var ignoredColumns: [String]
        var rejectsFile: String?
        var issues: [Issue]
        var milliseconds: Int
    }

    /// `import --json` when nothing was imported.
    struct ImportFailure: Decodable {
        var imported: Bool
        var records: Int
        var invalid: Int
        var issues: [Imported.Issue]
    }

    struct Evaluation: Decodable {
        struct Scores: Decodable {
            var recallAt1: Double
            var recallAt5: Double
            var recallAt10: Double
            var recallAt20: Double
            var mrr: Double
        }

        struct Latency: Decodable {
            var p50: Double
            var p90: Double
            var p99: Double
            var max: Double
        }

        var dataset: String
        var documents: Int
        var queries: Int
        var strict: Scores
        var group: Scores
        var latencyMilliseconds: Latency
    }
}

/// Where the suite's demo store is; set by ``DemoStore`` around the suite.
enum SharedDemoStore {
    @TaskLocal static var path: String?

    static func require() throws -> String { try #require(path, "the suite needs the .demoStore trait") }
}

/// Builds one small demo store for a whole suite (rather than one per test) and removes it
/// afterwards.
struct DemoStore: SuiteTrait, TestScoping {
    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/demo"
            let demo = try gapsearch(["demo", "--gaps", "60", "--store", path])
            try #require(demo.status == 0, "demo failed: \(demo.standardError)")
            try await SharedDemoStore.$path.withValue(path) { try await function() }
        }
    }
}

extension Trait where Self == DemoStore {
    /// A 60-gap demo store shared by the suite's tests (read it with `SharedDemoStore.require()`).
    static var demoStore: Self { DemoStore() }
}

/// Runs `arguments` with `--json`-style output and decodes it strictly as `T`, after checking
/// the exit status and that every key in the output is one the schema names.
@discardableResult
func runJSON<T: Decodable>(
    _ type: T.Type, _ arguments: [String], store: String?, status: Set<Int32> = [0], input: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> T {
    let result = try gapsearch(arguments, store: store, input: input)
    try #require(status.contains(result.status), "\(arguments): exit \(result.status): \(result.standardError)", sourceLocation: sourceLocation)
    let value = try decode(type, result.standardOutput)
    expectDocumented(result.standardOutput, value, arguments.joined(separator: " "), sourceLocation: sourceLocation)
    return value
}

/// Fails for every key in `json` that `model` (its strict decoding) has no member for — an
/// output field the schema, and so the README, does not describe.
func expectDocumented(_ json: String, _ model: Any, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) else {
        Issue.record("\(what): not JSON", sourceLocation: sourceLocation)
        return
    }
    for path in undocumentedKeys(object, model, at: "") {
        Issue.record("\(what): \(path) is not in the documented schema", sourceLocation: sourceLocation)
    }
}

private func undocumentedKeys(_ json: Any, _ model: Any, at path: String) -> [String] {
    let mirror = Mirror(reflecting: model)
    if mirror.displayStyle == .optional {
        guard let wrapped = mirror.children.first?.value else { return [] }
        return undocumentedKeys(json, wrapped, at: path)
    }
    switch (json, mirror.displayStyle) {
    case (let object as [String: Any], .struct?):
        let members = Dictionary(uniqueKeysWithValues: mirror.children.compactMap { child in child.label.map { ($0, child.value) } })
        return object.keys.sorted().flatMap { key -> [String] in
            guard let member = members[key] else { return [path + "." + key] }
            return undocumentedKeys(object[key]!, member, at: path + "." + key)
        }
    case (let array as [Any], .collection?):
        return zip(array, mirror.children).enumerated().flatMap { index, pair in
            undocumentedKeys(pair.0, pair.1.value, at: path + "[\(index)]")
        }
    default:
        return []
    }
}

@Suite(.demoStore) struct JSONSchemaTests {
    @Test func searchDocuments() throws {
        let store = try SharedDemoStore.require()
        let shown = try runJSON(Schema.Shown.self, ["gap", "show", "1", "--json"], store: store)
        let check = try runJSON(Schema.Check.self, ["check", shown.gap.title, "--json"], store: store, status: [0, 2])
        let best = try #require(check.candidates.first)
        #expect(best.gap.id == shown.gap.id && best.likelyDuplicate == check.likelyDuplicate)
        #expect(best.explanation.contains { $0.kind == "term" && $0.queryWord != nil && $0.match != nil && $0.field != nil })
        let suggestions = try runJSON([Schema.Suggestion].self, ["suggest", String(shown.gap.title.prefix(12)), "--json"], store: store)
        #expect(!suggestions.isEmpty)
    }

    @Test func gapAndSubmissionDocuments() throws {
        let store = try SharedDemoStore.require()
        let listed = try runJSON(Schema.Listed.self, ["gap", "list", "--sort", "customers", "--limit", "5", "--json"], store: store)
        #expect(listed.total > 5 && listed.gaps.count == 5)
        let busiest = try #require(listed.gaps.first)
        #expect(busiest.gap.category != nil && busiest.gap.team != nil && busiest.impact.submissions > 0)
        let shown = try runJSON(Schema.Shown.self, ["gap", "show", busiest.gap.id, "--json"], store: store)
        #expect(shown.submissions.count == busiest.impact.submissions)
        let history = try runJSON([Schema.HistoryEntry].self, ["gap", "history", busiest.gap.id, "--json"], store: store)
        #expect(history.first?.event == "created")
        let submissions = try runJSON([Schema.Submission].self, ["submission", "list", "--gap", busiest.gap.id, "--json"], store: store)
        #expect(submissions.map(\.id) == shown.submissions.map(\.id))
        // Merged duplicates carry mergedInto.
        let merged = try runJSON(Schema.Listed.self, ["gap", "list", "--include-merged", "--limit", "100", "--json"], store: store)
        #expect(merged.gaps.contains { $0.gap.mergedInto != nil })
    }

    @Test func reportAndStoreDocuments() throws {
        let store = try SharedDemoStore.require()
        let report = try runJSON(Schema.Report.self, ["report", "--top", "3", "--json"], store: store)
        #expect(report.top.count == 3 && report.total.gaps > 0 && !report.byTeam.isEmpty)
        let viaFormat = try gapsearch(["report", "--top", "3", "--format", "json"], store: store)
        #expect(try decode(Schema.Report.self, viaFormat.standardOutput).top.map(\.gap.id) == report.top.map(\.gap.id))
        let stats = try runJSON(Schema.Stats.self, ["stats", "--json"], store: store)
        #expect(stats.gaps == 60 && stats.accounts == 40)
        // The demo persists the search index once, after its last write.
        #expect(stats.searchIndexSequence == stats.lastChange && stats.lastChange > 0)
        let verify = try runJSON(Schema.Verify.self, ["verify", "--json"], store: store)
        #expect(verify.consistent && verify.problems.isEmpty)
        let categories = try runJSON([Schema.Category].self, ["category", "list", "--json"], store: store)
        #expect(categories.contains { !$0.subcategories.isEmpty })
        let issue = try runJSON(Schema.IssuePayload.self, ["github", "issue", "1", "--json"], store: store)
        #expect(issue.body.contains("gapsearch:GAP-000001"))
        let sync = try runJSON(Schema.Sync.self, ["github", "sync", "--repo", "acme/product", "--dry-run", "--limit", "2", "--json"], store: store)
        #expect(sync.dryRun && sync.wouldCreate.count == 2 && sync.created.isEmpty)
    }

    /// Commands that change a store, run on a backup of the shared one.
    @Test func writeDocuments() throws {
        let shared = try SharedDemoStore.require()
        try withTemporaryDirectory { directory in
            let store = directory + "/copy"
            #expect(try runJSON(Schema.Backup.self, ["backup", store, "--json"], store: shared).destination == store)
            let created = try runJSON(Schema.Created.self, ["gap", "create", "Dark mode for the notebook viewer", "--force", "--json"], store: store)
            let id = created.gap.id
            #expect(try runJSON(Schema.Gap.self, ["gap", "edit", id, "--team", "Frontend", "--json"], store: store).team == "Frontend")
            #expect(try runJSON(Schema.Gap.self, ["gap", "status", id, "in-review", "--json"], store: store).status == "In review")
            #expect(try runJSON(Schema.Gap.self, ["gap", "merge", id, "1", "--json"], store: store).id == "GAP-000001")
            #expect(try runJSON(Schema.Gap.self, ["gap", "unmerge", id, "--json"], store: store).id == id)
            let filed = try runJSON(Schema.Submission.self, ["submit", id, "--internal", "--severity", "low", "--no-workaround", "--json"], store: store)
            #expect(filed.gap == id && filed.workaround == "none" && filed.account == nil)
            let added = try runJSON(Schema.Category.self, ["category", "add", "Notebooks", "--sub", "Viewer", "--json"], store: store)
            #expect(added.name == "Notebooks" && added.subcategories == ["Viewer"])
            let renamed = try runJSON(Schema.Category.self, ["category", "rename", "Notebooks", "Jupyter", "--json"], store: store)
            #expect(renamed.name == "Jupyter")
            #expect(try runJSON(Schema.Reindex.self, ["reindex", "--json"], store: store).gaps == 61)
            let file = directory + "/gaps.csv"
            try "title,category\nNotebook diff view,Jupyter\n".write(toFile: file, atomically: true, encoding: .utf8)
            let refused = try runJSON(Schema.ImportFailure.self, ["import", file, "--json"], store: store, status: [1])
            #expect(!refused.imported && refused.issues.first?.field == "id")
            try "id,title,category\nNB-1,Notebook diff view,Jupyter\n".write(toFile: file, atomically: true, encoding: .utf8)
            let imported = try runJSON(Schema.Imported.self, ["import", file, "--json"], store: store)
            #expect(imported.imported && imported.created == 1 && imported.kind == "gaps")
            let demo = try runJSON(Schema.Demo.self, ["demo", "--gaps", "10", "--store", directory + "/demo", "--json"], store: nil)
            #expect(demo.store == directory + "/demo" && demo.gaps == 10)
        }
    }

    @Test func evaluationDocument() throws {
        try withTemporaryDirectory { directory in
            let dataset = directory + "/labelled.jsonl"
            try """
                {"id":"A-1","title":"Export audit logs to Splunk","created":"2024-01-01T00:00:00Z","group":"g1","product":"Audit"}
                {"id":"A-2","title":"Dark mode","created":"2024-01-02T00:00:00Z","product":"UI"}
                {"id":"A-3","title":"Audit log export to splunk","created":"2024-01-03T00:00:00Z","dup_of":"A-1","group":"g1","product":"Audit"}
                """.write(toFile: dataset, atomically: true, encoding: .utf8)
            let evaluation = try runJSON(Schema.Evaluation.self, ["eval", dataset, "--json"], store: nil)
            #expect(evaluation.documents == 3 && evaluation.queries == 1 && evaluation.strict.recallAt1 == 1)
            let refused = try gapsearch(["eval", dataset, "--set", "titleWeight=-2"])
            #expect(refused.status == 64 && refused.standardError.contains("titleWeight must be 0 or more (got -2.0)"), "\(refused.standardError)")
            #expect(refused.standardError.contains("Usage: gapsearch eval"))
            // A dataset line that is not a record fails the run (1), naming the line.
            try "{\"id\":\"A-1\"}\nnot json\n".write(toFile: dataset, atomically: true, encoding: .utf8)
            let broken = try gapsearch(["eval", dataset])
            #expect(broken.status == 1 && broken.standardError.contains("labelled.jsonl:1: not a valid record"), "\(broken.standardError)")
        }
    }
}
