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
        try withUnsafeBytesTyped(self, body)
    }
}

extension ContiguousArray: ByteRepresentable where Element == UInt8 {
    @inlinable
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try withUnsafeBytesTyped(self, body)
    }
}

extension ArraySlice: ByteRepresentable where Element == UInt8 {
    @inlinable
    public func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        try withUnsafeBytesTyped(self, body)
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
        return try copy.withUTF8 { utf8 in
            Result { () throws(E) -> R in try body(UnsafeRawBufferPointer(utf8)) }
        }.get()
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

/// `withUnsafeBytes` on the standard collections is `rethrows`, which erases a typed error;
/// this keeps it. Arrays and slices always have contiguous storage.
@inlinable
func withUnsafeBytesTyped<C: Collection, R, E: Error>(
    _ collection: C, _ body: (UnsafeRawBufferPointer) throws(E) -> R
) throws(E) -> R where C.Element == UInt8 {
    let result = collection.withContiguousStorageIfAvailable { storage in
        Result { () throws(E) -> R in try body(UnsafeRawBufferPointer(storage)) }
    }
    return try result!.get()
}
