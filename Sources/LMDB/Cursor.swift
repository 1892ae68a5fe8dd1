internal import CLMDB

/// One key/value pair under a ``Cursor``, pointing into the memory map.
///
/// Both buffers are valid only until the cursor moves, the transaction writes, or the
/// transaction ends; copy them (``copied()``) to keep them.
public struct CursorEntry {
    /// The entry's key.
    public let key: UnsafeRawBufferPointer
    /// The entry's value.
    public let value: UnsafeRawBufferPointer

    /// Owned copies of the key and the value.
    public func copied() -> (key: [UInt8], value: [UInt8]) { (Array(key), Array(value)) }
}

/// A position in one database within one transaction (LMDB's `MDB_cursor`).
///
/// Get one from ``Transaction/withCursor(on:_:)``. Moves return the entry reached, or `nil`
/// when there is none (LMDB's `MDB_NOTFOUND`). In a sorted-duplicates database, ``next()`` and
/// ``previous()`` visit every value; the `Key` and `Duplicate` variants move between keys or
/// within one key's values.
public struct Cursor: ~Copyable {
    let handle: OpaquePointer
    let transaction: OpaquePointer
    let database: Database
    let poison: UnsafeMutablePointer<Int32>?

    private func move(_ op: MDB_cursor_op) throws(LMDBError) -> CursorEntry? {
        var key = MDB_val()
        var value = MDB_val()
        return try finish(mdb_cursor_get(handle, &key, &value, op), key, value)
    }

    private func move(
        _ op: MDB_cursor_op, key: some ByteRepresentable
    ) throws(LMDBError) -> CursorEntry? {
        var value = MDB_val()
        var found = MDB_val()
        let rc = key.withBytes { keyBytes in
            found = MDB_val(bytes: keyBytes)
            return mdb_cursor_get(handle, &found, &value, op)
        }
        return try finish(rc, found, value)
    }

    /// For the `GET_BOTH` operations, which leave `key` pointing at the caller's (soon
    /// invalid) buffer: callers re-read the entry with ``current()``.
    private func move(
        _ op: MDB_cursor_op, key: some ByteRepresentable, value: some ByteRepresentable
    ) throws(LMDBError) -> CursorEntry? {
        var foundKey = MDB_val()
        var foundValue = MDB_val()
        let rc = key.withBytes { keyBytes in
            value.withBytes { valueBytes in
                foundKey = MDB_val(bytes: keyBytes)
                foundValue = MDB_val(bytes: valueBytes)
                return mdb_cursor_get(handle, &foundKey, &foundValue, op)
            }
        }
        return try finish(rc, foundKey, foundValue)
    }

    @inline(__always)
    private func finish(_ rc: Int32, _ key: MDB_val, _ value: MDB_val) throws(LMDBError) -> CursorEntry? {
        if rc == MDB_NOTFOUND { return nil }
        try check(rc)
        return CursorEntry(key: key.buffer, value: value.buffer)
    }

    /// Moves to the first entry (`MDB_FIRST`).
    public func first() throws(LMDBError) -> CursorEntry? { try move(MDB_FIRST) }
    /// Moves to the last entry (`MDB_LAST`).
    public func last() throws(LMDBError) -> CursorEntry? { try move(MDB_LAST) }
    /// Moves to the next entry, including the next value of the same key (`MDB_NEXT`).
    public func next() throws(LMDBError) -> CursorEntry? { try move(MDB_NEXT) }
    /// Moves to the previous entry (`MDB_PREV`).
    public func previous() throws(LMDBError) -> CursorEntry? { try move(MDB_PREV) }
    /// The entry at the cursor (`MDB_GET_CURRENT`).
    public func current() throws(LMDBError) -> CursorEntry? { try move(MDB_GET_CURRENT) }
    /// Moves to the first value of the next key (`MDB_NEXT_NODUP`).
    public func nextKey() throws(LMDBError) -> CursorEntry? { try move(MDB_NEXT_NODUP) }
    /// Moves to the last value of the previous key (`MDB_PREV_NODUP`).
    public func previousKey() throws(LMDBError) -> CursorEntry? { try move(MDB_PREV_NODUP) }
    /// Moves to the next value of the current key only (`MDB_NEXT_DUP`).
    public func nextDuplicate() throws(LMDBError) -> CursorEntry? { try move(MDB_NEXT_DUP) }
    /// Moves to the previous value of the current key only (`MDB_PREV_DUP`).
    public func previousDuplicate() throws(LMDBError) -> CursorEntry? { try move(MDB_PREV_DUP) }
    // FIRST_DUP and LAST_DUP return only the value; the entry is re-read with current().

    /// Moves to the first value of the current key (`MDB_FIRST_DUP`).
    public func firstDuplicate() throws(LMDBError) -> CursorEntry? {
        try move(MDB_FIRST_DUP) == nil ? nil : current()
    }
    /// Moves to the last value of the current key (`MDB_LAST_DUP`).
    public func lastDuplicate() throws(LMDBError) -> CursorEntry? {
        try move(MDB_LAST_DUP) == nil ? nil : current()
    }

    /// Moves to `key` exactly (`MDB_SET_KEY`); `nil` when it is absent.
    public func seek(to key: some ByteRepresentable) throws(LMDBError) -> CursorEntry? {
        try move(MDB_SET_KEY, key: key)
    }

    /// Moves to the first key that sorts at or after `key` (`MDB_SET_RANGE`).
    public func seek(atOrAfter key: some ByteRepresentable) throws(LMDBError) -> CursorEntry? {
        try move(MDB_SET_RANGE, key: key)
    }

    /// Moves to the exact `key`/`value` pair of a sorted-duplicates database
    /// (`MDB_GET_BOTH`).
    public func seek(to key: some ByteRepresentable, value: some ByteRepresentable) throws(LMDBError)
        -> CursorEntry?
    {
        try move(MDB_GET_BOTH, key: key, value: value) == nil ? nil : current()
    }

    /// Moves to `key` and its first value at or after `value` (`MDB_GET_BOTH_RANGE`).
    public func seek(to key: some ByteRepresentable, valueAtOrAfter value: some ByteRepresentable)
        throws(LMDBError) -> CursorEntry?
    {
        try move(MDB_GET_BOTH_RANGE, key: key, value: value) == nil ? nil : current()
    }

    /// How many values the current key holds (`mdb_cursor_count`); 1 outside
    /// sorted-duplicates databases.
    public func duplicateCount() throws(LMDBError) -> Int {
        var count = 0
        try check(mdb_cursor_count(handle, &count))
        return count
    }

    /// Stores `value` under `key` and leaves the cursor there (`mdb_cursor_put`).
    public func put(
        _ value: some ByteRepresentable, forKey key: some ByteRepresentable, flags: PutFlags = []
    ) throws(LMDBError) {
        let rc = key.withBytes { keyBytes in
            value.withBytes { valueBytes in
                var keyVal = MDB_val(bytes: keyBytes)
                var valueVal = MDB_val(bytes: valueBytes)
                return mdb_cursor_put(handle, &keyVal, &valueVal, flags.rawValue)
            }
        }
        try Transaction.checkWrite(rc, poison: poison)
    }

    /// Deletes the entry at the cursor, or with `allDuplicates` every value of its key
    /// (`mdb_cursor_del`). The cursor then sits on the following entry: call ``current()``.
    public func deleteCurrent(allDuplicates: Bool = false) throws(LMDBError) {
        try Transaction.checkWrite(
            mdb_cursor_del(handle, allDuplicates ? UInt32(MDB_NODUPDATA) : 0), poison: poison)
    }
}

extension Transaction {
    /// Opens a cursor on `database` for the duration of `body` (`mdb_cursor_open`,
    /// `mdb_cursor_close`).
    public func withCursor<R>(on database: Database, _ body: (borrowing Cursor) throws -> R) throws -> R {
        var raw: OpaquePointer?
        try check(mdb_cursor_open(handle, database.dbi, &raw))
        defer { mdb_cursor_close(raw) }
        // Bound to a constant first: passing the initializer's result straight to `body`
        // crashes the Swift 6.3 optimizer in whole-module builds.
        let cursor = Cursor(handle: raw!, transaction: handle, database: database, poison: poison)
        return try body(cursor)
    }
}
