import Foundation
import GapTestSupport
import LMDB
import Synchronization
import Testing

@Suite struct BackupTests {
    /// Transaction n writes key n and sets "last" to n, so a consistent snapshot holds keys
    /// 1...last exactly.
    private func commit(_ n: UInt64, _ env: Environment, _ db: Database) throws {
        try env.write { txn in
            try txn.put([UInt8](repeating: UInt8(truncatingIfNeeded: n), count: 300), forKey: bigEndianKey(n), in: db)
            try txn.put(n, forKey: "last", in: db)
        }
    }

    @Test(arguments: [true, false])
    func backupDuringWritesHoldsOneCommittedState(compact: Bool) throws {
        try withTemporaryDirectory { directory in
            let env = try Environment(path: directory + "/live", options: .init(mapSize: 1 << 20))
            let db = try env.openDatabase(named: "log")
            for n in 1...200 { try commit(UInt64(n), env, db) }
            let stop = Atomic<Bool>(false)
            let committed = Atomic<Int>(200)
            let writer = BackgroundThread {
                var n = 201
                while !stop.load(ordering: .acquiring) {
                    try! commit(UInt64(n), env, db)
                    committed.store(n, ordering: .releasing)
                    n += 1
                }
            }
            let before = committed.load(ordering: .acquiring)
            try env.backup(to: directory + "/copy", compact: compact)
            let after = committed.load(ordering: .acquiring)
            stop.store(true, ordering: .releasing)
            writer.wait()

            let copy = try Environment(path: directory + "/copy", options: .init(readOnly: true))
            let copyDB = try copy.openDatabase(named: "log")
            let (last, keys) = try copy.read { txn in
                let last = try txn.get("last", in: copyDB).map(loadUInt64) ?? 0
                var keys: [UInt64] = []
                try txn.scan(copyDB, range: KeyRange(to: bytes("last"))) { key, _ in
                    keys.append(UInt64(bigEndian: key.loadUnaligned(as: UInt64.self)))
                    return .proceed
                }
                return (last, keys)
            }
            #expect(last >= UInt64(before) && last <= UInt64(after) + 1)
            #expect(keys == Array(1...last))
            let mode = try FileManager.default.attributesOfItem(atPath: directory + "/copy")[.posixPermissions] as? Int
            #expect(mode == 0o700)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains("partial") }
            #expect(leftovers.isEmpty)
        }
    }

    @Test func compactionShrinksAStoreWithFreePages() throws {
        try withTemporaryDirectory { directory in
            let env = try Environment(path: directory + "/live")
            let db = try env.openDatabase(named: "d")
            try env.write { txn in
                for i in 0..<5000 { try txn.put([UInt8](repeating: 1, count: 200), forKey: bigEndianKey(UInt64(i)), in: db) }
            }
            try env.write { txn in
                for i in 0..<4900 { try txn.delete(bigEndianKey(UInt64(i)), in: db) }
            }
            try env.backup(to: directory + "/full", compact: false)
            try env.backup(to: directory + "/compact", compact: true)
            let size = { (path: String) in
                try FileManager.default.attributesOfItem(atPath: path + "/data.mdb")[.size] as? Int ?? 0
            }
            #expect(try size(directory + "/compact") < size(directory + "/full") / 4)
            let copy = try Environment(path: directory + "/compact", options: .init(readOnly: true))
            let copyDB = try copy.openDatabase(named: "d")
            #expect(try copy.read { txn in try txn.statistics(of: copyDB).entries } == 100)
        }
    }

    @Test func anExistingDestinationIsRefused() throws {
        try withTemporaryDirectory { directory in
            let env = try Environment(path: directory + "/live")
            try FileManager.default.createDirectory(atPath: directory + "/taken", withIntermediateDirectories: false)
            #expect(throws: LMDBError.fileExists) { try env.backup(to: directory + "/taken") }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory + "/taken").isEmpty)
        }
    }

    @Test func anUnwritableDestinationLeavesNothingBehind() throws {
        try withTemporaryDirectory { directory in
            let env = try Environment(path: directory + "/live")
            #expect(throws: LMDBError.noSuchFile) { try env.backup(to: directory + "/missing/parent/copy") }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["live"])
        }
    }
}
