internal import CSV
public import Foundation
public import GapStore

/// How to import a file.
public struct ImportOptions: Sendable {
    /// The file's format.
    public var format: InterchangeFormat
    /// What the records are; `nil` to tell from the columns (a `title` column means gaps, a
    /// `gap` column submissions).
    public var kind: RecordKind?
    /// Field → column overrides for the default mapping by header name (see
    /// ``InterchangeField``).
    public var columnMap: [String: String] = [:]
    /// Add categories and subcategories the store's taxonomy lacks, rather than rejecting the
    /// records that name them.
    public var createCategories = false
    /// Write the valid records and return the invalid ones (``ImportResult/rejects``), rather
    /// than writing nothing when any record is invalid.
    public var skipInvalid = false
    /// Who imports: the creator of gaps without `created_by`, the submitter of submissions
    /// without `submitter`, the actor of imported merges.
    public var actor: String

    public init(format: InterchangeFormat, actor: String) {
        self.format = format
        self.actor = actor
    }
}

/// What an import did.
public struct ImportResult: Sendable {
    public let kind: RecordKind
    public let format: InterchangeFormat
    /// Records in the file (blank lines aside).
    public let recordsRead: Int
    /// Records written.
    public let created: Int
    /// Records whose key the store already holds: skipped, so that importing again is safe.
    public let alreadyPresent: Int
    /// Invalid records left out (only with ``ImportOptions/skipInvalid``).
    public let rejected: Int
    /// The problems of the rejected records, each with its line.
    public let issues: [ImportIssue]
    /// Categories and subcategories added (`Category` or `Category / Subcategory`).
    public let categoriesCreated: [String]
    /// Gaps merged into another as their `merged_into` said.
    public let merged: Int
    /// Gaps saved whose text reads like a bug report (a warning, as for `gap create`).
    public let bugLikeGaps: Int
    /// Field → the column it was read from.
    public let mapping: [String: String]
    /// Columns no field reads.
    public let ignoredColumns: [String]
    /// The rejected records in the file's own format (a CSV file's header included), to fix
    /// and import again; `nil` when none was rejected.
    public let rejects: Data?
}

/// Imports gaps or submissions from CSV or JSON lines into a store.
///
/// Every record is validated first — fields, categories, references to gaps, accounts and
/// opportunities, duplicate keys — against the store as it is, and every problem is reported
/// with its line. Then everything is written in one transaction (all or nothing), without a
/// nested transaction per record, and the search index is brought up to date once at the end.
/// A record whose key (`external_id`, else `id`) the store already holds is skipped, so
/// running the same import again changes nothing.
///
/// ```swift
/// let data = try Data(contentsOf: URL(fileURLWithPath: "gaps.csv"))
/// let result = try Importer.run(data, into: store, options: ImportOptions(format: .csv, actor: "ana@example.com"))
/// print(result.created, result.alreadyPresent)
/// ```
public enum Importer {
    /// Validates and imports `data`.
    ///
    /// - Parameter progress: Called with (records written, records to write) while writing.
    ///   It may start again from zero if the store has to grow its map midway.
    /// - Throws: ``ImportError`` listing every problem when the file cannot be read or a
    ///   record is invalid (and ``ImportOptions/skipInvalid`` is off): nothing is written.
    ///   A ``GapStoreError`` when the store fails (nothing is written either).
    public static func run(
        _ data: Data, into store: GapStore, options: ImportOptions, progress: ((Int, Int) -> Void)? = nil
    ) throws -> ImportResult {
        let source = try ImportSource(data: data, format: options.format, kind: options.kind, columnMap: options.columnMap)
        var plan = ImportPlan(source: source)
        switch source.kind {
        case .gaps: try GapPlanner(store: store, options: options).plan(&plan)
        case .submissions: try SubmissionPlanner(store: store, options: options).plan(&plan)
        }
        if !plan.rejected.isEmpty && !options.skipInvalid {
            throw ImportError(issues: plan.issues, recordsRead: source.records.count, invalidRecords: plan.rejected.count)
        }
        let written = try plan.apply(to: store, actor: options.actor, progress: progress)
        return ImportResult(
            kind: source.kind, format: source.format, recordsRead: source.records.count, created: written.created,
            alreadyPresent: plan.alreadyPresent, rejected: plan.rejected.count, issues: plan.issues,
            categoriesCreated: plan.newCategories.flatMap { category in
                (category.isNew ? [category.name] : []) + category.subcategories.map { "\(category.name) / \($0)" }
            },
            merged: written.merged, bugLikeGaps: written.bugLike, mapping: source.mapping, ignoredColumns: source.ignoredColumns,
            rejects: try plan.rejectsFile())
    }
}

/// The records to write, and those rejected, after validation.
struct ImportPlan {
    struct PlannedGap {
        let line: Int
        let key: String
        let draft: GapDraft
        let creator: String
        /// The gap it is to be merged into.
        let mergedInto: MergeTarget?
    }

    enum MergeTarget {
        /// A gap of this file, by key.
        case inFile(String)
        /// A gap already in the store.
        case existing(GapID)
    }

    struct NewCategory {
        let name: String
        let isNew: Bool
        var subcategories: [String]
    }

    let source: ImportSource
    var gaps: [PlannedGap] = []
    var submissions: [(line: Int, draft: SubmissionDraft)] = []
    /// Rejected records by their index in `source.records`.
    var rejected: [Int] = []
    var issues: [ImportIssue] = []
    var alreadyPresent = 0
    var newCategories: [NewCategory] = []

    init(source: ImportSource) { self.source = source }

    mutating func reject(_ index: Int, _ problems: [ImportIssue]) {
        rejected.append(index)
        issues.append(contentsOf: problems)
    }

    /// Writes the plan in one transaction.
    func apply(to store: GapStore, actor: String, progress: ((Int, Int) -> Void)?) throws -> (created: Int, merged: Int, bugLike: Int) {
        let total = gaps.count + submissions.count
        guard total > 0 else { return (0, 0, 0) }
        var line = 0
        do {
            return try store.batch(isolatingOperations: false) { writer in
                var created = 0
                var bugLike = 0
                var merged = 0
                for category in newCategories {
                    try writer.addCategory(category.name, subcategories: category.subcategories)
                }
                var ids: [String: GapID] = [:]
                for gap in gaps {
                    line = gap.line
                    let creation = try writer.createGap(gap.draft, by: gap.creator)
                    ids[gap.key] = creation.gap.id
                    if !creation.warnings.isEmpty { bugLike += 1 }
                    created += 1
                    progress?(created, total)
                }
                for merge in mergeOrder() {
                    line = merge.line
                    let target: GapID
                    switch merge.target {
                    case .inFile(let key): target = ids[key]!
                    case .existing(let id): target = id
                    }
                    try writer.merge(ids[merge.key]!, into: target, by: actor, note: "imported as merged")
                    merged += 1
                }
                for submission in submissions {
                    line = submission.line
                    try writer.submit(submission.draft)
                    created += 1
                    progress?(created, total)
                }
                return (created, merged, bugLike)
            }
        } catch let error as GapStoreError where line > 0 {
            // Validation saw the store before the write; another writer may have changed it since.
            throw ImportError(
                issues: [ImportIssue(line: line, field: nil, message: "\(error.message) (the store changed during the import; import again)")],
                recordsRead: source.records.count, invalidRecords: 1)
        }
    }

    /// Merges to make, the start of a chain first: in A → B → C, A must be merged into B
    /// while B still stands alone, or A would be merged into C.
    private func mergeOrder() -> [(line: Int, key: String, target: MergeTarget)] {
        var targets: [String: String] = [:]
        for gap in gaps { if case .inFile(let target)? = gap.mergedInto { targets[gap.key] = target } }
        func depth(_ key: String) -> Int {
            var depth = 0
            var current = key
            while let next = targets[current], depth <= targets.count {
                depth += 1
                current = next
            }
            return depth
        }
        return gaps.compactMap { gap in gap.mergedInto.map { (gap.line, gap.key, $0, depth(gap.key)) } }
            .sorted { $0.3 > $1.3 }
            .map { ($0.0, $0.1, $0.2) }
    }

    /// The rejected records in the source's format.
    func rejectsFile() throws -> Data? {
        guard !rejected.isEmpty else { return nil }
        switch source.format {
        case .jsonl:
            var data = Data()
            for index in rejected.sorted() {
                if case .jsonl(let bytes) = source.records[index].raw { data.append(bytes) }
                data.append(0x0A)
            }
            return data
        case .csv:
            let stream = OutputStream(toMemory: ())
            stream.open()
            let writer = try CSVWriter(stream: stream)
            try writer.write(row: source.columns)
            for index in rejected.sorted() {
                if case .csv(let fields) = source.records[index].raw { try writer.write(row: fields) }
            }
            stream.close()
            var data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
            data.append(0x0A)
            return data
        }
    }
}

/// Runs a field rule, turning its error into an issue of `field` on `line`.
func check<T>(_ issues: inout [ImportIssue], line: Int, field: String, _ rule: () throws(GapStoreError) -> T) -> T? {
    do {
        return try rule()
    } catch {
        issues.append(ImportIssue(line: line, field: field, message: error.message))
        return nil
    }
}

/// The keys of every record, unchecked: for looking up in one go which are already present.
func candidateKeys(_ source: ImportSource) -> [String] {
    source.records.compactMap { record in
        (record.value("external_id") ?? record.value("id")).flatMap { try? Validate.identifier($0, field: "the id") }
    }
}

/// The key of a record: its `external_id`, else its `id`; checked, and unique in the file.
func recordKey(
    _ record: SourceRecord, firstLines: inout [String: Int], issues: inout [ImportIssue]
) -> String? {
    let field = record.value("external_id") != nil ? "external_id" : "id"
    guard let raw = record.value(field) else {
        issues.append(ImportIssue(line: record.line, field: "id", message: "the id is empty; every record needs one (it makes importing again safe)"))
        return nil
    }
    guard let key = check(&issues, line: record.line, field: field, { () throws(GapStoreError) in try Validate.identifier(raw, field: "the id") })
    else { return nil }
    if let first = firstLines[key] {
        issues.append(ImportIssue(line: record.line, field: field, message: "the id \"\(key)\" is also on line \(first); ids must be unique within a file"))
        return nil
    }
    firstLines[key] = record.line
    return key
}

func parseDate(_ record: SourceRecord, _ field: String, _ dates: DateCodec, _ issues: inout [ImportIssue]) -> Date? {
    guard let text = record.value(field)?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
    guard let date = dates.date(text) else {
        issues.append(ImportIssue(line: record.line, field: field, message: "\"\(text)\" is not a date; write ISO 8601 such as 2026-03-01T09:30:00Z, or 2026-03-01"))
        return nil
    }
    return date
}
