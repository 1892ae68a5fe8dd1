import LMDB
import Testing

@Suite struct ScanTests {
    /// Scans `range` and returns the visited keys (and values) as strings "key" or "key=value".
    private func scanned(
        _ env: Environment, _ db: Database, _ range: KeyRange, reverse: Bool = false, withValues: Bool = false
    ) throws -> [String] {
        try env.read { txn in
            var seen: [String] = []
            try txn.scan(db, range: range, reverse: reverse) { key, value in
                let k = String(decoding: key, as: UTF8.self)
                seen.append(withValues ? k + "=" + String(decoding: value, as: UTF8.self) : k)
                return .proceed
            }
            return seen
        }
    }

    @Test func boundsForwardAndBackward() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "d")
            try env.write { txn in
                for key in ["a", "b", "c", "d", "e"] { try txn.put("v", forKey: key, in: db) }
            }
            #expect(try scanned(env, db, .all) == ["a", "b", "c", "d", "e"])
            #expect(try scanned(env, db, .all, reverse: true) == ["e", "d", "c", "b", "a"])
            let bc = KeyRange(from: bytes("b"), to: bytes("d"))
            #expect(try scanned(env, db, bc) == ["b", "c"])
            #expect(try scanned(env, db, bc, reverse: true) == ["c", "b"])
            let bd = KeyRange(from: bytes("b"), to: bytes("d"), includesUpper: true)
            #expect(try scanned(env, db, bd) == ["b", "c", "d"])
            #expect(try scanned(env, db, bd, reverse: true) == ["d", "c", "b"])
            // Bounds that fall between keys or outside them.
            let between = KeyRange(from: bytes("bb"), to: bytes("dd"))
            #expect(try scanned(env, db, between) == ["c", "d"])
            #expect(try scanned(env, db, between, reverse: true) == ["d", "c"])
            let past = KeyRange(from: bytes("c"), to: bytes("zz"))
            #expect(try scanned(env, db, past, reverse: true) == ["e", "d", "c"])
            let empty = KeyRange(from: bytes("x"), to: bytes("y"))
            #expect(try scanned(env, db, empty).isEmpty)
            #expect(try scanned(env, db, empty, reverse: true).isEmpty)
        }
    }

    @Test func prefixRanges() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "d")
            try env.write { txn in
                for key in ["open/1", "open/2", "open0", "opem/9", "resolved/1"] { try txn.put("v", forKey: key, in: db) }
                try txn.put("v", forKey: [0x01, 0xFF], in: db)
                try txn.put("v", forKey: [0x01, 0xFF, 0x00], in: db)
                try txn.put("v", forKey: [0x02], in: db)
            }
            #expect(try scanned(env, db, .prefix("open/")) == ["open/1", "open/2"])
            #expect(try scanned(env, db, .prefix("open/"), reverse: true) == ["open/2", "open/1"])
            #expect(try scanned(env, db, .prefix("zzz")).isEmpty)
            // A prefix ending in 0xFF carries into the byte before it.
            let ff = try env.read { txn in
                var keys: [[UInt8]] = []
                try txn.scan(db, range: .prefix([0x01, 0xFF] as [UInt8])) { key, _ in
                    keys.append(Array(key))
                    return .proceed
                }
                return keys
            }
            #expect(ff == [[0x01, 0xFF], [0x01, 0xFF, 0x00]])
        }
    }

    @Test func stopEndsTheScan() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "d")
            try env.write { txn in
                for i in 0..<100 { try txn.put("v", forKey: bigEndianKey(UInt64(i)), in: db) }
            }
            let visited = try env.read { txn in
                var count = 0
                try txn.scan(db) { _, _ in
                    count += 1
                    return count == 10 ? .stop : .proceed
                }
                return count
            }
            #expect(visited == 10)
        }
    }

    @Test func sortedDuplicatesInBothDirections() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "d", flags: [.create, .duplicateSort])
            try env.write { txn in
                for (key, value) in [("a", "1"), ("b", "1"), ("b", "2"), ("b", "3"), ("c", "1")] {
                    try txn.put(value, forKey: key, in: db)
                }
            }
            #expect(try scanned(env, db, .all, withValues: true) == ["a=1", "b=1", "b=2", "b=3", "c=1"])
            let toB = KeyRange(from: bytes("a"), to: bytes("b"), includesUpper: true)
            #expect(try scanned(env, db, toB, reverse: true, withValues: true) == ["b=3", "b=2", "b=1", "a=1"])
            let beforeC = KeyRange(from: bytes("b"), to: bytes("c"))
            #expect(try scanned(env, db, beforeC, reverse: true, withValues: true) == ["b=3", "b=2", "b=1"])
        }
    }

    @Test func integerKeyRangesUseTheDatabaseOrder() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "ints", flags: [.create, .integerKey])
            try env.write { txn in
                for key: UInt64 in [1, 255, 256, 1000, 70_000] { try txn.put("v", forKey: key, in: db) }
            }
            // 256 and 1000 in native (little-endian) order would sort wrongly byte-wise.
            let range = KeyRange(from: (UInt64(200)).withBytes { Array($0) }, to: (UInt64(1000)).withBytes { Array($0) }, includesUpper: true)
            let keys = try env.read { txn in
                var keys: [UInt64] = []
                try txn.scan(db, range: range, reverse: true) { key, _ in
                    keys.append(key.loadUnaligned(as: UInt64.self))
                    return .proceed
                }
                return keys
            }
            #expect(keys == [1000, 256, 255])
        }
    }
}
