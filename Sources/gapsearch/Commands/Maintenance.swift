import ArgumentParser
import Foundation
import GapStore

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the store's size and record counts.",
        discussion: "Examples:\n  gapsearch stats\n  gapsearch stats --json --store /tmp/demo")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let stats = try store.openForReading().statistics()
        if output.json {
            try printJSON(StatsJSON(
                path: stats.path, schemaVersion: stats.schemaVersion, currency: stats.currency, gaps: stats.gaps,
                submissions: stats.submissions, accounts: stats.accounts, opportunities: stats.opportunities,
                historyEntries: stats.historyEntries, lastChange: stats.lastChange,
                searchIndexSequence: stats.searchIndexSequence, usedBytes: stats.usedBytes,
                mapSize: stats.mapSize, readers: stats.readers, lmdb: stats.lmdbVersion))
            return
        }
        print("""
            Store:          \(stats.path) (schema \(stats.schemaVersion), \(stats.currency))
            Gaps:           \(stats.gaps)
            Submissions:    \(stats.submissions)
            Accounts:       \(stats.accounts) (\(stats.opportunities) opportunities)
            History:        \(stats.historyEntries) entries, last change #\(stats.lastChange)
            Search index:   persisted through change #\(stats.searchIndexSequence)\(stats.lastChange > stats.searchIndexSequence ? " (later changes are indexed in memory by each process)" : "")
            Size:           \(stats.usedBytes / 1024) KiB used of a \(stats.mapSize / 1024 / 1024) MiB map
            Readers:        \(stats.readers)
            Engine:         \(stats.lmdbVersion)
            """)
    }
}

struct StatsJSON: Codable {
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

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that records and indexes agree (exit code 3 if not).",
        discussion: """
            Reads one consistent snapshot; other readers and writers go on. Repair drift with
            `gapsearch reindex`.

            Examples:
              gapsearch verify
              gapsearch verify --json || gapsearch reindex
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let report = try store.openForReading().verify()
        if output.json {
            try printJSON(VerifyJSON(consistent: report.isConsistent, gaps: report.gapsChecked, submissions: report.submissionsChecked, problems: report.problems))
        } else if report.isConsistent {
            print("OK: \(report.gapsChecked) gaps and \(report.submissionsChecked) submissions; every index agrees with the records")
        } else {
            for problem in report.problems { print("problem: \(problem)") }
            print("\(report.problems.count) problems; `gapsearch reindex` rebuilds the indexes from the records")
        }
        if !report.isConsistent { throw ExitCode(3) }
    }
}

struct VerifyJSON: Codable {
    var consistent: Bool
    var gaps: Int
    var submissions: Int
    var problems: [String]
}

struct Reindex: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild every index from the records, in one transaction.",
        discussion: "Example:\n  gapsearch verify || gapsearch reindex")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let counts = try store.openExisting().rebuildIndexes()
        if output.json {
            try printJSON(ReindexJSON(gaps: counts.gaps, submissions: counts.submissions))
        } else {
            print("Rebuilt the indexes of \(counts.gaps) gaps and \(counts.submissions) submissions")
        }
    }
}

struct ReindexJSON: Codable {
    var gaps: Int
    var submissions: Int
}

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the store to a new directory while it stays in use.",
        discussion: "The copy is compacted and holds exactly one committed state.\n\nExample:\n  gapsearch backup /backups/gapsearch-2026-11-21")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "A directory that does not exist yet.") var destination: String

    func run() throws {
        try store.openForReading().backup(to: destination)
        if output.json { try printJSON(BackupJSON(destination: destination)) } else { print("Backed up to \(destination)") }
    }
}

struct BackupJSON: Codable {
    var destination: String
}
