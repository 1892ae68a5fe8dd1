import GapTestSupport
import LMDB
import Synchronization
import Testing

/// Readers on many threads and tasks alongside a writer. The writer moves amounts between
/// accounts in each transaction; every reader snapshot must still add up to the same total.
@Suite struct ConcurrencyTests {
    static let accounts = 16
    static let total: UInt64 = 1_000_000

    private func seed(_ env: Environment, _ db: Database) throws {
        try env.write { txn in
            for account in 0..<Self.accounts {
                try txn.put(Self.total / UInt64(Self.accounts), forKey: bigEndianKey(UInt64(account)), in: db)
            }
        }
    }

    /// Moves a pseudo-random amount between two accounts, in one transaction.
    private func transfer(_ env: Environment, _ db: Database, step: Int) throws {
        try env.write { txn in
            let from = bigEndianKey(UInt64(step % Self.accounts))
            let to = bigEndianKey(UInt64((step * 7 + 3) % Self.accounts))
            let balance = loadUInt64(try txn.get(from, in: db)!)
            let amount = min(balance, UInt64(step % 97))
            try txn.put(balance - amount, forKey: from, in: db)
            let target = loadUInt64(try txn.get(to, in: db)!)
            try txn.put(target + amount, forKey: to, in: db)
        }
    }

    /// Sums every account in one snapshot.
    private func audit(_ env: Environment, _ db: Database) throws -> UInt64 {
        try env.read { txn in
            var sum: UInt64 = 0
            try txn.scan(db) { _, value in
                sum += value.loadUnaligned(as: UInt64.self)
                return .proceed
            }
            return sum
        }
    }

    @Test func threadsReadConsistentSnapshotsWhileAWriterCommits() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "accounts")
            try seed(env, db)
            let done = Atomic<Bool>(false)
            let audits = Atomic<Int>(0)
            let mismatches = Atomic<Int>(0)
            let readers = (0..<8).map { _ in
                BackgroundThread {
                    while !done.load(ordering: .acquiring) {
                        let sum = (try? audit(env, db)) ?? 0
                        if sum != Self.total { mismatches.add(1, ordering: .relaxed) }
                        audits.add(1, ordering: .relaxed)
                    }
                }
            }
            for step in 0..<300 { try transfer(env, db, step: step) }
            done.store(true, ordering: .releasing)
            for reader in readers { reader.wait() }
            #expect(mismatches.load(ordering: .relaxed) == 0)
            #expect(audits.load(ordering: .relaxed) > 8)
            #expect(try audit(env, db) == Self.total)
        }
    }

    @Test func tasksReadConsistentSnapshotsWhileAWriterCommits() async throws {
        try await withTemporaryDirectory { directory in
            let env = try Environment(path: directory + "/env")
            let db = try env.openDatabase(named: "accounts")
            try seed(env, db)
            let sums = try await withThrowingTaskGroup(of: [UInt64].self) { group in
                group.addTask {
                    for step in 0..<200 { try transfer(env, db, step: step) }
                    return []
                }
                for _ in 0..<16 {
                    group.addTask {
                        var sums: [UInt64] = []
                        for _ in 0..<50 {
                            sums.append(try audit(env, db))
                            await Task.yield()
                        }
                        return sums
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(sums.count == 16 * 50)
            #expect(sums.allSatisfy { $0 == Self.total })
        }
    }

    @Test func writersOnManyThreadsAreSerialised() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "meta")
            let writers = (0..<4).map { _ in
                BackgroundThread {
                    for _ in 0..<100 {
                        try! env.write { txn in
                            let current = try txn.get("counter", in: db).map(loadUInt64) ?? 0
                            try txn.put(current + 1, forKey: "counter", in: db)
                        }
                    }
                }
            }
            for writer in writers { writer.wait() }
            #expect(try env.read { txn in try txn.get("counter", in: db).map(loadUInt64) } == 400)
        }
    }
}
