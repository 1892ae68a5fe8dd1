import ArgumentParser
import Foundation
import GapStore

struct GapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gap",
        abstract: "Create, show, list and change product gaps.",
        discussion: """
            Examples:
              gapsearch gap create "Search archived repositories" --team Search
              gapsearch gap show GAP-000042 --json
              gapsearch gap list --status open --sort revenue
            """,
        subcommands: [Create.self, Show.self, List.self, Edit.self, Status.self, Merge.self, Unmerge.self, History.self]
    )
}

extension GapCommand {
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a gap.",
            discussion: """
                Examples:
                  gapsearch gap create "Search archived repositories" --category "Code search" --team Search
                  gapsearch gap create "SCIM group sync" --description-file notes.md --category Authentication --subcategory SCIM

                It runs `gapsearch check` first and refuses (exit code 2) when a likely duplicate
                exists; --force creates it anyway and records that in its history.
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "One line naming the request (1–300 characters).") var title: String
        @Option(help: "Details: what is asked for and why.") var description: String?
        @Option(help: ArgumentHelp("Read the description from a file ('-' for standard input).", valueName: "file"))
        var descriptionFile: String?
        @Option(help: "A category from the store's taxonomy (`gapsearch category list`).") var category: String?
        @Option(help: "A subcategory of --category.") var subcategory: String?
        @Option(help: "The owning team.") var team: String?
        @Option(help: ArgumentHelp("The GitHub issue tracking it.", valueName: "url")) var link: String?
        @Option(help: ArgumentHelp("Initial status.", valueName: "status"), transform: statusArgument) var status: GapStatus = .open
        @Flag(help: "Create it even if a likely duplicate exists (recorded in its history).") var force = false

        func validate() throws {
            if description != nil && descriptionFile != nil {
                throw ValidationError("give --description or --description-file, not both")
            }
        }

        func run() throws {
            let text = try descriptionFile.map(readText(path:)) ?? description ?? ""
            // The draft's own rules first, so that an empty title is reported as that, not as
            // an empty search.
            _ = try Validate.title(title)
            _ = try Validate.description(text)
            let gapStore = try store.open()
            // Search before you create: refuse a likely duplicate unless forced.
            let candidates = try gapStore.findDuplicates(DuplicateQuery(title: title, description: text, limit: 5, category: category))
            let duplicate = candidates.first.flatMap { $0.isLikelyDuplicate ? $0 : nil }
            if let duplicate, !force {
                printError("A likely duplicate exists: \(duplicate.gap.id) \"\(duplicate.gap.title)\" (\(Int(duplicate.confidence * 100))% confidence).")
                printError("Add a submission to it (gapsearch submit \(duplicate.gap.id) …), or create anyway with --force.")
                if !output.json { printCandidates(candidates, currency: gapStore.currency, explain: false) }
                throw ExitCode(2)
            }
            let created = try gapStore.createGap(
                GapDraft(title: title, description: text, category: category, subcategory: subcategory, team: team,
                         status: status, externalLink: link),
                by: actor.name, forced: duplicate != nil)
            for warning in created.warnings { printError(Style.yellow("warning: ") + warning.message) }
            if output.json {
                try printJSON(CreatedJSON(gap: GapJSON(created.gap), warnings: created.warnings.map { WarningJSON(kind: $0.kind.rawValue, message: $0.message, evidence: $0.evidence) }))
            } else {
                print("Created \(Style.bold(created.gap.id.description)): \(created.gap.title)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a gap with its impact and submissions.",
            discussion: "A merged gap shows the gap it was merged into.\n\nExample:\n  gapsearch gap show GAP-000042")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The gap id (GAP-000042 or 42).", transform: gapIDArgument) var id: GapID

        func run() throws {
            let store = try store.openForReading()
            guard let gap = try store.gap(id) else {
                throw GapStoreError(.notFound, "no gap \(id); `gapsearch gap list` shows the existing ones")
            }
            let impact = try store.impact(of: gap.id)
            let submissions = try store.submissions(forGap: gap.id)
            if output.json {
                try printJSON(ShowJSON(gap: GapJSON(gap), impact: ImpactJSON(impact, currency: store.currency), submissions: submissions.map(SubmissionJSON.init)))
                return
            }
            if gap.id != id { print(Style.dim("\(id) was merged into \(gap.id)")) }
            print(Style.bold("\(gap.id)  \(gap.title)"))
            var facts = ["Status: \(gap.status.name)"]
            if let category = gap.category { facts.append("Category: \(category)\(gap.subcategory.map { " / \($0)" } ?? "")") }
            if let team = gap.team { facts.append("Team: \(team)") }
            print(facts.joined(separator: "   "))
            print("Created \(formatDate(gap.createdAt)) by \(gap.createdBy); updated \(formatDate(gap.updatedAt)) by \(gap.updatedBy)")
            if let link = gap.externalLink { print("Issue: \(link)") }
            if !gap.description.isEmpty { print("\n" + gap.description) }
            print("\n" + Style.bold("Impact") + ": \(plural(impact.customers, "customer")), \(plural(impact.submissions, "submission")), \(formatMoney(impact.revenueAtStake, currency: store.currency)) at stake")
            print("Severity: " + Severity.allCases.map { "\($0.rawValue) \(impact.severity[$0])" }.joined(separator: ", ")
                + "; \(impact.withWorkaround) with a workaround")
            if !submissions.isEmpty {
                var accountNames: [String: String] = [:]
                for id in Set(submissions.compactMap(\.accountID)) { accountNames[id] = try store.account(id)?.name }
                print("")
                print(renderTable(
                    header: ["SUBMISSION", "ACCOUNT", "SEVERITY", "WORKAROUND", "SUBMITTER"],
                    rows: submissions.map { s in
                        let workaround: String
                        switch s.workaround {
                        case .unknown: workaround = "?"
                        case .none: workaround = "none"
                        case .described(let text): workaround = truncate(text, 30)
                        }
                        let account = s.accountID.map { id in accountNames[id] ?? id } ?? "(internal)"
                        return [s.id.description, truncate(account, 24), s.severity.rawValue, workaround, s.submitter ?? "(anonymous)"]
                    }))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List gaps with filters, sorting and paging.",
            discussion: """
                Examples:
                  gapsearch gap list --status open --status in-review --team Search
                  gapsearch gap list --sort revenue --limit 10
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this status (repeatable).", transform: statusArgument) var status: [GapStatus] = []
        @Option(help: "Only this team (repeatable).") var team: [String] = []
        @Option(help: "Only this category (repeatable).") var category: [String] = []
        @Option(help: "Only gaps this customer account submitted to.") var account: String?
        @Option(help: "newest, oldest, customers or revenue.", transform: sortArgument) var sort: GapQuery.Sort = .newest
        @Option(help: "At most this many gaps.") var limit = 50
        @Option(help: "Skip this many gaps first.") var offset = 0
        @Flag(help: "Include gaps merged into others.") var includeMerged = false

        func validate() throws {
            guard (1...GapQuery.maxLimit).contains(limit) else { throw ValidationError("--limit must be 1–\(GapQuery.maxLimit)") }
            guard offset >= 0 else { throw ValidationError("--offset must be 0 or more") }
        }

        func run() throws {
            let store = try store.openForReading()
            let page = try store.listGaps(GapQuery(
                statuses: Set(status), teams: team, categories: category, accountID: account, includeMerged: includeMerged,
                sort: sort, limit: limit, offset: offset))
            if output.json {
                try printJSON(ListJSON(total: page.total, gaps: page.items.map { GapWithImpactJSON(gap: GapJSON($0.gap), impact: ImpactJSON($0.impact, currency: store.currency)) }))
                return
            }
            print(renderTable(
                header: ["ID", "STATUS", "CUSTOMERS", "AT STAKE", "TEAM", "TITLE"],
                rows: page.items.map { item in
                    [item.gap.id.description, item.gap.status.name, String(item.impact.customers),
                     formatMoney(item.impact.revenueAtStake, currency: store.currency), item.gap.team ?? "", truncate(item.gap.title, 70)]
                },
                rightAligned: [2, 3]))
            print(Style.dim("\(page.items.count) of \(page.total) gaps"))
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a gap's title, description, category, team or issue link.",
            discussion: "An empty value clears a field.\n\nExample:\n  gapsearch gap edit GAP-000042 --team Identity --note \"moved after triage\"")

        @OptionGroup var store: StoreOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The gap id.", transform: gapIDArgument) var id: GapID
        @Option var title: String?
        @Option var description: String?
        @Option var category: String?
        @Option var subcategory: String?
        @Option var team: String?
        @Option(help: ArgumentHelp("The GitHub issue URL.", valueName: "url")) var link: String?
        @Option(help: "Why, for the history.") var note: String?

        func run() throws {
            let gap = try store.openExisting().editGap(
                id, GapEdit(title: title, description: description, category: category, subcategory: subcategory, team: team, externalLink: link),
                by: actor.name, note: note)
            if output.json { try printJSON(GapJSON(gap)) } else { print("Updated \(gap.id)") }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a gap to another status.",
            discussion: """
                Statuses: Open, In review, In progress, Scheduled, Resolved, Backlog, Won't do
                (any case; in-review and wont_do work too). Won't do needs a --note, and so does
                reopening a Resolved or Won't do gap (only to Open or In review).

                Example:
                  gapsearch gap status GAP-000042 wont-do --note "out of scope for this year"
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The gap id.", transform: gapIDArgument) var id: GapID
        @Argument(help: "The new status.", transform: statusArgument) var status: GapStatus
        @Option(help: "Why, for the history.") var note: String?

        func run() throws {
            let gap = try store.openExisting().setStatus(id, to: status, by: actor.name, note: note)
            if output.json { try printJSON(GapJSON(gap)) } else { print("\(gap.id) is now \(gap.status.name)") }
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge a duplicate gap into the gap that survives.",
            discussion: "The duplicate's submissions count for the survivor; `gap unmerge` undoes it.\n\nExample:\n  gapsearch gap merge GAP-000051 GAP-000042 --note \"same request\"")

        @OptionGroup var store: StoreOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The duplicate.", transform: gapIDArgument) var source: GapID
        @Argument(help: "The gap that survives.", transform: gapIDArgument) var target: GapID
        @Option(help: "Why, for both histories.") var note: String?

        func run() throws {
            let survivor = try store.openExisting().merge(source, into: target, by: actor.name, note: note)
            if output.json { try printJSON(GapJSON(survivor)) } else { print("Merged \(source) into \(survivor.id)") }
        }
    }

    struct Unmerge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Undo a merge: the gap stands alone again with its own submissions.",
            discussion: "Example:\n  gapsearch gap unmerge GAP-000051 --note \"different request after all\"")

        @OptionGroup var store: StoreOptions
        @OptionGroup var actor: ActorOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The merged gap.", transform: gapIDArgument) var id: GapID
        @Option(help: "Why, for both histories.") var note: String?

        func run() throws {
            let gap = try store.openExisting().unmerge(id, by: actor.name, note: note)
            if output.json { try printJSON(GapJSON(gap)) } else { print("\(gap.id) stands alone again") }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every change to a gap: who, when, what, and why.",
            discussion: "Example:\n  gapsearch gap history GAP-000042")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The gap id.", transform: gapIDArgument) var id: GapID

        func run() throws {
            let entries = try store.openForReading().history(of: id)
            if output.json {
                try printJSON(entries.map(HistoryJSON.init))
                return
            }
            print(renderTable(
                header: ["TIME", "WHO", "CHANGE", "NOTE"],
                rows: entries.map { entry in
                    [formatDate(entry.time), entry.actor ?? "(anonymous)", describe(entry.event).detail, entry.note ?? ""]
                }))
        }
    }
}

struct CreatedJSON: Codable {
    var gap: GapJSON
    var warnings: [WarningJSON]
}

struct WarningJSON: Codable {
    var kind: String
    var message: String
    var evidence: [String]
}

struct ShowJSON: Codable {
    var gap: GapJSON
    var impact: ImpactJSON
    var submissions: [SubmissionJSON]
}

struct ListJSON: Codable {
    var total: Int
    var gaps: [GapWithImpactJSON]
}
