import Foundation
import GapTestSupport
import Testing

@Suite struct ImportExportTests {
    static let gapsCSV = """
        Key,Summary,Description,Product,Team,Status,Created
        CRM-1,SAML group sync,"Sync Okta groups, nightly",Authentication,Identity,In review,2025-03-01T09:30:00Z
        CRM-2,Search archived repositories,,Code search,Search,,2025-03-02
        CRM-3,Export audit log to Splunk,Stream admin events,,,backlog,2025-03-03

        """

    static let submissionsJSONL = """
        {"id": "SF-1", "gap": "CRM-1", "account": "001ACME", "account_name": "Acme Corp", "opportunity": "006A", "opportunity_kind": "renewal", "amount": 120000.5, "close_date": "2026-12-31", "severity": "blocker", "workaround": "Manual sync"}
        {"id": "SF-2", "gap": "CRM-1", "account": "002GLOBEX", "account_name": "Globex", "severity": "high", "workaround": "none"}
        {"id": "SF-3", "gap": "GAP-000002", "severity": "low", "context": "I want it too", "anonymous": true}

        """

    func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// `stats --json` without the fields that change when nothing is written (readers, map size).
    func state(_ store: String) throws -> String {
        struct Stats: Decodable, Equatable { var gaps: Int; var submissions: Int; var accounts: Int; var historyEntries: Int; var lastChange: Int }
        let stats = try decode(Stats.self, try gapsearch(["stats", "--json"], store: store).standardOutput)
        let gaps = try gapsearch(["export", "--kind", "gaps", "--format", "csv"], store: store).standardOutput
        let submissions = try gapsearch(["export", "--kind", "submissions", "--format", "jsonl"], store: store).standardOutput
        return "\(stats)\n\(gaps)\n\(submissions)"
    }

    @Test func helpHasExamples() throws {
        for verb in [["import"], ["export"], ["submission", "list"]] {
            let help = try gapsearch(verb + ["--help"])
            #expect(help.status == 0 && help.standardOutput.contains("Example"), "\(verb) --help has no example")
        }
        #expect(try gapsearch(["--help"]).standardOutput.contains("  import "))
    }

    @Test func importSubmissionListAndIdempotentRerun() throws {
        try withTemporaryDirectory { directory in
            let store = directory + "/s"
            try write(Self.gapsCSV, to: directory + "/gaps.csv")
            try write(Self.submissionsJSONL, to: directory + "/subs.jsonl")
            _ = try gapsearch(["category", "add", "Authentication"], store: store)
            _ = try gapsearch(["category", "add", "Code search"], store: store)
            struct Result: Decodable { var kind: String; var records: Int; var created: Int; var alreadyPresent: Int; var rejected: Int }
            let gaps = try gapsearch(["import", directory + "/gaps.csv", "--json"], store: store)
            #expect(gaps.status == 0, "\(gaps.standardError)")
            let first = try decode(Result.self, gaps.standardOutput)
            #expect(first.kind == "gaps" && first.created == 3 && first.alreadyPresent == 0)
            let subs = try gapsearch(["import", directory + "/subs.jsonl", "--json"], store: store, actor: "importer")
            #expect(subs.status == 0, "\(subs.standardError)")
            #expect(try decode(Result.self, subs.standardOutput).created == 3)

            let before = try state(store)
            let rerun = try decode(Result.self, try gapsearch(["import", directory + "/gaps.csv", "--json"], store: store).standardOutput)
            #expect(rerun.created == 0 && rerun.alreadyPresent == 3)
            let rerunSubs = try gapsearch(["import", directory + "/subs.jsonl"], store: store)
            #expect(rerunSubs.status == 0 && rerunSubs.standardOutput.contains("0 created, 3 already present"))
            #expect(try state(store) == before)

            struct Submission: Decodable { var id: String; var gap: String; var account: String?; var severity: String; var submitter: String?; var externalID: String? }
            let forGap = try decode([Submission].self, try gapsearch(["submission", "list", "--gap", "1", "--json"], store: store).standardOutput)
            #expect(forGap.map(\.externalID) == ["SF-1", "SF-2"] && forGap.allSatisfy { $0.gap == "GAP-000001" && $0.submitter == "importer" })
            let forAccount = try decode([Submission].self, try gapsearch(["submission", "list", "--account", "002GLOBEX", "--json"], store: store).standardOutput)
            #expect(forAccount.map(\.severity) == ["high"])
            let all = try gapsearch(["submission", "list"], store: store)
            #expect(all.status == 0 && all.standardOutput.contains("(anonymous)") && all.standardOutput.contains("3 submissions"))
            #expect(try gapsearch(["submission", "list", "--gap", "99"], store: store).status == 1)
            #expect(try gapsearch(["verify"], store: store).status == 0)
        }
    }

    @Test func malformedFilesListEveryProblemAndChangeNothing() throws {
        try withTemporaryDirectory { directory in
            let store = directory + "/s"
            _ = try gapsearch(["category", "add", "Authentication"], store: store)
            try write("id,title\nOLD-1,Already here\n", to: directory + "/old.csv")
            #expect(try gapsearch(["import", directory + "/old.csv"], store: store).status == 0)
            let before = try state(store)

            try write(Self.gapsCSV.replacingOccurrences(of: "In review", with: "Triaged"), to: directory + "/bad.csv")
            let bad = try gapsearch(["import", directory + "/bad.csv"], store: store)
            #expect(bad.status == 1)
            #expect(bad.standardError.contains("line 2, status: unknown status \"Triaged\""))
            #expect(bad.standardError.contains("line 3, category: unknown category \"Code search\"; valid categories: Authentication"))
            #expect(bad.standardError.contains("2 of 3 records are invalid; nothing was imported"))

            struct Failure: Decodable { var imported: Bool; var issues: [Issue]; struct Issue: Decodable { var line: Int?; var field: String? } }
            let json = try gapsearch(["import", directory + "/bad.csv", "--json"], store: store)
            #expect(json.status == 1)
            let failure = try decode(Failure.self, json.standardOutput)
            #expect(!failure.imported && failure.issues.map(\.line) == [2, 3])

            var garbled = Data("{\"id\":\"J-1\",\"title\":\"ok\"}\n{\"id\":\"J-2\",\"title\":\"caf".utf8)
            garbled.append(contentsOf: [0xC3, 0x28])
            garbled.append(contentsOf: Array("\"}\nnot json\n".utf8))
            try garbled.write(to: URL(fileURLWithPath: directory + "/garbled.jsonl"))
            let invalid = try gapsearch(["import", directory + "/garbled.jsonl"], store: store)
            #expect(invalid.status == 1)
            #expect(invalid.standardError.contains("line 2: the line is not valid UTF-8"))
            #expect(invalid.standardError.contains("line 3: not a JSON object"))

            #expect(try gapsearch(["import", directory + "/bad.txt"], store: store).status == 64)
            // A file that cannot be read fails the operation (1), with the system's reason and
            // without a usage line; a bad command line is 64.
            let missing = try gapsearch(["import", directory + "/missing.csv"], store: store)
            #expect(missing.status == 1)
            #expect(missing.standardError.contains("cannot read \(directory)/missing.csv: No such file or directory"))
            #expect(!missing.standardError.contains("Usage"))
            let folder = try gapsearch(["import", directory, "--format", "csv"], store: store)
            #expect(folder.status == 1 && folder.standardError.contains("it is a directory"))
            #expect(try gapsearch(["import", directory + "/bad.csv", "--map", "title"], store: store).status == 64)
            #expect(try state(store) == before)
        }
    }

    @Test func skipInvalidWritesARejectsFileToFixAndReimport() throws {
        try withTemporaryDirectory { directory in
            let store = directory + "/s"
            try write(Self.gapsCSV, to: directory + "/gaps.csv")
            struct Result: Decodable { var created: Int; var rejected: Int; var rejectsFile: String?; var categoriesCreated: [String] }
            let run = try gapsearch(["import", directory + "/gaps.csv", "--skip-invalid", "--json"], store: store)
            #expect(run.status == 0, "\(run.standardError)")
            let result = try decode(Result.self, run.standardOutput)
            #expect(result.created == 1 && result.rejected == 2 && result.rejectsFile?.hasSuffix("/gaps.rejects.csv") == true)
            let rejects = try String(contentsOfFile: directory + "/gaps.rejects.csv", encoding: .utf8)
            #expect(rejects.hasPrefix("Key,Summary,Description,Product,Team,Status,Created\nCRM-1,") && rejects.split(separator: "\n").count == 3)
            let fixed = try gapsearch(["import", directory + "/gaps.rejects.csv", "--create-categories", "--json"], store: store)
            let fixedResult = try decode(Result.self, fixed.standardOutput)
            #expect(fixedResult.created == 2 && fixedResult.categoriesCreated == ["Authentication", "Code search"])
        }
    }

    @Test func exportImportsBackIntoAnEmptyStore() throws {
        try withTemporaryDirectory { directory in
            let source = directory + "/demo"
            #expect(try gapsearch(["demo", "--gaps", "40", "--store", source]).status == 0)
            #expect(try gapsearch(["export", "--kind", "gaps", "--output", directory + "/gaps.csv"], store: source).status == 0)
            #expect(try gapsearch(["export", "--kind", "submissions", "--output", directory + "/subs.jsonl"], store: source).status == 0)
            let target = directory + "/copy"
            let gaps = try gapsearch(["import", directory + "/gaps.csv", "--create-categories"], store: target)
            #expect(gaps.status == 0, "\(gaps.standardError)")
            let subs = try gapsearch(["import", directory + "/subs.jsonl"], store: target)
            #expect(subs.status == 0, "\(subs.standardError)")
            struct Listed: Decodable, Equatable {
                var total: Int
                var gaps: [Item]
                struct Item: Decodable, Equatable { var gap: Gap; var impact: Impact }
                struct Gap: Decodable, Equatable { var id: String; var title: String; var status: String; var category: String?; var team: String?; var mergedInto: String?; var createdAt: Date }
                // Revenue aside: the demo's opportunities are recorded apart from its submissions,
                // and only those a submission names are exported.
                struct Impact: Decodable, Equatable { var customers: Int; var submissions: Int; var severity: [String: Int] }
            }
            let list = ["gap", "list", "--json", "--include-merged", "--sort", "oldest", "--limit", "100"]
            let expected = try decode(Listed.self, try gapsearch(list, store: source).standardOutput)
            let actual = try decode(Listed.self, try gapsearch(list, store: target).standardOutput)
            #expect(expected.total == 40 && actual == expected)
            struct Submission: Decodable, Equatable { var id: String; var gap: String; var account: String?; var severity: String; var workaround: String; var submitter: String?; var anonymous: Bool; var createdAt: Date }
            let submissions = ["submission", "list", "--json"]
            #expect(try decode([Submission].self, try gapsearch(submissions, store: target).standardOutput)
                == decode([Submission].self, try gapsearch(submissions, store: source).standardOutput))
            #expect(try gapsearch(["verify"], store: target).status == 0)
        }
    }
}
