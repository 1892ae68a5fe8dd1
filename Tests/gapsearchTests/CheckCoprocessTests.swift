import Foundation
import GapTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `gapsearch check --jsonl` driven as a co-process: one line in, wait for exactly one line
/// out, then the next — as a service holding it open would. A result that is not flushed
/// when its line is done makes `readLine` give up instead of hanging the test.
final class JSONLinesCoprocess {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errors = Pipe()
    private var buffered: [UInt8] = []
    /// How long to wait for a line before declaring the result unflushed (generous: the
    /// machine may be busy; a flushed result arrives in milliseconds).
    private let patience: Int32 = 30_000

    init(arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: try builtProduct(named: "gapsearch"))
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment.removeValue(forKey: "GAPSEARCH_STORE")
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// Writes one line (a newline is added).
    func send(_ line: String) throws {
        try input.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
    }

    /// The next line of standard output, or `nil` at its end.
    /// - Throws: When no complete line arrives in time.
    func readLine() throws -> String? {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            guard try readMore() else {
                return buffered.isEmpty ? nil : String(decoding: buffered, as: UTF8.self)
            }
        }
    }

    /// Closes standard input and waits for the exit; returns the status and whatever else the
    /// process wrote to standard output and standard error.
    func finish() throws -> (status: Int32, rest: String, errors: String) {
        try input.fileHandleForWriting.close()
        while try readMore() {}
        let rest = String(decoding: buffered, as: UTF8.self)
        process.waitUntilExit()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationStatus, rest, errorText)
    }

    /// Appends what standard output has; `false` at its end.
    private func readMore() throws -> Bool {
        var descriptor = pollfd(fd: output.fileHandleForReading.fileDescriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, patience)
        guard ready > 0 else {
            process.terminate()
            throw CocoaError(.fileReadUnknown, userInfo: [
                NSLocalizedDescriptionKey: "no complete line on standard output within \(patience) ms (an unflushed result?)",
            ])
        }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = read(descriptor.fd, &chunk, chunk.count)
        guard count > 0 else { return false }
        buffered += chunk[..<count]
        return true
    }
}

@Suite struct CheckCoprocessTests {
    @Test func oneResultPerLineFlushedAsItGoes() throws {
        try withTemporaryDirectory { directory in
            let store = directory + "/s"
            #expect(try gapsearch(["gap", "create", "SAML group sync with Okta"], store: store).status == 0)
            #expect(try gapsearch(["gap", "create", "Search archived repositories"], store: store).status == 0)
            let coprocess = try JSONLinesCoprocess(arguments: ["check", "--jsonl", "--store", store])

            try coprocess.send(#"{"title": "okta saml groups", "k": 1}"#)
            let first = try decode(Schema.Check.self, try #require(try coprocess.readLine()))
            #expect(first.candidates.map(\.gap.id) == ["GAP-000001"])

            // A malformed line gets an error object on its own output line, and the stream goes on.
            try coprocess.send("this is not json")
            let malformed = try decode(Schema.LineError.self, try #require(try coprocess.readLine()))
            #expect(malformed.line == 2 && malformed.error.contains("not a draft"))

            try coprocess.send(#"{"description": "search the archived repositories too", "k": 2}"#)
            let third = try decode(Schema.Check.self, try #require(try coprocess.readLine()))
            #expect(third.candidates.first?.gap.id == "GAP-000002")

            // Blank lines are skipped (no output), but they count in line numbers.
            try coprocess.send("")
            try coprocess.send(#"{"titel": "saml"}"#)
            let misspelt = try decode(Schema.LineError.self, try #require(try coprocess.readLine()))
            #expect(misspelt.line == 5 && misspelt.error.contains("unknown field \"titel\""))

            try coprocess.send(#"{"title": "saml", "k": "three"}"#)
            let wrongType = try decode(Schema.LineError.self, try #require(try coprocess.readLine()))
            #expect(wrongType.error == "\"k\" must be an integer from 1 to 100")

            try coprocess.send(#"{"title": "saml", "k": 500}"#)
            let outOfRange = try decode(Schema.LineError.self, try #require(try coprocess.readLine()))
            #expect(outOfRange.line == 7 && outOfRange.error.contains("1–100"))

            try coprocess.send(#"{"title": "okta saml", "statuses": ["open"], "k": 1}"#)
            let filtered = try decode(Schema.Check.self, try #require(try coprocess.readLine()))
            #expect(filtered.candidates.map(\.gap.id) == ["GAP-000001"])

            // As you type: "archi" is not a word of any gap, but it begins one of a title.
            try coprocess.send(#"{"title": "search archi", "k": 1}"#)
            let typed = try decode(Schema.Check.self, try #require(try coprocess.readLine()))
            try coprocess.send(#"{"title": "search archi", "k": 1, "asYouType": true}"#)
            let asYouType = try decode(Schema.Check.self, try #require(try coprocess.readLine()))
            #expect(asYouType.candidates.map(\.gap.id) == ["GAP-000002"])
            #expect(asYouType.candidates.first.map { $0.explanation.contains { $0.match == "prefix" } } == true)
            #expect(typed.candidates.first.map { $0.explanation.contains { $0.match == "prefix" } } != true)
            try coprocess.send(#"{"title": "x", "asYouType": "yes"}"#)
            let notBoolean = try decode(Schema.LineError.self, try #require(try coprocess.readLine()))
            #expect(notBoolean.line == 11 && notBoolean.error == "\"asYouType\" must be true or false")

            let end = try coprocess.finish()
            #expect(end.status == 0, "\(end.errors)")
            #expect(end.rest.isEmpty, "nothing but results on standard output")
        }
    }

    @Test func aMissingStoreFailsBeforeReadingAnything() throws {
        try withTemporaryDirectory { directory in
            let result = try gapsearch(["check", "--jsonl"], store: directory + "/missing", input: #"{"title": "x"}"# + "\n")
            #expect(result.status == 1)
            #expect(result.standardOutput.isEmpty && !result.standardError.isEmpty)
        }
    }
}
