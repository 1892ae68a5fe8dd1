import Testing

@testable import GapStore

/// Stored strings: ASCII text is read without the generic UTF-8 validation, so the ASCII check
/// must see every byte — in the eight-byte words and in the tail after them.
@Suite struct BinaryCodecTests {
    /// Writes `bytes` as a stored string and reads it back.
    static func roundTrip(_ bytes: [UInt8]) throws -> String {
        var writer = BinaryWriter()
        writer.write(varint: bytes.count)
        for byte in bytes { writer.write(byte) }
        return try writer.bytes.withUnsafeBytes { raw in
            var reader = BinaryReader(raw, what: "test")
            return try reader.readString()
        }
    }

    @Test func stringsOfEveryLengthRoundTrip() throws {
        for length in 0...40 {
            let ascii = String((0..<length).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) })
            #expect(try Self.roundTrip(Array(ascii.utf8)) == ascii)
            // A two-byte character at every position.
            for position in 0...length {
                var text = ascii
                text.insert("é", at: text.index(text.startIndex, offsetBy: position))
                #expect(try Self.roundTrip(Array(text.utf8)) == text)
            }
        }
    }

    @Test func invalidUTF8AnywhereIsACorruptRecord() {
        for length in 1...40 {
            for position in 0..<length {
                var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                bytes[position] = 0xFF
                let error = #expect(throws: GapStoreError.self, "0xFF at \(position) of \(length)") { _ = try Self.roundTrip(bytes) }
                #expect(error?.code == .corruptRecord)
            }
        }
    }
}
