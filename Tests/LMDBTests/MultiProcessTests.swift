import GapTestSupport
import LMDB
import Testing

/// Several processes writing to one environment at once, each growing the map under the
/// others' feet, never corrupt it or lose a committed write.
@Suite struct MultiProcessTests {
    @Test func concurrentWriterProcessesNeverCorruptTheEnvironment() throws {
        let writer = try builtProduct(named: "lmdb-test-writer")
        try withTemporaryDirectory { directory in
            let path = directory + "/shared"
            let perProcess = 300
            let processes = try (0..<3).map { id in
                try ChildProcess(writer, [path, "w\(id)", String(perProcess), "700"])
            }
            // This process reads (and writes) meanwhile too.
            let env = try Environment(path: path, options: .init(mapSize: 256 << 10))
            let entries = try env.openDatabase(named: "entries")
            let meta = try env.openDatabase(named: "meta")
            var lastSeen = 0
            for _ in 0..<50 {
                let seen = try env.read { txn in try txn.statistics(of: entries).entries }
                #expect(seen >= lastSeen, "a committed entry disappeared")
                lastSeen = seen
            }
            for process in processes {
                let result = try process.wait()
                #expect(result.status == 0, "writer failed: \(result.standardError)")
            }
            let counter = try env.read { txn in try txn.get("counter", in: meta).map(loadUInt64) }
            #expect(counter == UInt64(3 * perProcess))
            let keys = Set(try contents(of: entries, in: env).map { text($0.key)! })
            let expected = Set((0..<3).flatMap { id in (0..<perProcess).map { "w\(id)-\($0)" } })
            #expect(keys == expected)
            // 900 values of 700 bytes cannot fit the initial 256 KiB map: it grew.
            #expect(try env.info().mapSize > 256 << 10)
        }
    }
}
