/// Appends fields to a compact binary record: LEB128 varints, zigzag for signed values and
/// length-prefixed UTF-8 strings. Records start with a format version byte so that their
/// layout can evolve (see `RecordCodecs.swift`).
struct BinaryWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    mutating func write(_ value: UInt8) { bytes.append(value) }

    mutating func write(varint value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func write(varint value: Int) { write(varint: UInt64(value)) }

    mutating func write(signed value: Int64) {
        write(varint: UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func write(_ string: String) {
        var copy = string
        copy.withUTF8 { utf8 in
            write(varint: utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    /// An optional string: a presence byte, then the string.
    mutating func write(_ string: String?) {
        write(string != nil)
        if let string { write(string) }
    }

    mutating func write(optionalVarint value: UInt64?) {
        write(value != nil)
        if let value { write(varint: value) }
    }
}

/// Reads what ``BinaryWriter`` wrote; every read checks bounds and throws
/// ``GapStoreError/Code/corruptRecord`` instead of trapping on damaged bytes.
struct BinaryReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0
    private let what: StaticString

    init(_ bytes: UnsafeRawBufferPointer, what: StaticString) {
        self.bytes = bytes
        self.what = what
    }

    var isAtEnd: Bool { offset == bytes.count }

    private func corrupt(_ reason: String) -> GapStoreError {
        GapStoreError(.corruptRecord, "a stored \(what) record is damaged (\(reason) at byte \(offset)); run `gapsearch verify`")
    }

    mutating func readByte() throws(GapStoreError) -> UInt8 {
        guard offset < bytes.count else { throw corrupt("truncated") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readVarint() throws(GapStoreError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            guard shift < 64 else { throw corrupt("varint too long") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func readInt() throws(GapStoreError) -> Int {
        let value = try readVarint()
        guard value <= UInt64(Int.max) else { throw corrupt("integer out of range") }
        return Int(value)
    }

    mutating func readSigned() throws(GapStoreError) -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    mutating func readBool() throws(GapStoreError) -> Bool {
        switch try readByte() {
        case 0: return false
        case 1: return true
        default: throw corrupt("invalid boolean")
        }
    }

    mutating func readString() throws(GapStoreError) -> String {
        let count = try readInt()
        guard count <= bytes.count - offset else { throw corrupt("string runs past the end") }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
        offset += count
        // ASCII, most text, is valid UTF-8 as it is: checked a word at a time it needs no
        // generic validation, whose runtime type lookups were a tenth of loading a gap.
        let string = isASCII(slice) ? String(decoding: slice, as: UTF8.self) : String(validating: slice, as: UTF8.self)
        guard let string else { throw corrupt("invalid UTF-8") }
        return string
    }

    mutating func readOptionalString() throws(GapStoreError) -> String? {
        try readBool() ? try readString() : nil
    }

    mutating func readOptionalVarint() throws(GapStoreError) -> UInt64? {
        try readBool() ? try readVarint() : nil
    }

    /// Reads the leading format version and checks that this build understands it.
    mutating func readVersion(supported: ClosedRange<UInt8>) throws(GapStoreError) -> UInt8 {
        let version = try readByte()
        guard supported.contains(version) else {
            throw GapStoreError(
                .schemaTooNew,
                "a stored \(what) record has format version \(version), newer than this gapsearch understands (\(supported.upperBound)); upgrade gapsearch")
        }
        return version
    }
}

/// Fixed-width big-endian integers for keys: they sort numerically under LMDB's byte order.
enum KeyBytes {
    static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// Signed values shifted so that negative numbers sort first.
    static func append(_ value: Int64, to bytes: inout [UInt8]) {
        append(UInt64(bitPattern: value) ^ (1 << 63), to: &bytes)
    }

    static func uint64(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    static func uint64(_ value: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        append(value, to: &bytes)
        return bytes
    }
}

/// Whether every byte is below 0x80 (read eight at a time).
func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var high: UInt64 = 0
    var offset = 0
    while offset + 8 <= bytes.count {
        high |= bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
    }
    while offset < bytes.count {
        high |= UInt64(bytes[offset])
        offset += 1
    }
    return high & 0x8080_8080_8080_8080 == 0
}
