import Foundation
import GapTestSupport
import LMDB
import Testing

@Suite struct EnvironmentTests {
    @Test func createsPrivateDirectoryAndFiles() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/nested/store"
            let env = try Environment(path: path)
            _ = try env.openDatabase(named: "gaps")
            let manager = FileManager.default
            let dirMode = try manager.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            let dataMode = try manager.attributesOfItem(atPath: path + "/data.mdb")[.posixPermissions] as? Int
            let lockMode = try manager.attributesOfItem(atPath: path + "/lock.mdb")[.posixPermissions] as? Int
            #expect(dirMode == 0o700)
            #expect(dataMode == 0o600)
            #expect(lockMode == 0o600)
        }
    }

    @Test func readOnlyOpenOfMissingStoreIsNoSuchFile() throws {
        try withTemporaryDirectory { directory in
            #expect(throws: LMDBError.noSuchFile) {
                _ = try Environment(path: directory + "/missing", options: .init(readOnly: true))
            }
            #expect(!FileManager.default.fileExists(atPath: directory + "/missing"))
        }
    }

    @Test func readOnlyEnvironmentRefusesWrites() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/env"
            do {
                let env = try Environment(path: path)
                let db = try env.openDatabase(named: "d")
                try env.write { txn in try txn.put("v", forKey: "k", in: db) }
            }
            let reader = try Environment(path: path, options: .init(readOnly: true))
            #expect(reader.isReadOnly)
            let db = try reader.openDatabase(named: "d")
            #expect(try reader.read { txn in text(try txn.get("k", in: db)) } == "v")
            #expect(throws: LMDBError.permissionDenied) {
                try reader.write { txn in try txn.put("w", forKey: "k", in: db) }
            }
            #expect(throws: LMDBError.notFound) { _ = try reader.openDatabase(named: "absent") }
        }
    }

    @Test func putInReadTransactionIsPermissionDenied() throws {
        try withEnvironment { env, _ in
            let db = try env.openDatabase(named: "d")
            #expect(throws: LMDBError.permissionDenied) {
                try env.read { txn in try txn.put("v", forKey: "k", in: db) }
            }
        }
    }

    @Test func nonsensicalOptionsAreInvalidArgument() throws {
        try withTemporaryDirectory { directory in
            #expect(throws: LMDBError.invalidArgument) {
                _ = try Environment(path: directory + "/e", options: .init(mapSize: 1 << 30, maxMapSize: 1 << 20))
            }
            #expect(throws: LMDBError.invalidArgument) {
                _ = try Environment(path: directory + "/e", options: .init(maxReaders: 0))
            }
        }
    }

    @Test func notAnLMDBFileIsInvalid() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/env"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            let garbage = Data((0..<65536).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
            try garbage.write(to: URL(fileURLWithPath: path + "/data.mdb"))
            #expect(throws: LMDBError.invalid) { _ = try Environment(path: path) }
        }
    }

    @Test func pathThroughAFileIsNotADirectory() throws {
        try withTemporaryDirectory { directory in
            #expect(FileManager.default.createFile(atPath: directory + "/file", contents: Data("x".utf8)))
            let error = #expect(throws: LMDBError.self) { _ = try Environment(path: directory + "/file/env") }
            #expect(error?.name == "ENOTDIR")
        }
    }

    @Test func tooManyNamedDatabasesIsDatabasesFull() throws {
        try withEnvironment(.init(maxDatabases: 2)) { env, _ in
            _ = try env.openDatabase(named: "a")
            _ = try env.openDatabase(named: "b")
            #expect(throws: LMDBError.databasesFull) { _ = try env.openDatabase(named: "c") }
        }
    }

    @Test func reopeningWithOtherFlagsIsIncompatible() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/env"
            do {
                let env = try Environment(path: path)
                _ = try env.openDatabase(named: "d", flags: [.create, .duplicateSort])
                #expect(throws: LMDBError.incompatible) { _ = try env.openDatabase(named: "d", flags: [.create]) }
            }
            let env = try Environment(path: path)
            #expect(throws: LMDBError.incompatible) { _ = try env.openDatabase(named: "d", flags: [.create, .integerKey]) }
        }
    }

    @Test func databaseHandlesAreCached() throws {
        try withEnvironment { env, _ in
            let first = try env.openDatabase(named: "d")
            let second = try env.openDatabase(named: "d")
            #expect(first == second)
            #expect(first.name == "d")
        }
    }

    @Test func infoReportsMapPagesTransactionsAndReaders() throws {
        try withEnvironment(.init(mapSize: 8 << 20)) { env, _ in
            let db = try env.openDatabase(named: "d")
            let before = try env.info()
            try env.write { txn in
                for i in 0..<1000 { try txn.put(bigEndianKey(UInt64(i)), forKey: bigEndianKey(UInt64(i)), in: db) }
            }
            let after = try env.info()
            #expect(after.mapSize == 8 << 20)
            #expect(after.pageSize == 4096)
            #expect(after.lastTransactionID == before.lastTransactionID + 1)
            #expect(after.usedBytes > before.usedBytes)
            #expect(after.maxReaders == 510)
            #expect(after.mainDatabase.entries == 1)  // the named database "d"
            #expect(after.readersInUse == 0)
            let stats = try env.read { txn in try txn.statistics(of: db) }
            #expect(stats.entries == 1000)
            #expect(stats.depth >= 1)
            #expect(stats.bytes > 0)
            #expect(env.maxKeySize == 511)
            #expect(Environment.libraryVersion.hasPrefix("LMDB 0.9"))
        }
    }

    @Test func readersInUseCountsOpenReadTransactions() async throws {
        try await withTemporaryDirectory { directory in
            let env = try Environment(path: directory + "/env")
            let opened = AsyncStream<Void>.makeStream()
            let release = DispatchSemaphore(value: 0)
            let holders = (0..<3).map { _ in
                BackgroundThread {
                    try? env.read { _ in
                        opened.continuation.yield()
                        release.wait()
                    }
                }
            }
            var iterator = opened.stream.makeAsyncIterator()
            for _ in 0..<3 { await iterator.next() }
            #expect(try env.info().readersInUse == 3)
            for _ in 0..<3 { release.signal() }
            for holder in holders { holder.wait() }
            #expect(try env.info().readersInUse == 0)
        }
    }

    @Test func clearStaleReadersFindsNoneInAHealthyProcess() throws {
        try withEnvironment { env, _ throws in
            #expect(try env.clearStaleReaders() == 0)
        }
    }
}
