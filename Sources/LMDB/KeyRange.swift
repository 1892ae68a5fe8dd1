internal import CLMDB

/// A range of keys to scan, in the database's own key order.
///
/// Bounds are byte strings compared with the database's comparator (`mdb_cmp`), so the same
/// range works for byte-ordered, reverse-key and integer-key databases.
public struct KeyRange: Sendable, Hashable {
    /// The first key included, or `nil` to start at the first key.
    public var lower: [UInt8]?
    /// The end of the range, or `nil` to run to the last key.
    public var upper: [UInt8]?
    /// Whether ``upper`` itself is included.
    public var includesUpper: Bool

    /// A range from `lower` (included) to `upper` (excluded unless `includesUpper`).
    public init(from lower: [UInt8]? = nil, to upper: [UInt8]? = nil, includesUpper: Bool = false) {
        self.lower = lower
        self.upper = upper
        self.includesUpper = includesUpper
    }

    /// Every key.
    public static let all = KeyRange()

    /// Every key that starts with `prefix` (byte-ordered databases).
    public static func prefix(_ prefix: some ByteRepresentable) -> KeyRange {
        let bytes = prefix.withBytes { Array($0) }
        // The smallest key greater than every key with the prefix: drop trailing 0xFF bytes and
        // increment the last remaining byte; a prefix of only 0xFF bytes has no such key.
        var end = bytes
        while let last = end.last, last == 0xFF { end.removeLast() }
        if end.isEmpty { return KeyRange(from: bytes) }
        end[end.count - 1] += 1
        return KeyRange(from: bytes, to: end)
    }
}

/// Whether a scan goes on after an entry.
public enum ScanControl: Sendable {
    /// Visit the next entry.
    case proceed
    /// End the scan.
    case stop
}

extension Transaction {
    /// Visits the entries of `database` whose keys lie in `range`, in key order or, with
    /// `reverse`, from the last key down. In a sorted-duplicates database every value is
    /// visited (in value order, reversed with `reverse`).
    ///
    /// The buffers passed to `body` point into the map and are valid only during the call.
    ///
    /// - Complexity: O(log n) to find the start, then O(1) amortised per entry.
    public func scan(
        _ database: Database, range: KeyRange = .all, reverse: Bool = false,
        _ body: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) throws -> ScanControl
    ) throws {
        try withCursor(on: database) { cursor in
            var entry = reverse ? try seekLast(cursor, range, database) : try seekFirst(cursor, range)
            while let current = entry {
                if reverse {
                    if let lower = range.lower, compareKeys(current.key, lower, database) < 0 { return }
                } else if let upper = range.upper {
                    let order = compareKeys(current.key, upper, database)
                    if order > 0 || (order == 0 && !range.includesUpper) { return }
                }
                if try body(current.key, current.value) == .stop { return }
                entry = reverse ? try cursor.previous() : try cursor.next()
            }
        }
    }

    private func seekFirst(_ cursor: borrowing Cursor, _ range: KeyRange) throws(LMDBError) -> CursorEntry? {
        if let lower = range.lower { return try cursor.seek(atOrAfter: lower) }
        return try cursor.first()
    }

    private func seekLast(_ cursor: borrowing Cursor, _ range: KeyRange, _ database: Database)
        throws(LMDBError) -> CursorEntry?
    {
        guard let upper = range.upper else { return try cursor.last() }
        guard let atOrAfter = try cursor.seek(atOrAfter: upper) else { return try cursor.last() }
        if range.includesUpper && compareKeys(atOrAfter.key, upper, database) == 0 {
            // Start from the last value of the bound key itself.
            guard database.flags.contains(.duplicateSort) else { return atOrAfter }
            return try cursor.lastDuplicate() ?? atOrAfter
        }
        return try cursor.previous()
    }

    private func compareKeys(_ a: UnsafeRawBufferPointer, _ b: [UInt8], _ database: Database) -> Int {
        compareKeys(a, b, in: database)
    }
}
