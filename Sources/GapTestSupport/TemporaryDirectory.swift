import Foundation

/// A fresh, private directory under the system's temporary folder for one test.
///
/// Removed (with everything in it) when `body` returns or throws.
///
/// ```swift
/// try withTemporaryDirectory { path in
///     let env = try Environment(path: path + "/store")
///     …
/// }
/// ```
public func withTemporaryDirectory<R>(
    _ body: (_ path: String) throws -> R
) throws -> R {
    let path = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// The `async` form of ``withTemporaryDirectory(_:)``.
public func withTemporaryDirectory<R>(
    _ body: (_ path: String) async throws -> R
) async throws -> R {
    let path = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

/// Creates a uniquely named directory with mode 0700 (`mkdtemp`).
public func makeTemporaryDirectory() throws -> String {
    var template = Array((NSTemporaryDirectory() + "/gapsearch-test-XXXXXX").utf8CString)
    guard let created = mkdtemp(&template) else {
        throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
    }
    return String(cString: created)
}
