/// What the index knows about one gap: its text, and the attributes searches filter on.
public struct IndexDocument: Sendable, Hashable {
    /// A hash of everything the index stores about the document: two documents with the
    /// same hash index the same way. `verify` compares stored hashes with the records'.
    public var contentHash: UInt64 {
        // FNV-1a over each field's bytes, each field closed by a 0xFF step. Plain loops over
        // an `inout` hash: nested functions capturing it cost an exclusivity check per call.
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        Self.mix(title, into: &hash)
        Self.mix(description, into: &hash)
        Self.mix(id, into: &hash)
        Self.mix(attributes.status, into: &hash)
        Self.mix(attributes.category, into: &hash)
        Self.mix(attributes.team, into: &hash)
        Self.mix(attributes.createdAt, into: &hash)
        Self.mix(UInt8(attributes.merged ? 1 : 0), into: &hash)
        return hash
    }

    @inline(__always)
    private static func mix(_ bytes: UnsafeBufferPointer<UInt8>, into hash: inout UInt64) {
        var h = hash
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        hash = (h ^ 0xFF) &* 0x0000_0100_0000_01B3
    }

    private static func mix(_ text: String, into hash: inout UInt64) {
        var copy = text
        copy.withUTF8 { mix($0, into: &hash) }
    }

    /// An integer's little-endian bytes.
    private static func mix<T: FixedWidthInteger>(_ value: T, into hash: inout UInt64) {
        var h = hash
        for i in 0..<MemoryLayout<T>.size { h = (h ^ UInt64(UInt8(truncatingIfNeeded: value >> (8 * i)))) &* 0x0000_0100_0000_01B3 }
        hash = (h ^ 0xFF) &* 0x0000_0100_0000_01B3
    }

    /// The gap's number (`GAP-000123` is 123).
    public var id: UInt64
    public var title: String
    public var description: String
    public var attributes: DocumentAttributes

    public init(id: UInt64, title: String, description: String, attributes: DocumentAttributes = DocumentAttributes()) {
        self.id = id
        self.title = title
        self.description = description
        self.attributes = attributes
    }
}

/// Filterable attributes of an indexed gap. Values are opaque codes chosen by the store
/// (a status code, a category id, a hash of the team name).
public struct DocumentAttributes: Sendable, Hashable {
    public var status: UInt8
    public var category: UInt32
    public var team: UInt64
    /// Whether the gap was merged into another; merged gaps are excluded unless asked for.
    public var merged: Bool
    /// Creation time in milliseconds since 1970, for a recency prior.
    public var createdAt: Int64

    public init(status: UInt8 = 0, category: UInt32 = 0, team: UInt64 = 0, merged: Bool = false, createdAt: Int64 = 0) {
        self.status = status
        self.category = category
        self.team = team
        self.merged = merged
        self.createdAt = createdAt
    }
}

/// The two indexed fields.
public enum Field: Int, Sendable, CaseIterable, CustomStringConvertible {
    case title = 0
    case description = 1

    public var description: String { self == .title ? "title" : "description" }
}
