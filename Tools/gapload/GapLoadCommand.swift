import ArgumentParser

/// Load-tests duplicate detection: many threads (and processes) checking drafts against one
/// store while writers add gaps and submissions, with latency percentiles per operation and a
/// check that no acknowledged write went missing.
@main
struct GapLoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gapload",
        abstract: "Load-test duplicate detection on a gapsearch store.",
        discussion: """
            `gapload run` (the default) drives a store with concurrent duplicate checks from
            --threads threads in each of --processes processes (gapload starts the extra ones
            itself, as workers on the same store), while one writer thread creates gaps at
            --write-rate per second and another files submissions at --submit-rate per second.

            Closed loop (the default) runs every thread flat out and measures maximum throughput.
            Open loop (--rate R) issues R checks per second in all, on a fixed schedule, and
            measures each check's latency from the moment it was due, so a stalled store shows
            up in the percentiles instead of being hidden (no coordinated omission).

            After the run, every gap the writer acknowledged is searched for again (its title
            and description, expecting its id among the results) from every process: a gap not
            found is reported as a lost write.

            Examples:
              gapload --gaps 10000 --threads 2 --duration 20
              gapload build --store /tmp/load-100k --gaps 100000
              gapload --store /tmp/load-100k --rate 400 --write-rate 50 --processes 2 \\
                --json-report /tmp/load-100k.json
            """,
        subcommands: [Run.self, Build.self, Worker.self],
        defaultSubcommand: Run.self)
}
