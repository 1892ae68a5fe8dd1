import Foundation
import GapStore
import GapTestSupport
import Testing

/// Short end-to-end runs of the built `gapload` binary: real store, real threads, a real
/// worker process.
@Suite struct GapLoadSmokeTests {
    /// The parts of the JSON report the test reads.
    struct Report: Decodable {
        struct Operation: Decodable {
            var count: Int
            var errors: Int
            var throughputPerSecond: Double
            var latencyMs: Latency?
        }
        struct Latency: Decodable {
            var p50: Double
            var p99: Double
            /// `p99_9` in the report (snake_case decoding drops the underscore).
            var p999: Double
            var max: Double
        }
        struct LostWrites: Decodable {
            var acknowledged: Int
            var lost: [String]
            var verifications: [Verification]
        }
        struct Verification: Decodable {
            var process: Int
            var checked: Int
        }
        struct Process: Decodable {
            var process: Int
            var checks: Int
            var peakResidentMib: Double
        }
        struct Store: Decodable {
            var bytesAtStart: Int
            var bytesAtEnd: Int
        }
        var tool: String
        var store: Store
        var operations: [String: Operation]
        var processes: [Process]
        var lostWrites: LostWrites
        var totalErrors: Int
    }

    @Test func twoProcessesWithAWriterLoseNothing() throws {
        try withTemporaryDirectory { directory in
            let reportPath = directory + "/report.json"
            let run = try ChildProcess(try builtProduct(named: "gapload"), [
                "--gaps", "200", "--threads", "2", "--processes", "2", "--write-rate", "20", "--warmup", "0.3",
                "--duration", "1.2", "--query-count", "50", "--json-report", reportPath,
            ]).wait()
            #expect(run.status == 0, "\(run.standardOutput)\n\(run.standardError)")
            #expect(run.standardOutput.contains("lost writes: none"))
            #expect(run.standardOutput.contains("memory: peak resident "))
            #expect(run.standardOutput.contains("(driver)") && run.standardOutput.contains("(worker 1)"))
            #expect(run.standardOutput.contains("store size: data file "))

            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            let report = try decoder.decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: reportPath)))
            #expect(report.tool == "gapload")
            #expect(report.totalErrors == 0)
            for name in ["check", "create_gap", "submit"] {
                let operation = try #require(report.operations[name], "no \(name) in the report")
                #expect(operation.count > 0 && operation.errors == 0, "\(name)")
                #expect(operation.throughputPerSecond > 0, "\(name)")
                let latency = try #require(operation.latencyMs, "\(name) has no latency")
                #expect(0 < latency.p50 && latency.p50 <= latency.p99 && latency.p99 <= latency.p999 && latency.p999 <= latency.max)
            }
            // Both processes checked, and both searched for every gap the writer created.
            #expect(report.processes.map(\.process) == [0, 1])
            #expect(report.processes.allSatisfy { $0.checks > 0 })
            // Every process reports its memory; the writer's gaps can only grow the data file.
            #expect(report.processes.allSatisfy { $0.peakResidentMib > 0 })
            #expect(0 < report.store.bytesAtStart && report.store.bytesAtStart <= report.store.bytesAtEnd)
            #expect(report.lostWrites.acknowledged > 0 && report.lostWrites.lost.isEmpty)
            #expect(report.lostWrites.verifications.map(\.process).sorted() == [0, 1])
            #expect(report.lostWrites.verifications.allSatisfy { $0.checked == report.lostWrites.acknowledged })
        }
    }

    @Test func buildsAStoreOfGapsOfManyAges() throws {
        try withTemporaryDirectory { directory in
            let store = directory + "/store"
            let started = Date()
            let build = try ChildProcess(try builtProduct(named: "gapload"), ["build", "--store", store, "--gaps", "20", "--age-days", "30"]).wait()
            #expect(build.status == 0, "\(build.standardError)")
            let gaps = try GapStore(path: store).listGaps(GapQuery(limit: 100)).items.map(\.gap).sorted { $0.id.number < $1.id.number }
            #expect(gaps.count == 20)
            // Oldest first, evenly over the 30 days before the build.
            let created = gaps.map(\.createdAt)
            #expect(zip(created, created.dropFirst()).allSatisfy { $0 < $1 })
            let oldest = try #require(created.first), newest = try #require(created.last)
            #expect(abs(newest.timeIntervalSince(oldest) - 30 * 86_400) < 1)
            #expect(abs(newest.timeIntervalSince(started)) < 600)
            let refused = try ChildProcess(try builtProduct(named: "gapload"), ["build", "--store", directory + "/other", "--gaps", "20", "--age-days", "40000"]).wait()
            #expect(refused.status == 64 && refused.standardError.contains("--age-days must be between 0 and 36,500"), "\(refused.standardError)")
        }
    }

    @Test func refusesAnExistingStoreWithBuildOptions() throws {
        try withTemporaryDirectory { directory in
            let store = directory + "/store"
            let build = try ChildProcess(try builtProduct(named: "gapload"), ["build", "--store", store, "--gaps", "20"]).wait()
            #expect(build.status == 0, "\(build.standardError)")
            let run = try ChildProcess(try builtProduct(named: "gapload"), ["--store", store, "--gaps", "20"]).wait()
            #expect(run.status == 64)
            #expect(run.standardError.contains("already holds a store"))
            // Ages apply to a store being built, not to one that exists.
            let aged = try ChildProcess(try builtProduct(named: "gapload"), ["--store", store, "--age-days", "30"]).wait()
            #expect(aged.status == 64 && aged.standardError.contains("--age-days ask to build one"), "\(aged.standardError)")
        }
    }
}
