import GapTestSupport
import LMDB

/// Bytes of a string, for readable test data.
func bytes(_ string: String) -> [UInt8] { Array(string.utf8) }

/// A string from bytes, for readable assertions.
func text(_ bytes: [UInt8]?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

/// An 8-byte big-endian key: sorts numerically under LMDB's default byte order.
func bigEndianKey(_ value: UInt64) -> [UInt8] {
    withUnsafeBytes(of: value.bigEndian) { Array($0) }
}

/// A native-order UInt64 read from stored bytes.
func loadUInt64(_ bytes: [UInt8]) -> UInt64 {
    bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
}

/// Opens a fresh environment in a temporary directory for the duration of `body`.
@discardableResult
func withEnvironment<R>(
    _ options: Environment.Options = .init(),
    _ body: (Environment, _ path: String) throws -> R
) throws -> R {
    try withTemporaryDirectory { directory in
        let path = directory + "/env"
        let env = try Environment(path: path, options: options)
        return try body(env, path)
    }
}

/// Every key/value pair of `database` in key order, copied.
func contents(of database: Database, in env: Environment) throws -> [(key: [UInt8], value: [UInt8])] {
    try env.read { txn in
        var entries: [(key: [UInt8], value: [UInt8])] = []
        try txn.scan(database) { key, value in
            entries.append((Array(key), Array(value)))
            return .proceed
        }
        return entries
    }
}

/// An error a test throws on purpose.
struct Expected: Error, Equatable {}
