internal import CLMDB

/// A handle to a named database (LMDB's `MDB_dbi`) inside an ``Environment``.
///
/// Get one from ``Environment/openDatabase(named:flags:)``; handles are cheap values, valid for
/// the life of their environment and usable from any thread and in any transaction.
public struct Database: Sendable, Hashable {
    let dbi: MDB_dbi
    /// The database's name, or `nil` for the environment's unnamed main database.
    public let name: String?
    /// The flags the database was opened with (``DatabaseFlags/create`` excluded).
    public let flags: DatabaseFlags

    init(dbi: MDB_dbi, name: String?, flags: DatabaseFlags) {
        self.dbi = dbi
        self.name = name
        self.flags = flags.subtracting(.create)
    }
}

/// How a database orders and stores its entries (the `flags` of `mdb_dbi_open`).
///
/// The ordering flags are fixed when a database is created; opening it later with different
/// ones fails with ``LMDBError/incompatible``.
public struct DatabaseFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `MDB_REVERSEKEY`: compare keys from their last byte to their first.
    public static let reverseKey = DatabaseFlags(rawValue: UInt32(MDB_REVERSEKEY))
    /// `MDB_DUPSORT`: a key may hold several values, kept sorted.
    public static let duplicateSort = DatabaseFlags(rawValue: UInt32(MDB_DUPSORT))
    /// `MDB_INTEGERKEY`: keys are native-order `UInt32` or `UInt64`, compared as integers.
    public static let integerKey = DatabaseFlags(rawValue: UInt32(MDB_INTEGERKEY))
    /// `MDB_DUPFIXED`: with ``duplicateSort``, every value of the database has the same size.
    public static let duplicateFixed = DatabaseFlags(rawValue: UInt32(MDB_DUPFIXED))
    /// `MDB_INTEGERDUP`: with ``duplicateSort``, values are native-order integers.
    public static let integerDuplicate = DatabaseFlags(rawValue: UInt32(MDB_INTEGERDUP))
    /// `MDB_REVERSEDUP`: with ``duplicateSort``, compare values from their last byte.
    public static let reverseDuplicate = DatabaseFlags(rawValue: UInt32(MDB_REVERSEDUP))
    /// The flags stored with a database (every one but ``create``).
    static let persistent: DatabaseFlags = [
        .reverseKey, .duplicateSort, .integerKey, .duplicateFixed, .integerDuplicate, .reverseDuplicate,
    ]

    /// `MDB_CREATE`: create the database if it does not exist.
    public static let create = DatabaseFlags(rawValue: UInt32(MDB_CREATE))
}

/// How ``Transaction/put(_:forKey:in:flags:)`` treats an existing entry (the `flags` of
/// `mdb_put`).
public struct PutFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `MDB_NOOVERWRITE`: fail with ``LMDBError/keyExists`` if the key is present.
    public static let noOverwrite = PutFlags(rawValue: UInt32(MDB_NOOVERWRITE))
    /// `MDB_NODUPDATA`: in a ``DatabaseFlags/duplicateSort`` database, fail with
    /// ``LMDBError/keyExists`` if this exact key/value pair is present.
    public static let noDuplicateData = PutFlags(rawValue: UInt32(MDB_NODUPDATA))
    /// `MDB_APPEND`: the key sorts after every key present; a fast bulk-load path that fails
    /// with ``LMDBError/keyExists`` when the order is wrong.
    public static let append = PutFlags(rawValue: UInt32(MDB_APPEND))
    /// `MDB_APPENDDUP`: as ``append``, for the values of one key in a sorted-duplicates
    /// database.
    public static let appendDuplicate = PutFlags(rawValue: UInt32(MDB_APPENDDUP))
}

/// Entry counts and B-tree shape of one database (LMDB's `MDB_stat`).
public struct DatabaseStatistics: Sendable, Hashable {
    /// Size of a database page in bytes.
    public let pageSize: Int
    /// Depth of the B-tree.
    public let depth: Int
    /// Internal (non-leaf) pages.
    public let branchPages: Int
    /// Leaf pages.
    public let leafPages: Int
    /// Overflow pages, used by values larger than about half a page.
    public let overflowPages: Int
    /// Number of entries (every value of a sorted-duplicates key counts).
    public let entries: Int

    init(_ stat: MDB_stat) {
        pageSize = Int(stat.ms_psize)
        depth = Int(stat.ms_depth)
        branchPages = stat.ms_branch_pages
        leafPages = stat.ms_leaf_pages
        overflowPages = stat.ms_overflow_pages
        entries = stat.ms_entries
    }

    /// Bytes held by the database's pages.
    public var bytes: Int { (branchPages + leafPages + overflowPages) * pageSize }
}
