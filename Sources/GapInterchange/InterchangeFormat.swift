/// The file formats gaps and submissions are imported from and exported to.
public enum InterchangeFormat: String, Sendable, Hashable, CaseIterable {
    /// Comma-separated values with a header row (RFC 4180 quoting), UTF-8.
    case csv
    /// JSON lines: one JSON object per line, UTF-8.
    case jsonl

    /// The format a file name's extension suggests: `.csv`, or `.jsonl` / `.ndjson` / `.json`.
    public init?(path: String) {
        let lowercased = path.lowercased()
        if lowercased.hasSuffix(".csv") {
            self = .csv
        } else if lowercased.hasSuffix(".jsonl") || lowercased.hasSuffix(".ndjson") || lowercased.hasSuffix(".json") {
            self = .jsonl
        } else {
            return nil
        }
    }
}

/// What the records of a file are.
public enum RecordKind: String, Sendable, Hashable, CaseIterable {
    case gaps
    case submissions

    /// The fields of this kind, in export order.
    public var fields: [InterchangeField] {
        switch self {
        case .gaps: InterchangeField.gapFields
        case .submissions: InterchangeField.submissionFields
        }
    }

    /// The field with this canonical name.
    func field(named name: String) -> InterchangeField? { fields.first { $0.name == name } }
}

/// One field of an import or export record: its canonical name (the CSV header and JSON key
/// that exports write) and the other header names imports recognise.
public struct InterchangeField: Sendable, Hashable {
    /// The canonical name, such as `title` or `account_name`.
    public let name: String
    /// Other column names that map to it by default, compared ignoring case, spaces,
    /// underscores and hyphens (`Account Name`, `account-name`).
    public let aliases: [String]
    /// What the field holds, for help text.
    public let summary: String

    /// Header names are compared in this form: lowercase letters and digits only.
    static func normalized(_ header: String) -> String {
        String(header.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) })
    }

    /// Every normalized name that maps to this field.
    var matchingNames: Set<String> { Set(([name] + aliases).map(Self.normalized)) }

    static let gapFields: [InterchangeField] = [
        .init(name: "id", aliases: ["key", "gap id", "issue key", "record id"],
              summary: "the record's id in the source system; with external_id empty, the key that makes re-imports idempotent"),
        .init(name: "external_id", aliases: ["external id", "externalid"],
              summary: "the id the gap was imported under (exports write it); when set, the idempotency key"),
        .init(name: "title", aliases: ["summary", "subject", "name"], summary: "one line, 1–300 characters (required)"),
        .init(name: "description", aliases: ["body", "details"], summary: "up to 64 KiB"),
        .init(name: "category", aliases: ["product"], summary: "a category of the store's taxonomy"),
        .init(name: "subcategory", aliases: ["component", "sub category"], summary: "a subcategory of the category"),
        .init(name: "team", aliases: ["owning team", "owner team"], summary: "the owning team"),
        .init(name: "status", aliases: ["state"], summary: "one of the seven statuses; empty for Open"),
        .init(name: "created", aliases: ["created at", "created date", "creation date", "date created"],
              summary: "ISO 8601 time or YYYY-MM-DD; empty for now"),
        .init(name: "created_by", aliases: ["created by", "creator", "author", "reporter"], summary: "who created it; empty for the importer"),
        .init(name: "link", aliases: ["github issue", "issue url", "issue link"], summary: "a GitHub issue URL"),
        .init(name: "merged_into", aliases: ["merged into"], summary: "the key of the gap this one was merged into"),
    ]

    static let submissionFields: [InterchangeField] = [
        .init(name: "id", aliases: ["key", "submission id", "record id"],
              summary: "the record's id in the source system; with external_id empty, the key that makes re-imports idempotent"),
        .init(name: "external_id", aliases: ["external id", "externalid"],
              summary: "the id the submission was imported under (exports write it); when set, the idempotency key"),
        .init(name: "gap", aliases: ["gap id", "gap key", "product gap", "feature request"],
              summary: "the gap: the key it was imported under, or its gapsearch id (required)"),
        .init(name: "account", aliases: ["account id", "customer id"], summary: "the customer's CRM account id; empty for internal feedback"),
        .init(name: "account_name", aliases: ["account name", "customer", "customer name"], summary: "creates or renames the account"),
        .init(name: "opportunity", aliases: ["opportunity id", "opp id"], summary: "the customer's opportunity id"),
        .init(name: "opportunity_kind", aliases: ["opportunity kind", "opportunity type"], summary: "net-new or renewal (records the opportunity)"),
        .init(name: "amount", aliases: ["opportunity amount"], summary: "the opportunity amount in major units, e.g. 25000.50"),
        .init(name: "currency", aliases: ["amount currency"], summary: "ISO 4217; must be the store's"),
        .init(name: "close_date", aliases: ["close date", "opportunity close date"], summary: "YYYY-MM-DD"),
        .init(name: "severity", aliases: ["impact level"], summary: "blocker, high, medium or low (required)"),
        .init(name: "impact", aliases: ["business impact"], summary: "the true level of impact, in words"),
        .init(name: "workaround", aliases: ["current workaround"], summary: "the workaround; `none` for none, empty if unknown"),
        .init(name: "context", aliases: ["notes", "comments"], summary: "anything else"),
        .init(name: "submitter", aliases: ["submitted by"], summary: "who filed it; empty for the importer"),
        .init(name: "anonymous", aliases: [], summary: "true to store nothing that identifies the submitter"),
        .init(name: "created", aliases: ["created at", "submitted at", "created date"], summary: "ISO 8601 time or YYYY-MM-DD; empty for now"),
    ]
}
