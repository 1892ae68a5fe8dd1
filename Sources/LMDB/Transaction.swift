internal import CLMDB

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A read-only or read-write LMDB transaction, lent to the closure of ``Environment/read(_:)``
/// or ``Environment/write(_:)``.
///
/// The type is non-copyable and only ever borrowed, so it cannot outlive its closure; the
/// environment commits or aborts it when the closure ends. Bytes handed out by its methods are
/// valid only until the transaction ends or the next write in it.
public struct Transaction: ~Copyable {
    let handle: OpaquePointer
    /// Whether this is a read-only transaction; writes in one fail with
    /// ``LMDBError/permissionDenied``.
    public let isReadOnly: Bool
    /// Where a write transaction records an error that leaves it unusable (such as a full map),
    /// so the environment rolls back and reacts even if the closure swallowed the error.
    let poison: UnsafeMutablePointer<Int32>?

    init(handle: OpaquePointer, isReadOnly: Bool, poison: UnsafeMutablePointer<Int32>?) {
        self.handle = handle
        self.isReadOnly = isReadOnly
        self.poison = poison
    }

    /// The transaction's id (`mdb_txn_id`): the snapshot a reader sees, or the id a writer
    /// will commit as.
    public var id: Int { Int(mdb_txn_id(handle)) }

    /// Checks a write's return code; errors after which LMDB refuses further work in the
    /// transaction are remembered.
    @inline(__always)
    func checkWrite(_ rc: Int32) throws(LMDBError) {
        try Self.checkWrite(rc, poison: poison)
    }

    @inline(__always)
    static func checkWrite(_ rc: Int32, poison: UnsafeMutablePointer<Int32>?) throws(LMDBError) {
        guard rc != MDB_SUCCESS else { return }
        if rc != MDB_KEYEXIST && rc != MDB_NOTFOUND && rc != MDB_BAD_VALSIZE && rc != EACCES
            && rc != EINVAL, let poison, poison.pointee == 0
        {
            poison.pointee = rc
        }
        throw LMDBError(code: rc)
    }

    /// Runs `body` in a child transaction of this write transaction (`mdb_txn_begin` with a
    /// parent): its writes join this transaction when `body` returns, and are discarded alone
    /// when it throws, leaving this transaction as it was. Use the child, not this
    /// transaction, inside `body`.
    ///
    /// - Throws: ``LMDBError/permissionDenied`` in a read-only transaction, or what `body`
    ///   throws.
    public func withNestedTransaction<R>(_ body: (borrowing Transaction) throws -> R) throws -> R {
        guard !isReadOnly else {
            throw LMDBError.permissionDenied.adding(detail: "read-only transactions cannot be nested")
        }
        var raw: OpaquePointer?
        try checkWrite(mdb_txn_begin(mdb_txn_env(handle), handle, 0, &raw))
        let result: R
        do {
            let child = Transaction(handle: raw!, isReadOnly: false, poison: poison)
            result = try body(child)
        } catch {
            mdb_txn_abort(raw)
            throw error
        }
        try checkWrite(mdb_txn_commit(raw))  // frees the child whatever the outcome
        return result
    }

    // MARK: - Reading

    /// Calls `body` with the value stored under `key`, without copying it out of the map.
    ///
    /// The buffer is valid only during `body`. In a sorted-duplicates database this is the
    /// key's first value. Wraps `mdb_get`.
    ///
    /// - Returns: `body`'s result, or `nil` when the key is absent.
    public func withValue<R>(
        forKey key: some ByteRepresentable, in database: Database,
        _ body: (UnsafeRawBufferPointer) throws -> R
    ) throws -> R? {
        var value = MDB_val()
        let rc = key.withBytes { keyBytes in
            var keyVal = MDB_val(bytes: keyBytes)
            return mdb_get(handle, database.dbi, &keyVal, &value)
        }
        if rc == MDB_NOTFOUND { return nil }
        try check(rc)
        return try body(value.buffer)
    }

    /// The value stored under `key`, copied into an array; `nil` when the key is absent.
    /// Wraps `mdb_get`.
    public func get(_ key: some ByteRepresentable, in database: Database) throws(LMDBError) -> [UInt8]? {
        var value = MDB_val()
        let rc = key.withBytes { keyBytes in
            var keyVal = MDB_val(bytes: keyBytes)
            return mdb_get(handle, database.dbi, &keyVal, &value)
        }
        if rc == MDB_NOTFOUND { return nil }
        try check(rc)
        return Array(value.buffer)
    }

    /// Whether `key` is present. Wraps `mdb_get`.
    public func contains(_ key: some ByteRepresentable, in database: Database) throws(LMDBError) -> Bool {
        var value = MDB_val()
        let rc = key.withBytes { keyBytes in
            var keyVal = MDB_val(bytes: keyBytes)
            return mdb_get(handle, database.dbi, &keyVal, &value)
        }
        if rc == MDB_NOTFOUND { return false }
        try check(rc)
        return true
    }

    /// Entry counts and B-tree shape of `database` as this transaction sees it
    /// (`mdb_stat`).
    public func statistics(of database: Database) throws(LMDBError) -> DatabaseStatistics {
        var stat = MDB_stat()
        try check(mdb_stat(handle, database.dbi, &stat))
        return DatabaseStatistics(stat)
    }

    /// Compares two keys with `database`'s key order (`mdb_cmp`): negative, zero or positive.
    public func compareKeys(
        _ a: some ByteRepresentable, _ b: some ByteRepresentable, in database: Database
    ) -> Int {
        a.withBytes { aBytes in
            b.withBytes { bBytes in
                var aVal = MDB_val(bytes: aBytes)
                var bVal = MDB_val(bytes: bBytes)
                return Int(mdb_cmp(handle, database.dbi, &aVal, &bVal))
            }
        }
    }

    // MARK: - Writing

    /// Stores `value` under `key`. Wraps `mdb_put`.
    ///
    /// Without flags an existing value is replaced (in a sorted-duplicates database, `value` is
    /// added to the key's values).
    ///
    /// - Throws: ``LMDBError/keyExists`` when a ``PutFlags`` condition refuses the write,
    ///   ``LMDBError/badValueSize`` for an empty or too long key,
    ///   ``LMDBError/permissionDenied`` in a read-only transaction.
    public func put(
        _ value: some ByteRepresentable, forKey key: some ByteRepresentable, in database: Database,
        flags: PutFlags = []
    ) throws(LMDBError) {
        let rc = key.withBytes { keyBytes in
            value.withBytes { valueBytes in
                var keyVal = MDB_val(bytes: keyBytes)
                var valueVal = MDB_val(bytes: valueBytes)
                return mdb_put(handle, database.dbi, &keyVal, &valueVal, flags.rawValue)
            }
        }
        try checkWrite(rc)
    }

    /// Reserves `count` bytes under `key` and lets `body` fill them in place, saving a copy for
    /// large values (`mdb_put` with `MDB_RESERVE`). Not for sorted-duplicates databases.
    public func put<R>(
        reservingCount count: Int, forKey key: some ByteRepresentable, in database: Database,
        flags: PutFlags = [], _ body: (UnsafeMutableRawBufferPointer) throws -> R
    ) throws -> R {
        var value = MDB_val(mv_size: count, mv_data: nil)
        let rc = key.withBytes { keyBytes in
            var keyVal = MDB_val(bytes: keyBytes)
            return mdb_put(handle, database.dbi, &keyVal, &value, flags.rawValue | UInt32(MDB_RESERVE))
        }
        try checkWrite(rc)
        return try body(UnsafeMutableRawBufferPointer(start: value.mv_data, count: count))
    }

    /// Deletes `key` with all its values. Wraps `mdb_del`.
    ///
    /// - Returns: `false` when the key was absent.
    @discardableResult
    public func delete(_ key: some ByteRepresentable, in database: Database) throws(LMDBError) -> Bool {
        let rc = key.withBytes { keyBytes in
            var keyVal = MDB_val(bytes: keyBytes)
            return mdb_del(handle, database.dbi, &keyVal, nil)
        }
        if rc == MDB_NOTFOUND { return false }
        try checkWrite(rc)
        return true
    }

    /// Deletes one key/value pair of a sorted-duplicates database (in a plain database, the key
    /// only if its value equals `value`). Wraps `mdb_del`.
    ///
    /// - Returns: `false` when the pair was absent.
    @discardableResult
    public func delete(
        _ key: some ByteRepresentable, value: some ByteRepresentable, in database: Database
    ) throws(LMDBError) -> Bool {
        let rc = key.withBytes { keyBytes in
            value.withBytes { valueBytes in
                var keyVal = MDB_val(bytes: keyBytes)
                var valueVal = MDB_val(bytes: valueBytes)
                return mdb_del(handle, database.dbi, &keyVal, &valueVal)
            }
        }
        if rc == MDB_NOTFOUND { return false }
        try checkWrite(rc)
        return true
    }

    /// Deletes every entry of `database`, keeping the database (`mdb_drop` with `del = 0`).
    public func removeAll(in database: Database) throws(LMDBError) {
        try checkWrite(mdb_drop(handle, database.dbi, 0))
    }
}

extension MDB_val {
    /// A value pointing at `bytes`; LMDB does not write through it except with `MDB_RESERVE`.
    init(bytes: UnsafeRawBufferPointer) {
        self.init(mv_size: bytes.count, mv_data: UnsafeMutableRawPointer(mutating: bytes.baseAddress))
    }

    /// The bytes this value points at.
    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: mv_data, count: mv_size) }
}
