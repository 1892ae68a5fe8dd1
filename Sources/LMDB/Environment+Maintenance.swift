internal import CLMDB

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The state of an environment as a whole (`mdb_env_info` and `mdb_env_stat`).
public struct EnvironmentInfo: Sendable, Hashable {
    /// Current size of the memory map in bytes.
    public let mapSize: Int
    /// Size of a page in bytes.
    public let pageSize: Int
    /// Number of the last page in use; the data file holds `lastPageNumber + 1` pages.
    public let lastPageNumber: Int
    /// Id of the last committed transaction.
    public let lastTransactionID: Int
    /// Reader slots the lock file holds.
    public let maxReaders: Int
    /// Read transactions open right now, in any process (from `mdb_reader_list`).
    public let readersInUse: Int
    /// Shape and entry count of the main database (one entry per named database, plus any
    /// keys stored in the main database itself).
    public let mainDatabase: DatabaseStatistics

    /// Bytes of the map in use: `(lastPageNumber + 1) * pageSize`.
    public var usedBytes: Int { (lastPageNumber + 1) * pageSize }
}

extension Environment {
    /// The map size, page use, last transaction and readers right now.
    /// Wraps `mdb_env_info` and `mdb_env_stat`.
    public func info() throws(LMDBError) -> EnvironmentInfo {
        // Hold the map lock shared so the map size does not change underneath.
        try withRawTransaction(readOnly: true) { (_) throws(LMDBError) in
            var stat = MDB_stat()
            try check(mdb_env_stat(handle, &stat))
            let info = rawInfo()
            return EnvironmentInfo(
                mapSize: info.me_mapsize, pageSize: Int(stat.ms_psize),
                lastPageNumber: info.me_last_pgno, lastTransactionID: info.me_last_txnid,
                maxReaders: Int(info.me_maxreaders), readersInUse: activeReaders(),
                mainDatabase: DatabaseStatistics(stat))
        }
    }

    /// Counts the reader table's live entries. `mdb_reader_list` prints a header line and
    /// then one line per reader (pid, thread, snapshot id); idle slots are not listed.
    private func activeReaders() -> Int {
        var lines = 0
        _ = withUnsafeMutablePointer(to: &lines) { counter in
            mdb_reader_list(handle, { message, context in
                guard let message, let context else { return 0 }
                let line = String(cString: message).drop(while: { $0 == " " })
                if line.first?.isNumber == true {
                    context.assumingMemoryBound(to: Int.self).pointee += 1
                }
                return 0
            }, counter)
        }
        // Our own transaction (held to read a stable map size) is one of them.
        return max(0, lines - 1)
    }

    /// Writes a consistent copy of the environment to the new directory `destination` while
    /// readers and writers go on (`mdb_env_copy2`).
    ///
    /// The copy holds exactly one committed state: the last one committed when the copy began.
    /// It is written under a temporary name, flushed to disk and then renamed, so
    /// `destination` either does not exist or holds a complete copy.
    ///
    /// - Parameters:
    ///   - destination: A directory that must not exist yet; created with mode 0700.
    ///   - compact: Omit free pages and renumber pages sequentially (`MDB_CP_COMPACT`): a
    ///     smaller copy, slower to make.
    /// - Throws: ``LMDBError/fileExists`` when `destination` exists, or the error of the copy
    ///   (nothing is left behind on failure).
    public func backup(to destination: String, compact: Bool = true) throws(LMDBError) {
        var status = stat()
        if stat(destination, &status) == 0 {
            throw LMDBError.fileExists.adding(detail: "backup destination \(destination) already exists")
        }
        let temporary = destination + ".partial-\(getpid())"
        if mkdir(temporary, 0o700) != 0 {
            throw LMDBError(code: errno, detail: "creating \(temporary)")
        }
        do throws(LMDBError) {
            try withRawTransaction(readOnly: true) { (_) throws(LMDBError) in
                // The copy opens its own read transaction; holding ours keeps the map lock
                // shared for its whole duration.
                try check(mdb_env_copy2(handle, temporary, compact ? UInt32(MDB_CP_COMPACT) : 0))
            }
            try fsyncPath(temporary + "/data.mdb")
            try fsyncPath(temporary)
            if rename(temporary, destination) != 0 {
                throw LMDBError(code: errno, detail: "renaming \(temporary) to \(destination)")
            }
            try fsyncPath(parentDirectory(of: destination))
        } catch {
            unlink(temporary + "/data.mdb")
            rmdir(temporary)
            throw error
        }
    }
}

/// Flushes a file or directory to disk.
private func fsyncPath(_ path: String) throws(LMDBError) {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw LMDBError(code: errno, detail: "opening \(path) to flush it") }
    defer { close(fd) }
    if fsync(fd) != 0 { throw LMDBError(code: errno, detail: "flushing \(path)") }
}

private func parentDirectory(of path: String) -> String {
    var trimmed = Substring(path)
    while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
    guard let slash = trimmed.lastIndex(of: "/") else { return "." }
    return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
}
