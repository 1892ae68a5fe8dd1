import ArgumentParser
import Foundation
import GapStore

/// Where the store is, shared by every command that opens one.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store directory.", valueName: "path"))
    var store: String?

    /// The store path: --store, else $GAPSEARCH_STORE, else the per-user default.
    var path: String {
        if let store { return store }
        let environment = ProcessInfo.processInfo.environment
        if let fromEnvironment = environment["GAPSEARCH_STORE"], !fromEnvironment.isEmpty { return fromEnvironment }
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/share")
        return (dataHome as NSString).appendingPathComponent("gapsearch")
    }

    /// Opens the store for writing (creating it if needed).
    func open() throws -> GapStore {
        try GapStore(path: path)
    }

    /// Opens an existing store for writing; a missing one is an error, and nothing is created
    /// (for commands that change records that must already exist).
    func openExisting() throws -> GapStore {
        var options = GapStore.Options()
        options.createIfMissing = false
        return try GapStore(path: path, options: options)
    }

    /// Opens an existing store for reading only.
    func openForReading() throws -> GapStore {
        var options = GapStore.Options()
        options.readOnly = true
        return try GapStore(path: path, options: options)
    }
}

/// Who is acting: recorded in history.
struct ActorOptions: ParsableArguments {
    @Option(name: .customLong("by"), help: ArgumentHelp("Who is acting (default: $GAPSEARCH_ACTOR, else $USER).", valueName: "name"))
    var actor: String?

    var name: String {
        if let actor { return actor }
        let environment = ProcessInfo.processInfo.environment
        return environment["GAPSEARCH_ACTOR"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["USER"] ?? "unknown"
    }
}

/// `--json` for machine-readable output.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (a stable schema; see the README) instead of text.")
    var json = false
}

// Argument transforms: GapStore's types stay free of ArgumentParser, and its parse errors
// (which list the valid values) reach the user.

func gapIDArgument(_ text: String) throws -> GapID {
    guard let id = GapID(text) else { throw ValidationError("\"\(text)\" is not a gap id; write GAP-000123 or 123") }
    return id
}

func statusArgument(_ text: String) throws -> GapStatus { try GapStatus.parse(text) }

func severityArgument(_ text: String) throws -> Severity { try Severity.parse(text) }

func opportunityKindArgument(_ text: String) throws -> OpportunityKind { try OpportunityKind.parse(text) }

func sortArgument(_ text: String) throws -> GapQuery.Sort {
    guard let sort = GapQuery.Sort(rawValue: text.lowercased()) else {
        throw ValidationError("unknown sort \"\(text)\"; use one of: \(GapQuery.Sort.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return sort
}

/// Parses a money amount in major units ("25000", "25,000.50") into minor units (cents).
func parseMoney(_ text: String) throws -> Int64 {
    let cleaned = text.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "_", with: "")
    let parts = cleaned.split(separator: ".", omittingEmptySubsequences: false)
    guard (1...2).contains(parts.count), let whole = Int64(parts[0]), whole >= 0,
        parts.count == 1 || (1...2).contains(parts[1].count) && parts[1].allSatisfy(\.isNumber)
    else {
        throw ValidationError("\"\(text)\" is not an amount; write it in major units, like 25000 or 25000.50")
    }
    let fraction = parts.count == 2 ? Int64(parts[1].padding(toLength: 2, withPad: "0", startingAt: 0))! : 0
    let (product, overflow) = whole.multipliedReportingOverflow(by: 100)
    guard !overflow else { throw ValidationError("\"\(text)\" is too large") }
    return product + fraction
}

/// Parses a calendar date (YYYY-MM-DD, UTC).
func parseDate(_ text: String) throws -> Date {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd"
    guard let date = formatter.date(from: text) else {
        throw ValidationError("\"\(text)\" is not a date; use YYYY-MM-DD")
    }
    return date
}

/// A failure of the operation rather than of the command line — a file that cannot be read
/// or written, a file whose contents are not what the command takes: exit code 1 and the
/// message alone. (A `ValidationError` thrown while a command runs would exit 64 with the
/// top-level usage, which says nothing about what went wrong.)
struct OperationFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}

/// The bytes of a file, or of standard input for "-"; the system's reason when it cannot be read.
func readFile(_ path: String) throws -> Data {
    if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw OperationFailure("cannot read \(path): \(String(cString: strerror(errno)))") }
    let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    var status = stat()
    if fstat(descriptor, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR {
        throw OperationFailure("cannot read \(path): it is a directory")
    }
    do {
        return try handle.readToEnd() ?? Data()
    } catch {
        throw OperationFailure("cannot read \(path): \(error.localizedDescription)")
    }
}

/// Reads a whole text file, or standard input for "-", refusing invalid UTF-8.
func readText(path: String) throws -> String {
    let data = try readFile(path)
    guard let text = String(data: data, encoding: .utf8) else {
        throw OperationFailure("\(path == "-" ? "standard input" : path) is not valid UTF-8 text")
    }
    return text
}
