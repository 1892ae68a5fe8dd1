import Foundation
import GapTestSupport
import Testing

@Suite struct HelpTests {
    /// Every command path, read from the parser's own description of the command tree so a new
    /// verb is covered without touching this test.
    static func commandPaths() throws -> [[String]] {
        struct Tool: Decodable { var command: Command }
        struct Command: Decodable {
            var commandName: String
            var subcommands: [Command]?
        }
        let dump = try gapsearch(["--experimental-dump-help"])
        try #require(dump.status == 0, "\(dump.standardError)")
        let tool = try decode(Tool.self, dump.standardOutput)
        func paths(_ command: Command, _ prefix: [String]) -> [[String]] {
            // `help` is the parser's own verb, not one of ours.
            (command.subcommands ?? []).filter { $0.commandName != "help" }.flatMap { sub in
                [prefix + [sub.commandName]] + paths(sub, prefix + [sub.commandName])
            }
        }
        return [[]] + paths(tool.command, [])
    }

    @Test func everyCommandsHelpHasAnExample() throws {
        let paths = try Self.commandPaths()
        #expect(paths.count > 20 && paths.contains(["gap", "create"]) && paths.contains(["github", "sync"]))
        for path in paths {
            let help = try gapsearch(path + ["--help"])
            #expect(help.status == 0, "\(path) --help: \(help.standardError)")
            #expect(help.standardOutput.contains("Example"), "\(path.joined(separator: " ")) --help shows no example")
        }
    }

    @Test(arguments: [
        ["frobnicate"], ["gap", "frobnicate"], ["stats", "--bogus"], ["check"], ["gap", "list", "--limit", "many"],
        ["report", "--json", "--format", "csv"], ["check", "saml", "--limit", "0"],
    ])
    func aWrongCommandLineExitsWithUsage(_ arguments: [String]) throws {
        let result = try gapsearch(arguments)
        #expect(result.status == 64, "\(arguments): \(result.standardError)")
        #expect(result.standardError.contains("Error:"), "\(arguments) says nothing on standard error")
        #expect(result.standardOutput.isEmpty)
    }
}
