import Foundation
import GapGitHub
import GapStore
import GapTestSupport
import GitHubTestServer
import Testing

/// `gapsearch github …` end to end: the built binary, a store on disk, the fake GitHub on
/// loopback.
@Suite struct GitHubCLITests {
    @Test func aSyncKilledMidwayNeverMakesTwoIssuesForAGap() async throws {
        try await withFakeGitHub { github in
            try await withTemporaryDirectory { directory in
                let path = directory + "/store"
                let gaps = try seedGaps(try GapStore(path: path), count: 4)
                let arguments = ["github", "sync", "--repo", testRepository, "--api-url", github.apiURL]

                // GitHub creates the 2nd issue but its answer never comes; the process is killed
                // while it waits, before it can store the issue's URL.
                github.holdCreate(number: 2)
                let child = try startGapsearch(arguments, store: path)
                while !github.isHoldingCreate && child.isRunning { try await Task.sleep(for: .milliseconds(10)) }
                #expect(github.isHoldingCreate, "the sync ended before its second create")
                child.sendSignal(SIGKILL)
                let killed = try await finish(child)
                #expect(killed.status == SIGKILL)
                #expect(github.issues.count == 2)
                let store = try GapStore(path: path)
                #expect(try store.gap(gaps[0].id)?.externalLink == github.issues[0].url)
                #expect(try store.gap(gaps[1].id)?.externalLink == nil)
                #expect(try store.pendingIssues().map(\.gapID) == [gaps[1].id])

                github.stopHolding()
                let rerun = try await runGapsearch(arguments + ["--json"], store: path)
                #expect(rerun.status == 0, "\(rerun.standardError)")
                struct Summary: Decodable {
                    struct Entry: Decodable { var gap: String; var number: Int?; var url: String? }
                    var created: [Entry]
                    var adopted: [Entry]
                    var error: String?
                }
                let summary = try JSONDecoder().decode(Summary.self, from: Data(rerun.standardOutput.utf8))
                #expect(summary.adopted.map(\.gap) == [gaps[1].id.description])
                #expect(summary.created.map(\.gap) == [gaps[2].id.description, gaps[3].id.description])
                #expect(summary.error == nil)

                // Exactly one issue per gap on GitHub, and every gap linked to its own.
                #expect(gapsOfIssues(github) == gaps.map(\.id))
                for (gap, issue) in zip(gaps, github.issues) {
                    #expect(try store.gap(gap.id)?.externalLink == issue.url)
                }
                #expect(try store.pendingIssues().isEmpty)
                #expect(try store.verify().isConsistent)

                let again = try await runGapsearch(arguments, store: path)
                #expect(again.status == 0)
                #expect(again.standardOutput.contains("Created 0 issues."))
                #expect(github.issues.count == 4)
            }
        }
    }

    @Test func missingTokenAndRejectedTokenFailClearly() async throws {
        try await withFakeGitHub { github in
            try await withTemporaryDirectory { directory in
                let path = directory + "/store"
                try seedGaps(try GapStore(path: path), count: 1)
                let arguments = ["github", "sync", "--repo", testRepository, "--api-url", github.apiURL]

                let missing = try await runGapsearch(arguments, store: path, token: nil)
                #expect(missing.status == 1)
                #expect(missing.standardError.contains("$GITHUB_TOKEN is not set"))
                #expect(github.requests.isEmpty)

                let rejected = try await runGapsearch(arguments, store: path, token: "ghp_revoked")
                #expect(rejected.status == 1)
                #expect(rejected.standardError.contains("GitHub rejected the token (401"))
                #expect(try GapStore(path: path).pendingIssues().isEmpty)

                let dryRun = try await runGapsearch(arguments + ["--dry-run"], store: path, token: nil)
                #expect(dryRun.status == 0, "\(dryRun.standardError)")
                #expect(dryRun.standardOutput.contains("would create  GAP-000001"))
                #expect(dryRun.standardOutput.contains("Would create 1 issue."))

                let badRepository = try await runGapsearch(["github", "sync", "--repo", "acme"], store: path)
                #expect(badRepository.status == 1 && badRepository.standardError.contains("write OWNER/NAME"))
                let plainHTTP = try await runGapsearch(arguments + ["--api-url", "http://github.example.com/api/v3"], store: path)
                #expect(plainHTTP.status == 1 && plainHTTP.standardError.contains("must use https"))
            }
        }
    }

    @Test func issueRendersMarkdownAndTheRESTPayload() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/store"
            try seedGapWithSubmissions(try GapStore(path: path))
            let markdown = try await runGapsearch(["github", "issue", "GAP-000001"], store: path)
            #expect(markdown.status == 0, "\(markdown.standardError)")
            #expect(markdown.standardOutput.hasPrefix("# Search archived repositories\n\n"))
            #expect(markdown.standardOutput.contains("Acme Corp"))
            #expect(markdown.standardOutput.hasSuffix("<!-- gapsearch:GAP-000001 -->\n"))

            let json = try await runGapsearch(["github", "issue", "1", "--format", "json", "--anonymize", "--label", "roadmap"], store: path)
            #expect(json.status == 0, "\(json.standardError)")
            struct Payload: Decodable { var title: String; var body: String; var labels: [String] }
            let payload = try JSONDecoder().decode(Payload.self, from: Data(json.standardOutput.utf8))
            #expect(payload.title == "Search archived repositories" && payload.labels == ["roadmap"])
            #expect(!payload.body.contains("Acme Corp") && payload.body.contains("**3 customers**"))

            let missing = try await runGapsearch(["github", "issue", "GAP-000042"], store: path)
            #expect(missing.status == 1 && missing.standardError.contains("no gap GAP-000042"))
            let help = try await runGapsearch(["github", "sync", "--help"], store: path)
            #expect(help.standardOutput.contains("Examples:") && help.standardOutput.contains("--dry-run"))
        }
    }
}
