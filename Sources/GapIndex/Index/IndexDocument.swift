/// What the index knows about one gap: its text, and the attributes searches filter on.
public struct IndexDocument: Sendable, Hashable {
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
