import ArgumentParser
import Foundation
import GapGitHub
import GapStore

struct GitHubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "github",
        abstract: "Turn gaps into GitHub issues.",
        discussion: """
            `issue` renders the issue for one gap; `sync` creates the missing issues through
            GitHub's REST API and stores each issue's URL on its gap.

            Examples:
              gapsearch github issue GAP-000123
              gapsearch github sync --repo acme/product --dry-run
            """,
        subcommands: [Issue.self, Sync.self]
    )
}

/// Options both verbs share: how issues look.
struct IssueRenderingOptions: ParsableArguments {
    @Flag(help: "Count customers without naming them (for repositories outsiders can read).")
    var anonymize = false

    @Option(name: .customLong("label"), help: ArgumentHelp("A label for the issue (repeatable; default: gapsearch).", valueName: "name"))
    var labels: [String] = []

    var render: IssueRenderOptions {
        IssueRenderOptions(namesCustomers: !anonymize, labels: labels.isEmpty ? [IssueMarker.defaultLabel] : labels)
    }

    func validate() throws {
        for label in labels where label.trimmingCharacters(in: .whitespaces).isEmpty || label.count > 50 || label.contains(",") {
            throw ValidationError("\"\(label)\" is not a label; use 1–50 characters without commas")
        }
    }
}

extension GitHubCommand {
    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render the GitHub issue for a gap.",
            discussion: """
                The body has the gap's description, its impact (customers, submissions,
                severity mix), what it means for customers, their workarounds, and a hidden
                back-link (<!-- gapsearch:GAP-000123 -->) on its last line. Anonymous and
                internal submissions never name anyone; --anonymize names no customer at all.

                Examples:
                  gapsearch github issue GAP-000123
                  gapsearch github issue 123 --format json --anonymize > issue.json
                  curl -X POST -H "Authorization: Bearer $GITHUB_TOKEN" \\
                    https://api.github.com/repos/acme/product/issues --data @issue.json
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case markdown, json
        }

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var rendering: IssueRenderingOptions
        @Argument(help: "The gap id (GAP-000123 or 123).", transform: gapIDArgument) var id: GapID
        @Option(help: "markdown (the default), or json (the payload of POST /repos/{owner}/{repo}/issues; also --json).")
        var format: Format?

        func validate() throws {
            if output.json, let format, format != .json { throw ValidationError("give --json or --format \(format.rawValue), not both") }
        }

        func run() throws {
            let format = output.json ? .json : format ?? .markdown
            let store = try store.openForReading()
            let content = try store.issueContent(for: id, options: rendering.render)
            if content.gapID != id { printError(Style.dim("\(id) was merged into \(content.gapID); this is its issue")) }
            switch format {
            case .markdown: print(content.markdown, terminator: "")
            case .json: print(String(decoding: content.restPayload(prettyPrinted: true), as: UTF8.self))
            }
        }
    }

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create GitHub issues for the gaps that have none.",
            discussion: """
                Merged gaps and gaps that already have an issue link are skipped. Each new
                issue's URL is stored on its gap and recorded in its history. Run it as often
                as you like: a gap never gets two issues, even when a sync is killed halfway
                (the next one finds the issue by its back-link and adopts it).

                The token comes from $GITHUB_TOKEN (or the variable --token-env names) and
                needs read and write access to the repository's issues.

                Examples:
                  gapsearch github sync --repo acme/product --dry-run
                  gapsearch github sync --repo acme/product --status scheduled \\
                    --min-customers 3
                  gapsearch github sync --repo acme/product --team Search --anonymize --json
                  gapsearch github sync --repo platform/roadmap \\
                    --api-url https://github.example.com/api/v3
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var rendering: IssueRenderingOptions
        @Option(help: ArgumentHelp("The repository to create issues in.", valueName: "owner/name")) var repo: String
        @Option(help: ArgumentHelp("GitHub's REST API (GitHub Enterprise: https://HOST/api/v3).", valueName: "url"))
        var apiURL = "https://api.github.com"
        @Option(help: ArgumentHelp("The environment variable holding the token.", valueName: "name")) var tokenEnv = "GITHUB_TOKEN"
        @Option(help: "Only this status (repeatable).", transform: statusArgument) var status: [GapStatus] = []
        @Option(help: "Only this team (repeatable).") var team: [String] = []
        @Option(help: "Only this category (repeatable).") var category: [String] = []
        @Option(help: "Only gaps with at least this many customers.") var minCustomers = 0
        @Option(help: "Create at most this many issues.") var limit: Int?
        @Option(help: ArgumentHelp("Wait out rate limits up to this long, else stop.", valueName: "seconds")) var maxWait = 60
        @Option(help: "Retries after GitHub server errors (5xx) or lost connections.") var retries = 3
        @Flag(help: "Show what would be created; change nothing and do not contact GitHub.") var dryRun = false

        func validate() throws {
            if minCustomers < 0 { throw ValidationError("--min-customers must be 0 or more") }
            if let limit, limit < 1 { throw ValidationError("--limit must be 1 or more") }
            if maxWait < 0 { throw ValidationError("--max-wait must be 0 or more seconds") }
            if !(0...10).contains(retries) { throw ValidationError("--retries must be 0–10") }
        }

        func run() async throws {
            let repository = try GitHubRepository(parsing: repo)
            let api = try GitHubAPIURL(parsing: apiURL)
            let token = ProcessInfo.processInfo.environment[tokenEnv].flatMap { $0.isEmpty ? nil : $0 }
            if token == nil && !dryRun {
                throw GitHubError(
                    .missingToken,
                    "$\(tokenEnv) is not set; create a GitHub token with read and write access to the issues of \(repository), then `export \(tokenEnv)=…` (or try --dry-run)")
            }
            let gapStore = try dryRun ? store.openForReading() : store.openExisting()
            let client = GitHubClient(configuration: .init(
                apiURL: api, token: token, serverErrorRetries: retries, maximumRateLimitWait: .seconds(maxWait)))
            let sync = IssueSync(store: gapStore, client: client, options: IssueSyncOptions(
                repository: repository, filter: GapQuery(statuses: Set(status), teams: team, categories: category),
                minimumCustomers: minCustomers, limit: limit, dryRun: dryRun, rendering: rendering.render, actor: actor.name))

            if !output.json {
                print(dryRun ? "Dry run: issues that would be created in \(repository) (\(api))" : "Creating issues in \(repository) (\(api))")
            }
            let report = await sync.run { event in
                guard !output.json else { return }
                print(describe(event))
            }
            try? await client.shutdown()

            if output.json {
                try printJSON(SyncJSON(report, repository: repository, api: api, dryRun: dryRun))
            } else {
                print(summary(report))
            }
            if let failure = report.failure { throw failure }
        }

        private func describe(_ event: IssueSyncEvent) -> String {
            func line(_ verb: String, _ entry: IssueSyncReport.Entry) -> String {
                let issue = entry.issueNumber.map { "#\($0)" } ?? ""
                return "  \(verb.padding(toLength: 13, withPad: " ", startingAt: 0)) \(entry.gapID)  \(issue.padding(toLength: 6, withPad: " ", startingAt: 0)) \(truncate(entry.title, 60))"
            }
            switch event {
            case .created(let entry): return line("created", entry)
            case .adopted(let entry): return line("adopted", entry) + Style.dim("  (made by an interrupted sync)")
            case .orphaned(let entry):
                return line("orphaned", entry) + Style.yellow("  \(entry.issueURL ?? "") belongs to no gap now; close it on GitHub")
            case .wouldCreate(let entry): return line("would create", entry)
            case .wouldCheck(let id): return "  would check  \(id)  (an interrupted sync may have created its issue)"
            case .pendingElsewhere(let pending):
                return Style.yellow("  left alone   \(pending.gapID)  an interrupted sync to \(pending.destination); rerun it there to finish")
            }
        }

        private func summary(_ report: IssueSyncReport) -> String {
            if dryRun {
                var text = "Would create \(plural(report.wouldCreate.count, "issue"))"
                if !report.wouldCheck.isEmpty { text += " and check \(plural(report.wouldCheck.count, "interrupted creation"))" }
                return text + "."
            }
            var parts = ["Created \(plural(report.created.count, "issue"))"]
            if !report.adopted.isEmpty { parts.append("adopted \(report.adopted.count) from an interrupted sync") }
            if !report.orphaned.isEmpty { parts.append("\(report.orphaned.count) orphaned (close them on GitHub)") }
            var text = parts.joined(separator: ", ") + "."
            if report.failure != nil { text += " Stopped early; run the same command again to continue." }
            return text
        }
    }
}

/// `gapsearch github sync --json`.
struct SyncJSON: Encodable {
    struct Entry: Encodable {
        var gap: String
        var title: String
        var number: Int?
        var url: String?

        init(_ entry: IssueSyncReport.Entry) {
            gap = entry.gapID.description
            title = entry.title
            number = entry.issueNumber
            url = entry.issueURL
        }
    }

    struct Pending: Encodable {
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
    /// The error that stopped the sync, if any.
    var error: String?

    init(_ report: IssueSyncReport, repository: GitHubRepository, api: GitHubAPIURL, dryRun: Bool) {
        self.repository = repository.description
        apiURL = api.base
        self.dryRun = dryRun
        created = report.created.map(Entry.init)
        adopted = report.adopted.map(Entry.init)
        orphaned = report.orphaned.map(Entry.init)
        wouldCreate = report.wouldCreate.map(Entry.init)
        wouldCheck = report.wouldCheck.map(\.description)
        pendingElsewhere = report.pendingElsewhere.map { Pending(gap: $0.gapID.description, destination: $0.destination, since: $0.since) }
        error = report.failure.map { String(describing: $0) }
    }
}
