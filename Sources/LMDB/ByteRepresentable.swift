/// A value whose bytes can be handed to LMDB as a key or a data item without copying.
///
/// Conforming types lend their contiguous bytes for the duration of `body`. The library
/// provides conformances for byte arrays, strings (their UTF-8 bytes), raw buffers and
/// unsigned integers (in **native** byte order, which is what `MDB_INTEGERKEY` databases
/// compare; for byte-ordered keys encode integers big-endian yourself).
public protocol ByteRepresentable {
    /// Calls `body` with this value's bytes; the buffer is valid only during the call.
    func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R
}

extension Array: ByteRepresentable where Element == UInt8 {
    @inlinable
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try keepingErrorType(E.self) { try withUnsafeBytes { try body($0) } }
    }
}

extension ContiguousArray: ByteRepresentable where Element == UInt8 {
    @inlinable
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try keepingErrorType(E.self) { try withUnsafeBytes { try body($0) } }
    }
}

extension ArraySlice: ByteRepresentable where Element == UInt8 {
    @inlinable
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try keepingErrorType(E.self) { try withUnsafeBytes { try body($0) } }
    }
}

extension UnsafeRawBufferPointer: ByteRepresentable {
    @inlinable
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try body(self)
    }
}

extension String: ByteRepresentable {
    /// Lends the string's UTF-8 bytes (no terminating NUL).
    @inlinable
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        var copy = self
        return try keepingErrorType(E.self) { try copy.withUTF8 { try body(UnsafeRawBufferPointer($0)) } }
    }
}

extension UInt32: ByteRepresentable {
    /// Lends the integer's 4 bytes in native byte order (for `MDB_INTEGERKEY` databases).
    @inlinable
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        var value = self
        return try withUnsafeBytes(of: &value) { (raw) throws(E) -> R in try body(raw) }
    }
}

extension UInt64: ByteRepresentable {
    /// Lends the integer's 8 bytes in native byte order (for `MDB_INTEGERKEY` databases).
    @inlinable
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        var value = self
        return try withUnsafeBytes(of: &value) { (raw) throws(E) -> R in try body(raw) }
    }
}

/// Runs `call`, which throws only what a closure throwing `E` throws, keeping the error's
/// type: `withUnsafeBytes` on the standard collections is `rethrows`, which erases it.
///
/// (Not through `Result` or an optional: where the caller is not specialized — a generic
/// `some ByteRepresentable` parameter of a function in another module — each of those is a
/// runtime type lookup per call, which was 2% of a duplicate check's time.)
@inlinable
func keepingErrorType<R, E: Error>(_ type: E.Type, _ call: () throws -> R) throws(E) -> R {
    do {
        return try call()
    } catch {
        throw error as! E
    }
}
