import ArgumentParser
import Foundation
import GapInterchange
import GapStore

#if canImport(Glibc)
import Glibc
#endif

func formatArgument(_ text: String) throws -> InterchangeFormat {
    guard let format = InterchangeFormat(rawValue: text.lowercased()) else {
        throw ValidationError("unknown format \"\(text)\"; use csv or jsonl")
    }
    return format
}

func kindArgument(_ text: String) throws -> RecordKind {
    guard let kind = RecordKind(rawValue: text.lowercased()) else {
        throw ValidationError("unknown kind \"\(text)\"; use gaps or submissions")
    }
    return kind
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import gaps or submissions from CSV or JSON lines, all or nothing.",
        discussion: """
            Every record is checked first, against the store as it is; every problem is listed
            with its line and field, and then nothing is written (exit code 1). With
            --skip-invalid the valid records are written and the invalid ones go to a rejects
            file in the same format, to fix and import again. A record whose key (external_id,
            else id) the store already holds is skipped, so running the same import twice is safe.

            The kind comes from the columns — a title column means gaps, a gap column
            submissions — unless --kind names it. Columns map to fields by header name (any case;
            spaces, underscores and hyphens ignored; common aliases such as Summary for title,
            body for description, product for category, component for subcategory); --map
            overrides that. Unknown columns are ignored.

            Gap fields: id, external_id, title, description, category, subcategory, team, status,
            created, created_by, link, merged_into.
            Submission fields: id, external_id, gap, account, account_name, opportunity,
            opportunity_kind, amount, currency, close_date, severity, impact, workaround, context,
            submitter, anonymous, created.

            Examples:
              gapsearch import jira-dev.jsonl --create-categories
              gapsearch import crm-gaps.csv --map title="Feature Request" --map id="Record ID"
              gapsearch import crm-submissions.csv --kind submissions --skip-invalid --json
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var actor: ActorOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: ArgumentHelp("The file to import ('-' for standard input, with --format).", valueName: "file")) var file: String
    @Option(help: "csv or jsonl (default: from the file's extension).", transform: formatArgument) var format: InterchangeFormat?
    @Option(help: "gaps or submissions (default: from the columns).", transform: kindArgument) var kind: RecordKind?
    @Option(name: .customLong("map"), help: ArgumentHelp("Read a field from a column (repeatable).", valueName: "field=column"))
    var columnMap: [String] = []
    @Flag(help: "Add the categories and subcategories the taxonomy lacks, rather than rejecting their records.")
    var createCategories = false
    @Flag(help: "Write the valid records; the invalid ones go to the rejects file.") var skipInvalid = false
    @Option(help: ArgumentHelp("Where --skip-invalid writes rejected records (default: FILE.rejects.csv or .jsonl).", valueName: "path"))
    var rejects: String?

    func validate() throws {
        if format == nil && InterchangeFormat(path: file) == nil {
            throw ValidationError("cannot tell the format of \(file) from its name; add --format csv or --format jsonl")
        }
        for entry in columnMap where !entry.contains("=") || entry.hasPrefix("=") || entry.hasSuffix("=") {
            throw ValidationError("--map \(entry): write field=column, e.g. --map title=Summary")
        }
        if rejects != nil && !skipInvalid { throw ValidationError("--rejects goes with --skip-invalid") }
    }

    func run() throws {
        let format = format ?? InterchangeFormat(path: file)!
        let data = try readFile(file)
        var options = ImportOptions(format: format, actor: actor.name)
        options.kind = kind
        options.createCategories = createCategories
        options.skipInvalid = skipInvalid
        for entry in columnMap {
            let parts = entry.split(separator: "=", maxSplits: 1)
            options.columnMap[String(parts[0]).trimmingCharacters(in: .whitespaces)] = String(parts[1])
        }
        let gapStore = try store.open()
        let progress = ProgressBar(label: "Importing")
        let clock = ContinuousClock()
        let started = clock.now
        let result: ImportResult
        do {
            result = try Importer.run(data, into: gapStore, options: options) { done, total in progress.update(done, of: total) }
            progress.finish()
        } catch let error as ImportError {
            progress.finish()
            if output.json {
                try printJSON(ImportFailureJSON(imported: false, records: error.recordsRead, invalid: error.invalidRecords, issues: error.issues.map(IssueJSON.init)))
                printError("Error: nothing was imported; \(error.issues.count) problems (listed in the JSON output)")
                throw ExitCode.failure
            }
            throw error
        }
        let elapsed = clock.now - started
        var rejectsPath: String?
        if let data = result.rejects {
            let path = rejects ?? Self.defaultRejectsPath(for: file, format: format)
            guard FileManager.default.createFile(atPath: path, contents: data) else {
                throw OperationFailure("cannot write the rejected records to \(path); give another --rejects path")
            }
            rejectsPath = path
        }
        if output.json {
            try printJSON(ImportJSON(result, rejectsFile: rejectsPath, milliseconds: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)))
            return
        }
        for issue in result.issues { printError(Style.yellow("rejected: ") + issue.description) }
        let what = result.kind.rawValue
        print("Imported \(what) from \(file == "-" ? "standard input" : file) in \(elapsed.formatted(.units(allowed: [.milliseconds, .seconds], width: .abbreviated)))")
        print("  \(result.created) created, \(result.alreadyPresent) already present, \(result.rejected) rejected (of \(result.recordsRead) records)")
        if result.merged > 0 { print("  \(plural(result.merged, "gap")) merged as the file says") }
        if !result.categoriesCreated.isEmpty {
            let shown = result.categoriesCreated.prefix(8).joined(separator: ", ")
            print("  added to the taxonomy: \(shown)\(result.categoriesCreated.count > 8 ? " and \(result.categoriesCreated.count - 8) more" : "")")
        }
        if result.bugLikeGaps > 0 {
            print("  " + Style.yellow("warning: ") + "\(plural(result.bugLikeGaps, "gap")) read like bug reports; product gaps are feature requests")
        }
        if !result.ignoredColumns.isEmpty { print(Style.dim("  ignored columns: " + result.ignoredColumns.joined(separator: ", "))) }
        if let rejectsPath { print("  rejected records written to \(rejectsPath): fix them and import that file") }
    }

    static func defaultRejectsPath(for file: String, format: InterchangeFormat) -> String {
        let base = file == "-" ? "import" : (file as NSString).deletingPathExtension
        return "\(base).rejects.\(format.rawValue)"
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export gaps or submissions as CSV or JSON lines.",
        discussion: """
            The export imports into an empty store with the same content: gaps with their
            status, category, team, creation time and creator, link and merges; submissions with
            their gap (by the key it was imported under, else its gapsearch id), account,
            opportunity, severity, workaround and creation time. Import the gaps first.

            Examples:
              gapsearch export --kind gaps --output gaps.csv
              gapsearch export --kind submissions --format jsonl > submissions.jsonl
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "gaps or submissions.", transform: kindArgument) var kind: RecordKind = .gaps
    @Option(help: "csv or jsonl (default: from --output's extension, else jsonl).", transform: formatArgument) var format: InterchangeFormat?
    @Option(help: ArgumentHelp("The file to write ('-' or none for standard output).", valueName: "path")) var output: String?

    func run() throws {
        let format = format ?? output.flatMap(InterchangeFormat.init(path:)) ?? .jsonl
        let gapStore = try store.openForReading()
        guard let output, output != "-" else {
            try Exporter.export(kind, from: gapStore, format: format) { FileHandle.standardOutput.write($0) }
            return
        }
        // Written beside the target and renamed into place: a failed export leaves no half file.
        let partial = output + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial) else {
            throw OperationFailure("cannot write \(output); check the directory and its permissions")
        }
        let count: Int
        do {
            defer { try? handle.close() }
            count = try Exporter.export(kind, from: gapStore, format: format) { try handle.write(contentsOf: $0) }
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        _ = try? FileManager.default.removeItem(atPath: output)
        try FileManager.default.moveItem(atPath: partial, toPath: output)
        printError("Exported \(count) \(kind.rawValue) to \(output)")
    }
}

/// A progress bar on standard error, drawn only when standard error is a terminal.
final class ProgressBar {
    private let label: String
    private let enabled = isatty(2) == 1
    private var shownPercent = -1

    init(label: String) { self.label = label }

    func update(_ done: Int, of total: Int) {
        guard enabled, total > 0 else { return }
        let percent = done * 100 / total
        guard percent != shownPercent else { return }
        shownPercent = percent
        let width = 30
        let filled = percent * width / 100
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) \(bar) \(percent)% (\(done)/\(total))".utf8))
    }

    func finish() {
        guard enabled, shownPercent >= 0 else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
        shownPercent = -1
    }
}

struct IssueJSON: Codable {
    var line: Int?
    var field: String?
    var message: String

    init(_ issue: ImportIssue) {
        line = issue.line
        field = issue.field
        message = issue.message
    }
}

struct ImportFailureJSON: Codable {
    var imported: Bool
    var records: Int
    var invalid: Int
    var issues: [IssueJSON]
}

struct ImportJSON: Codable {
    var imported: Bool
    var kind: String
    var format: String
    var records: Int
    var created: Int
    var alreadyPresent: Int
    var rejected: Int
    var merged: Int
    var bugLikeGaps: Int
    var categoriesCreated: [String]
    var mapping: [String: String]
    var ignoredColumns: [String]
    var rejectsFile: String?
    var issues: [IssueJSON]
    var milliseconds: Int

    init(_ result: ImportResult, rejectsFile: String?, milliseconds: Int) {
        imported = true
        kind = result.kind.rawValue
        format = result.format.rawValue
        records = result.recordsRead
        created = result.created
        alreadyPresent = result.alreadyPresent
        rejected = result.rejected
        merged = result.merged
        bugLikeGaps = result.bugLikeGaps
        categoriesCreated = result.categoriesCreated
        mapping = result.mapping
        ignoredColumns = result.ignoredColumns
        self.rejectsFile = rejectsFile
        issues = result.issues.map(IssueJSON.init)
        self.milliseconds = milliseconds
    }
}
