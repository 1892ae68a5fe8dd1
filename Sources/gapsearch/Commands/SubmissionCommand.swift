import ArgumentParser
import Foundation
import GapStore

struct SubmissionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submission",
        abstract: "List submissions (file one with `gapsearch submit`).",
        discussion: "Example:\n  gapsearch submission list --gap GAP-000042",
        subcommands: [List.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List submissions, oldest first, by gap or by customer account.",
            discussion: """
                A gap's submissions include those of the gaps merged into it.

                Examples:
                  gapsearch submission list --gap GAP-000042
                  gapsearch submission list --account 001ACME --json
                """)

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only submissions counting for this gap.", transform: gapIDArgument) var gap: GapID?
        @Option(help: "Only submissions of this customer account.") var account: String?
        @Option(help: "At most this many (0 for all).") var limit = 0

        func validate() throws {
            if limit < 0 { throw ValidationError("--limit must be 0 (all) or more") }
        }

        func run() throws {
            let store = try store.openForReading()
            var submissions: [Submission]
            if let gap {
                guard try store.gap(gap) != nil else {
                    throw GapStoreError(.notFound, "no gap \(gap); `gapsearch gap list` shows the existing ones")
                }
                submissions = try store.submissions(forGap: gap)
                if let account { submissions = submissions.filter { $0.accountID == account } }
            } else if let account {
                submissions = try store.submissions(forAccount: account)
            } else {
                submissions = []
                try store.forEachSubmission { submissions.append($0) }
            }
            if limit > 0 { submissions = Array(submissions.prefix(limit)) }
            if output.json {
                try printJSON(submissions.map(SubmissionJSON.init))
                return
            }
            print(renderTable(
                header: ["SUBMISSION", "GAP", "ACCOUNT", "SEVERITY", "WORKAROUND", "SUBMITTER", "CREATED"],
                rows: submissions.map { s in
                    let workaround: String
                    switch s.workaround {
                    case .unknown: workaround = "?"
                    case .none: workaround = "none"
                    case .described(let text): workaround = truncate(text, 30)
                    }
                    return [s.id.description, s.gapID.description, truncate(s.accountID ?? "(internal)", 24), s.severity.rawValue,
                            workaround, s.submitter ?? "(anonymous)", formatDate(s.createdAt)]
                }))
            print(Style.dim(plural(submissions.count, "submission")))
        }
    }
}
