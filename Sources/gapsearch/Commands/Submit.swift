import ArgumentParser
import Foundation
import GapStore

struct Submit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Tie a customer to a gap, with how badly it hurts them and their workaround.",
        discussion: """
            File it from the customer's most recent opportunity: --opportunity with its --kind,
            --amount (in major units, e.g. 25000.50) and --close-date record it with the
            submission. --internal files feedback without a customer (your own);
            --anonymous stores nothing that identifies you.

            Examples:
              gapsearch submit GAP-000042 --account 001ACME --account-name "Acme Corp" \\
                --opportunity 006XYZ --kind renewal --amount 120000 --close-date 2026-12-31 \\
                --severity blocker --impact "Blocks their SSO rollout" --workaround "Manual user sync"
              gapsearch submit GAP-000042 --internal --severity low --context "I hit this daily" --anonymous
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The gap id.", transform: gapIDArgument) var gap: GapID
    @Option(help: "The customer's CRM account id.") var account: String?
    @Option(help: "The account's name (creates or renames the account).") var accountName: String?
    @Option(help: "The customer's opportunity id.") var opportunity: String?
    @Option(help: "net-new or renewal (records the opportunity).", transform: opportunityKindArgument) var kind: OpportunityKind?
    @Option(help: "The opportunity amount in major units.", transform: parseMoney) var amount: Int64?
    @Option(help: ArgumentHelp("When the opportunity closes (YYYY-MM-DD).", valueName: "date"), transform: parseDate) var closeDate: Date?
    @Option(help: "blocker, high, medium or low.", transform: severityArgument) var severity: Severity
    @Option(help: "The true level of impact on the customer.") var impact: String = ""
    @Option(help: "The customer's current workaround.") var workaround: String?
    @Flag(help: "The customer has no workaround.") var noWorkaround = false
    @Option(help: "Anything else worth knowing.") var context: String = ""
    @Flag(help: "Feedback without a customer (an employee's own).") var `internal` = false
    @Flag(help: "Store nothing that identifies the submitter.") var anonymous = false

    func validate() throws {
        if `internal` && account != nil { throw ValidationError("--internal feedback has no --account") }
        if !`internal` && account == nil { throw ValidationError("name the customer with --account, or use --internal") }
        if workaround != nil && noWorkaround { throw ValidationError("give --workaround or --no-workaround, not both") }
        let opportunityFields = [kind != nil, amount != nil, closeDate != nil]
        if opportunityFields.contains(true) && (opportunityFields.contains(false) || opportunity == nil) {
            throw ValidationError("recording an opportunity needs --opportunity, --kind, --amount and --close-date together")
        }
    }

    func run() throws {
        var opportunityDraft: OpportunityDraft?
        if let opportunity, let kind, let amount, let closeDate {
            opportunityDraft = OpportunityDraft(id: opportunity, kind: kind, amount: amount, closeDate: closeDate)
        }
        let submission = try store.openExisting().submit(SubmissionDraft(
            gapID: gap, accountID: account, opportunityID: opportunity, accountName: accountName, opportunity: opportunityDraft,
            severity: severity, impact: impact,
            workaround: noWorkaround ? .none : workaround.map { .described($0) } ?? .unknown, context: context,
            submitter: actor.name, anonymous: anonymous))
        if output.json {
            try printJSON(SubmissionJSON(submission))
        } else {
            print("Filed \(Style.bold(submission.id.description)) on \(submission.gapID)")
        }
    }
}

struct CategoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "category",
        abstract: "Manage the taxonomy of categories and subcategories.",
        discussion: "Examples:\n  gapsearch category add Authentication --sub SAML --sub SCIM\n  gapsearch category list --json",
        subcommands: [Add.self, List.self, Rename.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a category, or subcategories to an existing one.",
            discussion: "Example:\n  gapsearch category add Authentication --sub SAML --sub SCIM")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Argument var name: String
        @Option(name: .customLong("sub"), help: "A subcategory (repeatable).") var subcategories: [String] = []

        func run() throws {
            let taxonomy = try store.open().addCategory(name, subcategories: subcategories)
            if output.json { try printJSON(CategoryJSON(taxonomy, named: name)) } else { print("Added \(name)") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List categories and subcategories.",
            discussion: "Examples:\n  gapsearch category list\n  gapsearch category list --json")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let taxonomy = try store.openForReading().taxonomy()
            if output.json {
                try printJSON(taxonomy.categories.map(CategoryJSON.init))
                return
            }
            for category in taxonomy.categories {
                print(category.name + (category.subcategories.isEmpty ? "" : ": " + category.subcategories.map(\.name).joined(separator: ", ")))
            }
        }
    }

    struct Rename: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rename a category (or with --sub, one of its subcategories).",
            discussion: "Examples:\n  gapsearch category rename Authentication \"Identity & access\"\n  gapsearch category rename \"Identity & access\" --sub SAML \"SAML 2.0\"")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Argument var name: String
        @Option(name: .customLong("sub"), help: "The subcategory to rename.") var subcategory: String?
        @Argument var newName: String

        func run() throws {
            let store = try store.openExisting()
            if let subcategory {
                let taxonomy = try store.renameSubcategory(of: name, subcategory, to: newName)
                if output.json { return try printJSON(CategoryJSON(taxonomy, named: name)) }
            } else {
                let taxonomy = try store.renameCategory(name, to: newName)
                if output.json { return try printJSON(CategoryJSON(taxonomy, named: newName)) }
            }
            print("Renamed to \(newName)")
        }
    }
}

struct CategoryJSON: Codable {
    var name: String
    var subcategories: [String]

    init(_ category: Taxonomy.Category) {
        name = category.name
        subcategories = category.subcategories.map(\.name)
    }

    /// The category a change just touched, as the taxonomy holds it after the change.
    init(_ taxonomy: Taxonomy, named name: String) {
        let category = taxonomy.category(named: name)
        self.name = category?.name ?? name
        subcategories = category?.subcategories.map(\.name) ?? []
    }
}
