import GapTestSupport
import LMDB
import Testing

@Suite struct TransactionTests {
    @Test func putGetDeleteRoundTrip() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "d")
            try env.write { txn in
                try txn.put("one", forKey: "k1", in: db)
                try txn.put(bytes("two"), forKey: bytes("k2"), in: db)
                try txn.put("uno", forKey: "k1", in: db)  // plain put replaces
            }
            try env.read { txn throws in
                #expect(text(try txn.get("k1", in: db)) == "uno")
                #expect(text(try txn.get("k2", in: db)) == "two")
                #expect(try txn.get("k3", in: db) == nil)
                #expect(try txn.contains("k2", in: db))
                #expect(try !txn.contains("k3", in: db))
            }
            let deleted = try env.write { txn in
                (try txn.delete("k1", in: db), try txn.delete("k1", in: db))
            }
            #expect(deleted == (true, false))
            #expect(try env.read { txn in try txn.get("k1", in: db) } == nil)
        }
    }

    @Test func withValueLendsTheMappedBytes() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "d")
            let payload = (0..<5000).map { UInt8(truncatingIfNeeded: $0) }
            try env.write { txn in try txn.put(payload, forKey: "big", in: db) }
            let sum = try env.read { txn in
                try txn.withValue(forKey: "big", in: db) { raw in raw.reduce(0) { $0 + Int($1) } }
            }
            #expect(sum == payload.reduce(0) { $0 + Int($1) })
            let missing = try env.read { txn in try txn.withValue(forKey: "nope", in: db) { $0.count } }
            #expect(missing == nil)
        }
    }

    @Test func reservedPutIsFilledInPlace() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "d")
            try env.write { txn in
                try txn.put(reservingCount: 4, forKey: "r", in: db) { buffer in
                    buffer.copyBytes(from: bytes("abcd"))
                }
            }
            #expect(text(try env.read { txn in try txn.get("r", in: db) }) == "abcd")
        }
    }

    @Test func noOverwriteRefusesAnExistingKey() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "d")
            try env.write { txn in try txn.put("first", forKey: "k", in: db, flags: .noOverwrite) }
            #expect(throws: LMDBError.keyExists) {
                try env.write { txn in try txn.put("second", forKey: "k", in: db, flags: .noOverwrite) }
            }
            #expect(text(try env.read { txn in try txn.get("k", in: db) }) == "first")
        }
    }

    @Test func keyExistsCanBeHandledInsideTheTransaction() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "d")
            try env.write { txn in
                try txn.put("a", forKey: "k", in: db)
                do { try txn.put("b", forKey: "k", in: db, flags: .noOverwrite) } catch LMDBError.keyExists {}
                try txn.put("c", forKey: "other", in: db)
            }
            #expect(try contents(of: db, in: env).map { text($0.value) } == ["a", "c"])
        }
    }

    @Test func appendRequiresAscendingKeys() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "d")
            try env.write { txn in
                for i in 0..<100 { try txn.put("v", forKey: bigEndianKey(UInt64(i)), in: db, flags: .append) }
            }
            #expect(throws: LMDBError.keyExists) {
                try env.write { txn in try txn.put("v", forKey: bigEndianKey(5), in: db, flags: .append) }
            }
            #expect(try contents(of: db, in: env).count == 100)
        }
    }

    @Test func emptyAndOversizedKeysAreBadValueSize() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "d")
            #expect(throws: LMDBError.badValueSize) {
                try env.write { txn in try txn.put("v", forKey: [UInt8](), in: db) }
            }
            let tooLong = [UInt8](repeating: 1, count: env.maxKeySize + 1)
            #expect(throws: LMDBError.badValueSize) {
                try env.write { txn in try txn.put("v", forKey: tooLong, in: db) }
            }
            let longest = [UInt8](repeating: 1, count: env.maxKeySize)
            try env.write { txn in try txn.put("v", forKey: longest, in: db) }
            #expect(try contents(of: db, in: env).count == 1)
        }
    }

    @Test func throwingAbortsEverything() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "d")
            try env.write { txn in try txn.put("kept", forKey: "k0", in: db) }
            #expect(throws: Expected()) {
                try env.write { txn in
                    try txn.put("lost", forKey: "k1", in: db)
                    try txn.put("changed", forKey: "k0", in: db)
                    try txn.delete("k0", in: db)
                    throw Expected()
                }
            }
            let entries = try contents(of: db, in: env)
            #expect(entries.map { text($0.key) } == ["k0"])
            #expect(entries.map { text($0.value) } == ["kept"])
        }
    }

    @Test func writeReturnsTheClosureResult() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "d")
            let id = try env.write { txn in
                try txn.put("v", forKey: "k", in: db)
                return txn.id
            }
            #expect(try env.info().lastTransactionID == id)
        }
    }

    @Test func removeAllEmptiesButKeepsTheDatabase() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "d")
            try env.write { txn in
                for i in 0..<50 { try txn.put("v", forKey: bigEndianKey(UInt64(i)), in: db) }
            }
            try env.write { txn in try txn.removeAll(in: db) }
            #expect(try contents(of: db, in: env).isEmpty)
            try env.write { txn in try txn.put("again", forKey: "k", in: db) }
            #expect(try contents(of: db, in: env).count == 1)
        }
    }

    @Test func sortedDuplicatesHoldManyValuesPerKey() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "byStatus", flags: [.create, .duplicateSort])
            try env.write { txn in
                for id in ["GAP-3", "GAP-1", "GAP-2"] { try txn.put(id, forKey: "open", in: db) }
                try txn.put("GAP-9", forKey: "resolved", in: db)
                #expect(throws: LMDBError.keyExists) {
                    try txn.put("GAP-1", forKey: "open", in: db, flags: .noDuplicateData)
                }
            }
            let open = try env.read { txn in
                try txn.withCursor(on: db) { cursor in
                    var values: [String] = []
                    var entry = try cursor.seek(to: "open")
                    #expect(try cursor.duplicateCount() == 3)
                    while let current = entry {
                        values.append(String(decoding: current.value, as: UTF8.self))
                        entry = try cursor.nextDuplicate()
                    }
                    return values
                }
            }
            #expect(open == ["GAP-1", "GAP-2", "GAP-3"])
            try env.read { txn in
                try txn.withCursor(on: db) { cursor in
                    let exact = try cursor.seek(to: "open", value: "GAP-2")?.copied()
                    #expect(text(exact?.key) == "open" && text(exact?.value) == "GAP-2")
                    let after = try cursor.seek(to: "open", valueAtOrAfter: "GAP-25")?.copied()
                    #expect(text(after?.key) == "open" && text(after?.value) == "GAP-3")
                    #expect(try cursor.seek(to: "open", value: "GAP-7") == nil)
                    let last = try cursor.seek(to: "open").flatMap { _ in try cursor.lastDuplicate() }?.copied()
                    #expect(text(last?.key) == "open" && text(last?.value) == "GAP-3")
                    let first = try cursor.firstDuplicate()?.copied()
                    #expect(text(first?.key) == "open" && text(first?.value) == "GAP-1")
                    #expect(text(try cursor.nextKey()?.copied().key) == "resolved")
                    #expect(text(try cursor.previousKey()?.copied().value) == "GAP-3")
                }
            }
            let removed = try env.write { txn in
                (try txn.delete("open", value: "GAP-2", in: db), try txn.delete("open", value: "GAP-2", in: db))
            }
            #expect(removed == (true, false))
            #expect(try contents(of: db, in: env).map { text($0.value) } == ["GAP-1", "GAP-3", "GAP-9"])
        }
    }

    @Test func integerKeysSortNumerically() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "ints", flags: [.create, .integerKey])
            try env.write { txn in
                for key: UInt64 in [300, 2, 1 << 40, 70_000, 1] { try txn.put("v", forKey: key, in: db) }
            }
            let keys = try contents(of: db, in: env).map { loadUInt64($0.key) }
            #expect(keys == [1, 2, 300, 70_000, 1 << 40])
        }
    }

    @Test func cursorWalksAndEditsInPlace() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "d")
            try env.write { txn in
                for name in ["a", "b", "c", "d"] { try txn.put(name.uppercased(), forKey: name, in: db) }
                try txn.withCursor(on: db) { cursor in
                    #expect(text(try cursor.first()?.copied().key) == "a")
                    #expect(text(try cursor.last()?.copied().key) == "d")
                    #expect(text(try cursor.previous()?.copied().key) == "c")
                    #expect(text(try cursor.current()?.copied().value) == "C")
                    try cursor.deleteCurrent()
                    #expect(text(try cursor.current()?.copied().key) == "d")
                    #expect(text(try cursor.seek(atOrAfter: "bb")?.copied().key) == "d")
                    #expect(try cursor.seek(to: "bb") == nil)
                    try cursor.put("B2", forKey: "b")
                    #expect(text(try cursor.current()?.copied().value) == "B2")
                    #expect(try cursor.next() != nil)
                    #expect(try cursor.next() == nil)
                }
            }
            #expect(try contents(of: db, in: env).map { text($0.key)! + "=" + text($0.value)! } == ["a=A", "b=B2", "d=D"])
        }
    }

    @Test func readersSeeASnapshotWhileAWriterCommits() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "d")
            try env.write { txn in try txn.put("before", forKey: "k", in: db) }
            try env.read { txn throws in
                #expect(text(try txn.get("k", in: db)) == "before")
                let writer = BackgroundThread {
                    try! env.write { txn in
                        try txn.put("after", forKey: "k", in: db)
                        try txn.put("new", forKey: "k2", in: db)
                    }
                }
                writer.wait()
                #expect(text(try txn.get("k", in: db)) == "before")
                #expect(try txn.get("k2", in: db) == nil)
            }
            #expect(text(try env.read { txn in try txn.get("k", in: db) }) == "after")
        }
    }
}

@Suite struct NestedTransactionTests {
    @Test func aFailedChildLeavesTheParentAsItWas() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "d")
            try env.write { txn in
                try txn.put("parent", forKey: "a", in: db)
                try txn.withNestedTransaction { child in try child.put("child", forKey: "b", in: db) }
                #expect(throws: Expected()) {
                    try txn.withNestedTransaction { child in
                        try child.put("doomed", forKey: "c", in: db)
                        try child.put("overwritten", forKey: "a", in: db)
                        throw Expected()
                    }
                }
                #expect(text(try txn.get("a", in: db)) == "parent")
                #expect(try txn.get("c", in: db) == nil)
            }
            #expect(try contents(of: db, in: env).map { text($0.key)! + "=" + text($0.value)! } == ["a=parent", "b=child"])
        }
    }

    @Test func childrenGrowTheMapLikeTheirParent() throws {
        try withEnvironment(.init(mapSize: 64 << 10)) { env, _ in
            let db = try env.openDatabase(named: "d")
            var attempts = 0
            try env.write { txn in
                attempts += 1
                for i in 0..<100 {
                    try txn.withNestedTransaction { child in
                        try child.put([UInt8](repeating: 9, count: 2000), forKey: bigEndianKey(UInt64(i)), in: db)
                    }
                }
            }
            #expect(attempts > 1)
            #expect(try contents(of: db, in: env).count == 100)
        }
    }

    @Test func readTransactionsCannotNest() throws {
        try withEnvironment { env, _ in
            #expect(throws: LMDBError.permissionDenied) {
                try env.read { txn in try txn.withNestedTransaction { _ in } }
            }
        }
    }
}
