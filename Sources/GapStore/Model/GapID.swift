/// A gap's stable, human-friendly id: `GAP-` and a zero-padded sequence number
/// (`GAP-000123`). Numbers are never reused, even after a gap is merged.
public struct GapID: Hashable, Comparable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    /// The sequence number (1, 2, …).
    public let number: UInt64

    /// The id with this sequence number.
    public init(_ number: UInt64) { self.number = number }

    /// Parses `GAP-000123`, `gap-123` or `123`.
    public init?(_ text: String) {
        guard let number = parseSequenceID(text, prefix: "GAP-") else { return nil }
        self.number = number
    }

    public var description: String { formatSequenceID(prefix: "GAP-", number) }

    public static func < (lhs: GapID, rhs: GapID) -> Bool { lhs.number < rhs.number }
}

/// A submission's id: `SUB-` and a zero-padded sequence number.
public struct SubmissionID: Hashable, Comparable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    /// The sequence number (1, 2, …).
    public let number: UInt64

    /// The id with this sequence number.
    public init(_ number: UInt64) { self.number = number }

    /// Parses `SUB-000042`, `sub-42` or `42`.
    public init?(_ text: String) {
        guard let number = parseSequenceID(text, prefix: "SUB-") else { return nil }
        self.number = number
    }

    public var description: String { formatSequenceID(prefix: "SUB-", number) }

    public static func < (lhs: SubmissionID, rhs: SubmissionID) -> Bool { lhs.number < rhs.number }
}

func formatSequenceID(prefix: String, _ number: UInt64) -> String {
    let digits = String(number)
    return prefix + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
}

func parseSequenceID(_ text: String, prefix: String) -> UInt64? {
    var body = Substring(text.trimmingWhitespace())
    if body.uppercased().hasPrefix(prefix) { body = body.dropFirst(prefix.count) }
    guard !body.isEmpty, body.count <= 19, body.allSatisfy({ $0.isASCII && $0.isNumber }),
        let number = UInt64(body), number > 0
    else { return nil }
    return number
}

extension StringProtocol {
    /// The text without leading and trailing white space (spaces, tabs, newlines).
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
            let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}
