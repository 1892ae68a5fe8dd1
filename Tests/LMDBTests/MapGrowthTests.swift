import GapTestSupport
import LMDB
import Testing

@Suite struct MapGrowthTests {
    @Test func bulkLoadGrowsATinyMap() throws {
        try withEnvironment(.init(mapSize: 64 << 10, maxMapSize: 1 << 30)) { env, _ in
            let db = try env.openDatabase(named: "bulk")
            let value = [UInt8](repeating: 7, count: 1000)
            var attempts = 0
            try env.write { txn in
                attempts += 1
                for i in 0..<10_000 { try txn.put(value, forKey: bigEndianKey(UInt64(i)), in: db) }
            }
            #expect(attempts > 1, "the transaction should have been retried after growing the map")
            let info = try env.info()
            #expect(info.mapSize >= 10_000 * 1000)
            #expect(info.mapSize < 1 << 30)
            #expect(try env.read { txn in try txn.statistics(of: db).entries } == 10_000)
        }
    }

    @Test func manySmallTransactionsGrowTheMapAsNeeded() throws {
        try withEnvironment(.init(mapSize: 64 << 10)) { env, _ in
            let db = try env.openDatabase(named: "small")
            for i in 0..<200 {
                try env.write { txn in
                    try txn.put([UInt8](repeating: 1, count: 2000), forKey: bigEndianKey(UInt64(i)), in: db)
                }
            }
            #expect(try contents(of: db, in: env).count == 200)
            #expect(try env.info().mapSize > 64 << 10)
        }
    }

    @Test func theCeilingGivesAClearErrorAndWritesNothing() throws {
        try withEnvironment(.init(mapSize: 64 << 10, maxMapSize: 256 << 10)) { env, _ in
            let db = try env.openDatabase(named: "bulk")
            try env.write { txn in try txn.put("kept", forKey: "before", in: db) }
            let error = #expect(throws: LMDBError.mapFull) {
                try env.write { txn in
                    for i in 0..<1000 {
                        try txn.put([UInt8](repeating: 2, count: 1000), forKey: bigEndianKey(UInt64(i)), in: db)
                    }
                }
            }
            #expect(error?.name == "MDB_MAP_FULL")
            #expect(error?.description.contains("ceiling") == true)
            #expect(try contents(of: db, in: env).map { text($0.key) } == ["before"])
            #expect(try env.info().mapSize == 256 << 10)
            // Smaller writes still succeed afterwards.
            try env.write { txn in try txn.put("fine", forKey: "after", in: db) }
            #expect(try contents(of: db, in: env).count == 2)
        }
    }

    @Test func aSwallowedMapFullStillGrowsAndRetries() throws {
        try withEnvironment(.init(mapSize: 64 << 10)) { env, _ in
            let db = try env.openDatabase(named: "bulk")
            var attempts = 0
            try env.write { txn in
                attempts += 1
                do {
                    for i in 0..<500 { try txn.put([UInt8](repeating: 3, count: 1000), forKey: bigEndianKey(UInt64(i)), in: db) }
                } catch LMDBError.mapFull {
                    // Ignoring the error must not commit a half-written transaction.
                }
            }
            #expect(attempts > 1)
            #expect(try contents(of: db, in: env).count == 500)
        }
    }

    @Test func aSwallowedMapFullAtTheCeilingIsReported() throws {
        try withEnvironment(.init(mapSize: 64 << 10, maxMapSize: 64 << 10)) { env, _ in
            let db = try env.openDatabase(named: "bulk")
            #expect(throws: LMDBError.mapFull) {
                try env.write { txn in
                    do {
                        for i in 0..<500 { try txn.put([UInt8](repeating: 3, count: 1000), forKey: bigEndianKey(UInt64(i)), in: db) }
                    } catch LMDBError.mapFull {}
                }
            }
            #expect(try contents(of: db, in: env).isEmpty)
        }
    }
}
