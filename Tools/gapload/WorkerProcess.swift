import Foundation

// The conversation between gapload and the worker processes it starts (`gapload worker`),
// one line at a time over the worker's standard input and output:
//
//   worker → `ready`                      the store is open and the queries are loaded
//   parent → `start`                      begin the warm-up now
//   worker → `progress CHECKS ERRORS`     about once a second while the load runs
//   parent → `verify PATH` | `verify -`   search for the acknowledged gaps listed in PATH
//   worker → `result JSON`                a WorkerReport; then the worker exits
//
// Workers write diagnostics to standard error, which goes to a file the parent shows when
// a worker fails.

/// What a worker process sends back at the end.
struct WorkerReport: Codable, Sendable {
    var process: Int
    var pid: Int32
    var outcome: LoadOutcome
    var verification: Verification?
    /// The worker's peak resident memory at the end of its run (``peakResidentBytes()``).
    var peakResidentBytes: Int
}

/// A worker process as the parent sees it.
final class WorkerProcess: @unchecked Sendable {
    // @unchecked Sendable: `process` and `input` are used by the coordinating thread only;
    // what the output reader thread writes is behind `state`'s lock.
    struct State: Sendable {
        var ready = false
        var checks = 0
        var errors = 0
        var report: WorkerReport?
        var ended = false
        var problem: String?
    }

    let index: Int
    private let process = Process()
    private let input: FileHandle
    private let errorPath: String
    private let state = Locked(State())
    private let changed = DispatchSemaphore(value: 0)

    /// Starts `executable arguments` with piped standard input and output.
    init(executable: String, arguments: [String], index: Int, directory: String) throws {
        self.index = index
        errorPath = (directory as NSString).appendingPathComponent("worker-\(index).stderr")
        guard FileManager.default.createFile(atPath: errorPath, contents: nil) else {
            throw LoadError("cannot create \(errorPath) for a worker's diagnostics")
        }
        let inputPipe = Pipe()
        let outputPipe = Pipe()
        input = inputPipe.fileHandleForWriting
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = inputPipe
        process.standardOutput = outputPipe
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        do {
            try process.run()
        } catch {
            throw LoadError("cannot start worker process \(index) (\(executable)): \(error.localizedDescription)")
        }
        let output = outputPipe.fileHandleForReading
        let thread = Thread { [state, changed] in
            var buffer: [UInt8] = []
            while true {
                let chunk = output.availableData
                if chunk.isEmpty { break }
                buffer.append(contentsOf: chunk)
                while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: buffer[..<newline], as: UTF8.self)
                    buffer.removeSubrange(...newline)
                    state.withLock { Self.handle(line, &$0) }
                    changed.signal()
                }
            }
            state.withLock { $0.ended = true }
            changed.signal()
        }
        thread.start()
    }

    var pid: Int32 { process.processIdentifier }

    /// The worker's latest progress.
    var progress: (checks: Int, errors: Int) { state.withLock { ($0.checks, $0.errors) } }

    private static func handle(_ line: String, _ state: inout State) {
        let (word, rest) = line.firstIndex(of: " ").map { (line[..<$0], line[line.index(after: $0)...]) } ?? (line[...], ""[...])
        switch word {
        case "ready":
            state.ready = true
        case "progress":
            let numbers = rest.split(separator: " ").compactMap { Int($0) }
            if numbers.count == 2 { (state.checks, state.errors) = (numbers[0], numbers[1]) }
        case "result":
            do {
                state.report = try JSONDecoder().decode(WorkerReport.self, from: Data(rest.utf8))
            } catch {
                state.problem = "its result could not be read (\(describe(error)))"
            }
        default:
            state.problem = state.problem ?? "it wrote an unexpected line: \(line.prefix(200))"
        }
    }

    /// Sends one line to the worker's standard input.
    func send(_ line: String) throws {
        do {
            try input.write(contentsOf: Data((line + "\n").utf8))
        } catch {
            throw failure("stopped listening (\(error.localizedDescription))")
        }
    }

    /// Waits until the worker says it is ready.
    func waitUntilReady(timeout: Duration) throws {
        try wait(for: "get ready", timeout: timeout) { $0.ready }
    }

    /// Waits for the worker's final report and for it to exit.
    func report(timeout: Duration) throws -> WorkerReport {
        try wait(for: "report", timeout: timeout) { $0.report != nil }
        process.waitUntilExit()
        return state.withLock { $0.report! }
    }

    /// Stops the worker if it is still running (after a failure elsewhere).
    func stop() {
        if process.isRunning { process.terminate() }
    }

    private func wait(for what: String, timeout: Duration, until condition: (State) -> Bool) throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            let (met, ended, problem) = state.withLock { (condition($0), $0.ended, $0.problem) }
            if met { return }
            if let problem { throw failure(problem) }
            if ended {
                process.waitUntilExit()
                throw failure("exited with status \(process.terminationStatus) before it could \(what)")
            }
            let left = deadline - ContinuousClock.now
            if left <= .zero || changed.wait(timeout: .now() + left.inSeconds) == .timedOut {
                if state.withLock({ condition($0) }) { return }
                throw failure("did not \(what) within \(Int(timeout.inSeconds)) s")
            }
        }
    }

    private func failure(_ what: String) -> LoadError {
        let diagnostics = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
        let tail = diagnostics.split(separator: "\n").suffix(5).joined(separator: "\n  ")
        return LoadError("worker process \(index) (pid \(pid)) \(what)" + (tail.isEmpty ? "" : ":\n  " + tail))
    }
}
