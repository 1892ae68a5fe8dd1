import GapTestSupport
import LMDB
import Synchronization
import Testing

@Suite struct LMDBErrorTests {
    @Test(arguments: [
        (LMDBError.keyExists, "MDB_KEYEXIST"), (.notFound, "MDB_NOTFOUND"), (.mapFull, "MDB_MAP_FULL"),
        (.databasesFull, "MDB_DBS_FULL"), (.readersFull, "MDB_READERS_FULL"), (.mapResized, "MDB_MAP_RESIZED"),
        (.incompatible, "MDB_INCOMPATIBLE"), (.badValueSize, "MDB_BAD_VALSIZE"), (.badTransaction, "MDB_BAD_TXN"),
        (.invalid, "MDB_INVALID"), (.corrupted, "MDB_CORRUPTED"), (.versionMismatch, "MDB_VERSION_MISMATCH"),
        (.permissionDenied, "EACCES"), (.noSuchFile, "ENOENT"), (.noSpace, "ENOSPC"), (.fileExists, "EEXIST"),
    ])
    func everyCodeHasAStableNameAndLMDBsMessage(error: LMDBError, name: String) {
        #expect(error.name == name)
        #expect(!error.message.isEmpty)
        #expect(!error.message.hasPrefix(name))
        #expect(error.description.hasPrefix(name + ": "))
    }

    @Test func detailIsContextNotIdentity() {
        let detailed = LMDBError(code: LMDBError.mapFull.code, detail: "at the ceiling")
        #expect(detailed == .mapFull)
        #expect(detailed.description.hasSuffix("(at the ceiling)"))
        #expect(LMDBError(code: 12345).name == "LMDB_12345")
    }

    @Test func readersFullWhenEverySlotIsTaken() throws {
        try withEnvironment(.init(maxReaders: 1)) { env, _ in
            let db = try env.openDatabase(named: "d")
            let failure = Mutex<LMDBError?>(nil)
            try env.read { _ in
                // A second reader from another thread while the only slot is held.
                BackgroundThread {
                    do { try env.read { txn in _ = try txn.get("k", in: db) } } catch let error as LMDBError {
                        failure.withLock { $0 = error }
                    } catch {}
                }.wait()
            }
            #expect(failure.withLock { $0 } == .readersFull)
        }
    }
}
