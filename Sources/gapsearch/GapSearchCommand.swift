import ArgumentParser

@main
struct GapSearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gapsearch",
        abstract: "Track product gaps — feature requests heard from customers — and who needs them.",
        discussion: """
            A store lives in one directory: --store PATH, else $GAPSEARCH_STORE, else
            $XDG_DATA_HOME/gapsearch (~/.local/share/gapsearch). gap create, category add,
            import and demo create it when missing; other commands need it to exist.

            Exit codes: 0 success; 1 the operation failed (the message says why and what
            to do); 2 `check` (or `gap create`) found a likely duplicate; 3 `verify` found
            inconsistencies; 64 the command line was wrong.

            Every command prints text by default and a stable JSON document with --json
            (described in the README's "JSON output" section).

            Examples:
              gapsearch demo --store /tmp/demo
              gapsearch check "SAML group sync with Okta" --store /tmp/demo
              gapsearch report --top 10 --store /tmp/demo

            Start with `gapsearch demo` to see a store of realistic gaps.
            """,
        version: "0.1.0",
        subcommands: [
            Demo.self, Check.self, Suggest.self, GapCommand.self, Submit.self, CategoryCommand.self, Report.self, Stats.self, Verify.self,
            Reindex.self, Backup.self, Eval.self, Import.self, Export.self, SubmissionCommand.self, GitHubCommand.self,
        ]
    )
}
