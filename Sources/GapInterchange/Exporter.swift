internal import CSV
public import Foundation
public import GapStore

/// Exports gaps or submissions as CSV or JSON lines, in the shape ``Importer`` reads: an
/// export imports into an empty store with the same content.
///
/// Gaps are written in id order with `id` (the gapsearch id) and `external_id` (the key they
/// were imported under, if any); submissions name their gap by its key — the external id,
/// else the gapsearch id — and carry their account's name and opportunity, so that importing
/// them records those too.
///
/// ```swift
/// var output = Data()
/// try Exporter.export(.gaps, from: store, format: .csv) { output.append($0) }
/// ```
public enum Exporter {
    /// Streams the records to `write` in chunks, from one consistent snapshot of the store.
    ///
    /// - Returns: How many records were written.
    @discardableResult
    public static func export(
        _ kind: RecordKind, from store: GapStore, format: InterchangeFormat, to write: (Data) throws -> Void
    ) throws -> Int {
        try withoutActuallyEscaping(write) { write in try export(kind, from: store, format: format, sink: write) }
    }

    private static func export(
        _ kind: RecordKind, from store: GapStore, format: InterchangeFormat, sink write: @escaping (Data) throws -> Void
    ) throws -> Int {
        var sink = RecordSink(format: format, fields: kind.fields.map(\.name), write: write)
        let dates = DateCodec()
        try sink.begin()
        switch kind {
        case .gaps:
            try store.forEachGap { gap in
                var target: String?
                if let merged = gap.mergedInto { target = try store.gap(merged, followMerges: false).map(key) ?? merged.description }
                try sink.add(values(of: gap, mergedInto: target, dates))
            }
        case .submissions:
            var gapKeys: [GapID: String] = [:]
            var accountNames: [String: String] = [:]
            var opportunities: [String: Opportunity] = [:]
            try store.forEachSubmission { submission in
                if gapKeys[submission.gapID] == nil {
                    gapKeys[submission.gapID] = try store.gap(submission.gapID, followMerges: false).map(key) ?? submission.gapID.description
                }
                if let account = submission.accountID, accountNames[account] == nil {
                    accountNames[account] = try store.account(account)?.name ?? ""
                }
                if let id = submission.opportunityID, opportunities[id] == nil {
                    opportunities[id] = try store.opportunity(id)
                }
                try sink.add(values(
                    of: submission, gap: gapKeys[submission.gapID]!, accountName: submission.accountID.flatMap { accountNames[$0] },
                    opportunity: submission.opportunityID.flatMap { opportunities[$0] }, dates))
            }
        }
        try sink.finish()
        return sink.count
    }

    /// The key a gap is referred to by in files: the id it was imported under, else its own.
    static func key(_ gap: Gap) -> String { gap.externalID ?? gap.id.description }

    static func values(of gap: Gap, mergedInto: String?, _ dates: DateCodec) -> [String: String] {
        var values: [String: String] = [
            "id": gap.id.description, "title": gap.title, "description": gap.description, "status": gap.status.name,
            "created": dates.format(gap.createdAt), "created_by": gap.createdBy,
        ]
        values["external_id"] = gap.externalID
        values["category"] = gap.category
        values["subcategory"] = gap.subcategory
        values["team"] = gap.team
        values["link"] = gap.externalLink
        values["merged_into"] = mergedInto
        return values
    }

    static func values(of submission: Submission, gap: String, accountName: String?, opportunity: Opportunity?, _ dates: DateCodec) -> [String: String] {
        var values: [String: String] = [
            "id": submission.id.description, "gap": gap, "severity": submission.severity.rawValue,
            "impact": submission.impact, "context": submission.context, "anonymous": submission.isAnonymous ? "true" : "false",
            "created": dates.format(submission.createdAt),
        ]
        values["external_id"] = submission.externalID
        values["account"] = submission.accountID
        values["account_name"] = accountName.flatMap { $0.isEmpty ? nil : $0 }
        values["opportunity"] = submission.opportunityID
        if let opportunity {
            values["opportunity_kind"] = opportunity.kind.rawValue
            values["amount"] = InterchangeValue.formatMoney(opportunity.amount)
            values["currency"] = opportunity.currency
            values["close_date"] = dates.formatDay(opportunity.closeDate)
        }
        switch submission.workaround {
        case .unknown: break
        case .none: values["workaround"] = "none"
        case .described(let text): values["workaround"] = text
        }
        values["submitter"] = submission.submitter
        return values
    }
}

/// Buffers records and hands them to the caller's writer in chunks of about 1 MiB.
private struct RecordSink {
    let format: InterchangeFormat
    let fields: [String]
    let write: (Data) throws -> Void
    private(set) var count = 0
    private var buffer = Data()
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    init(format: InterchangeFormat, fields: [String], write: @escaping (Data) throws -> Void) {
        self.format = format
        self.fields = fields
        self.write = write
    }

    mutating func begin() throws {
        if format == .csv { try appendCSVRow(fields) }
    }

    mutating func add(_ values: [String: String]) throws {
        count += 1
        switch format {
        case .csv: try appendCSVRow(fields.map { values[$0] ?? "" })
        case .jsonl:
            buffer.append(try encoder.encode(values))
            buffer.append(0x0A)
        }
        if buffer.count >= 1 << 20 {
            try write(buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }

    mutating func finish() throws {
        if !buffer.isEmpty { try write(buffer) }
        buffer = Data()
    }

    /// One CSV row through CSV.swift's writer (quoting as RFC 4180 requires), ended by LF.
    private mutating func appendCSVRow(_ row: [String]) throws {
        let stream = OutputStream(toMemory: ())
        stream.open()
        defer { stream.close() }
        try CSVWriter(stream: stream).write(row: row)
        if let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data { buffer.append(data) }
        buffer.append(0x0A)
    }
}
