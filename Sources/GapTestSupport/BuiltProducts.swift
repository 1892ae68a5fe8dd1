import Foundation

/// The path of an executable this package builds, next to the running test bundle.
///
/// `swift test` builds every executable a test target depends on into the same folder as the
/// test binary, so tests can spawn real processes (the CLI, helper writers).
///
/// - Throws: When the executable is missing (the test target must depend on it).
public func builtProduct(named name: String) throws -> String {
    let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    let candidate = executable.deletingLastPathComponent().appendingPathComponent(name).path
    guard FileManager.default.isExecutableFile(atPath: candidate) else {
        throw CocoaError(.fileNoSuchFile, userInfo: [
            NSFilePathErrorKey: candidate,
            NSLocalizedDescriptionKey: "\(name) was not built next to the test binary at \(candidate)",
        ])
    }
    return candidate
}

/// The result of running a process to completion.
public struct ProcessResult: Sendable {
    /// The exit status (or the terminating signal's number).
    public var status: Int32
    /// Everything written to standard output, as UTF-8.
    public var standardOutput: String
    /// Everything written to standard error, as UTF-8.
    public var standardError: String
}

/// Starts `executable` with `arguments` and returns a handle to wait on.
///
/// Output is collected into temporary files so that a chatty child can never block on a full
/// pipe.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked Sendable: `Process` is used from one thread at a time (start, then wait).
    private let process = Process()
    private let outputPath: String
    private let errorPath: String

    /// - Parameter standardInput: Text fed to the process's standard input (empty otherwise).
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, standardInput: String? = nil) throws {
        let directory = try makeTemporaryDirectory()
        outputPath = directory + "/stdout"
        errorPath = directory + "/stderr"
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let standardInput {
            let inputPath = directory + "/stdin"
            _ = FileManager.default.createFile(atPath: inputPath, contents: Data(standardInput.utf8))
            process.standardInput = FileHandle(forReadingAtPath: inputPath)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        try process.run()
    }

    /// Whether the process is still running.
    public var isRunning: Bool { process.isRunning }

    /// Sends `signal` to the process; `SIGKILL` ends it the way a crash or a power cut would,
    /// with no chance to clean up.
    public func sendSignal(_ signal: Int32) {
        _ = kill(process.processIdentifier, signal)
    }

    /// Waits for the process to exit and collects its output.
    public func wait() throws -> ProcessResult {
        process.waitUntilExit()
        defer { try? FileManager.default.removeItem(atPath: (outputPath as NSString).deletingLastPathComponent) }
        return ProcessResult(
            status: process.terminationStatus,
            standardOutput: try String(contentsOfFile: outputPath, encoding: .utf8),
            standardError: try String(contentsOfFile: errorPath, encoding: .utf8))
    }
}
