import Foundation
import GapStore
import GapTestSupport
import LMDB
import Testing

/// Runs the built `gapsearch` binary with `arguments` against the store at `store`.
func gapsearch(_ arguments: [String], store: String? = nil, actor: String = "tester", input: String? = nil) throws -> ProcessResult {
    var environment = ProcessInfo.processInfo.environment
    environment["GAPSEARCH_ACTOR"] = actor
    environment["NO_COLOR"] = "1"
    environment.removeValue(forKey: "GAPSEARCH_STORE")
    let storeArguments = store.map { ["--store", $0] } ?? []
    return try ChildProcess(try builtProduct(named: "gapsearch"), arguments + storeArguments, environment: environment, standardInput: input).wait()
}

func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    return try decoder.decode(type, from: Data(text.utf8))
}

struct GapJSON: Decodable {
    var id: String
    var title: String
    var status: String
    var category: String?
    var team: String?
    var mergedInto: String?
}

@Suite struct CLITests {
    @Test func helpListsEveryVerbAndShowsExamples() throws {
        let help = try gapsearch(["--help"])
        #expect(help.status == 0)
        for verb in ["demo", "gap", "submit", "category", "report", "stats", "verify", "reindex", "backup"] {
            #expect(help.standardOutput.contains("  \(verb) "), "\(verb) missing from --help")
        }
        for verb in [["gap", "create"], ["gap", "status"], ["gap", "merge"], ["submit"], ["report"], ["demo"]] {
            let text = try gapsearch(verb + ["--help"]).standardOutput
            #expect(text.contains("Example"), "\(verb) --help has no example")
        }
    }

    @Test func demoBuildsAConsistentStore() throws {
        try withTemporaryDirectory { directory in
            let store = directory + "/demo"
            let demo = try gapsearch(["demo", "--gaps", "120", "--store", store])
            #expect(demo.status == 0, "\(demo.standardError)")
            #expect(demo.standardOutput.contains("120 gaps"))
            #expect(try gapsearch(["verify"], store: store).status == 0)
            struct Stats: Decodable { var gaps: Int; var submissions: Int; var accounts: Int }
            let stats = try decode(Stats.self, try gapsearch(["stats", "--json"], store: store).standardOutput)
            #expect(stats.gaps == 120 && stats.accounts == 40 && stats.submissions > 0)
            // The same seed gives the same store.
            let again = try gapsearch(["demo", "--gaps", "120", "--store", directory + "/again"])
            #expect(again.status == 0)
            let first = try gapsearch(["report", "--format", "csv"], store: store).standardOutput
            let second = try gapsearch(["report", "--format", "csv"], store: directory + "/again").standardOutput
            #expect(first == second && first.split(separator: "\n").count == 21)
            // A demo never overwrites a store.
            #expect(try gapsearch(["demo", "--store", store]).status == 64)
        }
    }

    @Test func gapLifecycleWithJSONAndExitCodes() throws {
        try withTemporaryDirectory { directory in
            let store = directory + "/s"
            #expect(try gapsearch(["category", "add", "Code search", "--sub", "Ranking"], store: store).status == 0)
            let created = try gapsearch(["gap", "create", "Search archived repositories", "--category", "code search", "--team", "Search", "--json"], store: store)
            #expect(created.status == 0, "\(created.standardError)")
            struct CreatedWithWarnings: Decodable { var gap: GapJSON }
            let gap = try decode(CreatedWithWarnings.self, created.standardOutput).gap
            #expect(gap.id == "GAP-000001" && gap.category == "Code search" && gap.status == "Open")

            let bug = try gapsearch(["gap", "create", "Indexer crashes with NullPointerException"], store: store)
            #expect(bug.status == 0)
            #expect(bug.standardError.contains("warning: this reads like a bug report"))

            #expect(try gapsearch(["gap", "status", "1", "in_review"], store: store).status == 0)
            let declined = try gapsearch(["gap", "status", "1", "wont-do"], store: store)
            #expect(declined.status == 1)
            #expect(declined.standardError.contains("needs a note"))
            let unknown = try gapsearch(["gap", "status", "1", "done"], store: store)
            #expect(unknown.status == 64)
            #expect(unknown.standardError.contains("Open, In review, In progress, Scheduled, Resolved, Backlog, Won't do"))
            #expect(try gapsearch(["gap", "show", "GAP-000042"], store: store).status == 1)
            #expect(try gapsearch(["gap", "show", "banana"], store: store).status == 64)

            // Commands that change what must already exist create no store where there is none.
            for arguments in [["reindex"], ["gap", "status", "1", "resolved"], ["submit", "1", "--internal", "--severity", "low"]] {
                let nowhere = try gapsearch(arguments, store: directory + "/typo")
                #expect(nowhere.status == 1 && nowhere.standardError.contains("no store at"), "\(arguments): \(nowhere.standardError)")
            }
            #expect(!FileManager.default.fileExists(atPath: directory + "/typo"))

            // A store path that is a file says so, and what to give instead.
            try Data().write(to: URL(fileURLWithPath: directory + "/plain-file"))
            let notStore = try gapsearch(["stats"], store: directory + "/plain-file")
            #expect(notStore.status == 1 && notStore.standardError.contains("a store is a directory"), "\(notStore.standardError)")

            // The draft's own rules come before the duplicate search: an empty title is named.
            let untitled = try gapsearch(["gap", "create", " ", "--force"], store: store)
            #expect(untitled.status == 1 && untitled.standardError.contains("a gap needs a title"))
            // Description files: unreadable or not UTF-8 fails the operation, with the reason.
            let missing = try gapsearch(["gap", "create", "Export audit logs", "--description-file", directory + "/none.md"], store: store)
            #expect(missing.status == 1 && missing.standardError.contains("none.md: No such file or directory"))
            try Data([0x61, 0xFF, 0x62]).write(to: URL(fileURLWithPath: directory + "/latin1.md"))
            let garbled = try gapsearch(["check", "Export audit logs", "--description-file", directory + "/latin1.md"], store: store)
            #expect(garbled.status == 1 && garbled.standardError.contains("latin1.md is not valid UTF-8 text"))
            #expect(!missing.standardError.contains("Usage") && !garbled.standardError.contains("Usage"))

            #expect(try gapsearch(["gap", "merge", "2", "1", "--note", "same"], store: store).status == 0)
            let shown = try gapsearch(["gap", "show", "2", "--json"], store: store)
            struct Shown: Decodable { var gap: GapJSON }
            #expect(try decode(Shown.self, shown.standardOutput).gap.id == "GAP-000001")
            let history = try gapsearch(["gap", "history", "1"], store: store).standardOutput
            #expect(history.contains("Open → In review") && history.contains("GAP-000002 merged into this gap"))
            struct Listed: Decodable { var total: Int; var gaps: [Item]; struct Item: Decodable { var gap: GapJSON } }
            let listed = try decode(Listed.self, try gapsearch(["gap", "list", "--json", "--include-merged"], store: store).standardOutput)
            #expect(listed.total == 2)
            let unpaged = try gapsearch(["gap", "list", "--limit", "0"], store: store)
            #expect(unpaged.status == 64 && unpaged.standardError.contains("Usage: gapsearch gap list"))
        }
    }

    @Test func submissionsThroughTheCLI() throws {
        try withTemporaryDirectory { directory in
            let store = directory + "/s"
            _ = try gapsearch(["gap", "create", "SCIM group sync"], store: store)
            let filed = try gapsearch([
                "submit", "1", "--account", "001ACME", "--account-name", "Acme Corp", "--opportunity", "006X", "--kind", "renewal",
                "--amount", "120,000.50", "--close-date", "2026-12-31", "--severity", "blocker", "--workaround", "manual sync", "--json",
            ], store: store)
            #expect(filed.status == 0, "\(filed.standardError)")
            #expect(try gapsearch(["submit", "1", "--severity", "low"], store: store).status == 64)  // no --account or --internal
            #expect(try gapsearch(["submit", "1", "--internal", "--severity", "critical"], store: store).status == 64)
            #expect(try gapsearch(["submit", "1", "--account", "X", "--opportunity", "O", "--kind", "renewal", "--severity", "low"], store: store).status == 64)
            // A malformed amount or date is the command line's fault, shown with submit's usage.
            let badAmount = try gapsearch([
                "submit", "1", "--account", "X", "--opportunity", "O", "--kind", "renewal", "--amount", "12k", "--close-date", "2026-12-31",
                "--severity", "low",
            ], store: store)
            #expect(badAmount.status == 64 && badAmount.standardError.contains("\"12k\" is not an amount"))
            #expect(badAmount.standardError.contains("Usage: gapsearch submit"))
            let anonymous = try gapsearch(["submit", "1", "--internal", "--severity", "low", "--anonymous"], store: store, actor: "secret.colleague")
            #expect(anonymous.status == 0)
            let report = try gapsearch(["report", "--format", "json"], store: store)
            struct Report: Decodable { var total: Total; struct Total: Decodable { var customers: Int; var revenueAtStake: Int64; var submissions: Int } }
            let total = try decode(Report.self, report.standardOutput).total
            #expect(total.customers == 1 && total.submissions == 2 && total.revenueAtStake == 12_000_050)
            let files = try FileManager.default.contentsOfDirectory(atPath: store).map { try Data(contentsOf: URL(fileURLWithPath: store + "/" + $0)) }
            #expect(files.allSatisfy { $0.range(of: Data("secret.colleague".utf8)) == nil })
        }
    }

    @Test func checkGatesCreationWithExitCodes() throws {
        try withTemporaryDirectory { directory in
            let store = directory + "/s"
            let created = try gapsearch(["gap", "create", "Export audit log events to Splunk", "--description", "Security teams stream admin activity to their SIEM"], store: store)
            #expect(created.status == 0, "\(created.standardError)")
            // A close paraphrase with a typo is a likely duplicate: exit code 2.
            let check = try gapsearch(["check", "export audit log evnts to splunk", "--json"], store: store)
            #expect(check.status == 2, "\(check.standardError)")
            struct Check: Decodable {
                var likelyDuplicate: Bool
                var candidates: [Candidate]
                struct Candidate: Decodable { var gap: GapJSON; var confidence: Double; var explanation: [Part] }
                struct Part: Decodable { var kind: String; var match: String?; var contribution: Double }
            }
            let result = try decode(Check.self, check.standardOutput)
            #expect(result.likelyDuplicate && result.candidates.first?.gap.id == "GAP-000001")
            #expect(result.candidates.first?.explanation.contains { $0.match == "fuzzy(1)" } == true)
            // Something unrelated is not: exit code 0.
            #expect(try gapsearch(["check", "dark mode for the code viewer"], store: store).status == 0)
            // gap create refuses the duplicate, and --force records that it was overridden.
            let refused = try gapsearch(["gap", "create", "Export audit log events to Splunk"], store: store)
            #expect(refused.status == 2)
            #expect(refused.standardError.contains("GAP-000001"))
            #expect(try gapsearch(["gap", "create", "Export audit log events to Splunk", "--force"], store: store).status == 0)
            #expect(try gapsearch(["gap", "history", "2"], store: store).standardOutput.contains("created despite a likely duplicate"))
            // As-you-type suggestions, from titles; with --descriptions, from descriptions too.
            #expect(try gapsearch(["suggest", "audit log exp"], store: store).standardOutput.contains("GAP-000001"))
            _ = try gapsearch(["gap", "create", "Compliance archive", "--description", "keep every kubernetes manifest", "--force"], store: store)
            #expect(!(try gapsearch(["suggest", "kubernetes manif"], store: store).standardOutput.contains("Compliance archive")))
            #expect(try gapsearch(["suggest", "kubernetes manif", "--descriptions"], store: store).standardOutput.contains("Compliance archive"))
            let blank = try gapsearch(["suggest", "  "], store: store)
            #expect(blank.status == 64 && blank.standardError.contains("give the start of a title"))
        }
    }

    @Test func checkStreamsJSONLines() throws {
        try withTemporaryDirectory { directory in
            let store = directory + "/s"
            _ = try gapsearch(["gap", "create", "SAML group sync with Okta"], store: store)
            let input = """
                {"title": "okta saml groups", "k": 1}
                this is not json
                {"title": "x", "statuses": ["bogus"]}

                {"description": "sync okta groups into teams"}
                """
            let result = try gapsearch(["check", "--jsonl"], store: store, input: input)
            #expect(result.status == 0, "\(result.standardError)")
            let lines = result.standardOutput.split(separator: "\n").map(String.init)
            #expect(lines.count == 4)  // one result per non-empty line, nothing else on stdout
            struct Line: Decodable { var likelyDuplicate: Bool?; var candidates: [Candidate]?; var error: String? }
            struct Candidate: Decodable { var gap: GapJSON }
            let parsed = try lines.map { try decode(Line.self, $0) }
            #expect(parsed[0].candidates?.map(\.gap.id) == ["GAP-000001"])
            #expect(parsed[1].error?.contains("not a draft") == true)
            #expect(parsed[2].error?.contains("unknown status") == true)
            #expect(parsed[3].candidates?.first?.gap.id == "GAP-000001")
            #expect(try gapsearch(["check", "--jsonl", "title"], store: store).status == 64)
        }
    }

    /// A long-running process (this test, holding a store open) sees a gap another process
    /// (the CLI) created, on its next call, and the other way round.
    @Test func aLongRunningProcessSeesAnotherProcesssWrites() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/shared"
            let service = try GapStore(path: path)
            try service.createGap(GapDraft(title: "Created by the service"), by: "service")
            #expect(try gapsearch(["gap", "show", "1"], store: path).standardOutput.contains("Created by the service"))
            let created = try gapsearch(["gap", "create", "Created by the CLI"], store: path)
            #expect(created.status == 0)
            #expect(try service.gap(GapID(2))?.title == "Created by the CLI")
            #expect(try service.lastChangeSequence() == 2)
            // Its duplicate search finds the other process's gap without a restart.
            #expect(try service.findDuplicates(DuplicateQuery(title: "created by the cli")).first?.gap.id == GapID(2))
        }
    }

    @Test func verifyExitsThreeOnDriftAndReindexRepairs() throws {
        try withTemporaryDirectory { directory in
            let store = directory + "/s"
            _ = try gapsearch(["gap", "create", "Drift", "--team", "Search"], store: store)
            do {
                let env = try Environment(path: store)
                let byTeam = try env.openDatabase(named: "gaps-by-team")
                try env.write { txn in try txn.removeAll(in: byTeam) }
            }
            let verify = try gapsearch(["verify"], store: store)
            #expect(verify.status == 3)
            #expect(verify.standardOutput.contains("gaps-by-team"))
            #expect(try gapsearch(["reindex"], store: store).status == 0)
            #expect(try gapsearch(["verify"], store: store).status == 0)
            #expect(try gapsearch(["backup", directory + "/copy"], store: store).status == 0)
            #expect(try gapsearch(["backup", directory + "/copy"], store: store).status == 1)
            #expect(try gapsearch(["stats"], store: directory + "/copy").standardOutput.contains("Gaps:           1"))
            #expect(try gapsearch(["stats"], store: directory + "/missing").status == 1)
        }
    }
}
