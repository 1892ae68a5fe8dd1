internal import CSV
import Foundation

/// One record of an import file.
struct SourceRecord {
    /// The line it starts on.
    let line: Int
    /// Values by canonical field name; absent and empty fields are left out.
    var values: [String: String]
    /// The record as it was, for the rejects file.
    let raw: Raw
    /// Problems found while reading it (invalid UTF-8, malformed JSON, a wrong field count).
    var problems: [ImportIssue]

    enum Raw {
        /// The CSV fields, in header order.
        case csv([String])
        /// The line's bytes, exactly as read.
        case jsonl(Data)
    }

    func value(_ field: String) -> String? { values[field] }
}

/// An import file read, its columns mapped to fields.
struct ImportSource {
    let format: InterchangeFormat
    let kind: RecordKind
    /// The CSV header, or every JSON key seen, in order of appearance.
    let columns: [String]
    /// Canonical field name → the column it is read from.
    let mapping: [String: String]
    var records: [SourceRecord]

    /// Columns that map to no field: ignored.
    var ignoredColumns: [String] {
        let used = Set(mapping.values)
        return columns.filter { !used.contains($0) }
    }
}

extension ImportSource {
    /// Reads and maps a whole file.
    ///
    /// - Throws: ``ImportError`` for problems with the file as a whole: an unreadable header,
    ///   an unknown `--map` field or column, a required column missing, a kind that cannot be
    ///   told from the columns.
    init(data: Data, format: InterchangeFormat, kind: RecordKind?, columnMap: [String: String]) throws(ImportError) {
        switch format {
        case .csv:
            let (header, rows) = try Self.readCSV(data)
            let (kind, mapping) = try Self.map(columns: header, kind: kind, overrides: columnMap, headerLine: 1)
            let indexes = mapping.mapValues { column in header.firstIndex(of: column)! }
            let records = rows.map { row in
                var values: [String: String] = [:]
                for (field, index) in indexes where index < row.fields.count && !row.fields[index].isEmpty {
                    values[field] = row.fields[index]
                }
                return SourceRecord(line: row.line, values: values, raw: .csv(row.fields), problems: row.problems)
            }
            self.init(format: format, kind: kind, columns: header, mapping: mapping, records: records)
        case .jsonl:
            let lines = Self.readJSONLines(data)
            var columns: [String] = []
            var seen = Set<String>()
            for line in lines { for key in line.keys where seen.insert(key).inserted { columns.append(key) } }
            columns.sort()  // JSON objects are unordered
            let (kind, mapping) = try Self.map(columns: columns, kind: kind, overrides: columnMap, headerLine: nil)
            let records = lines.map { line in
                var values: [String: String] = [:]
                var problems = line.problems
                for (field, key) in mapping {
                    switch line.object[key] {
                    case .text(let text)?: if !text.isEmpty { values[field] = text }
                    case .unsupported?:
                        problems.append(ImportIssue(line: line.number, field: field, message: "\"\(key)\" must be a string, number, true/false or null"))
                    case nil: break
                    }
                }
                return SourceRecord(line: line.number, values: values, raw: .jsonl(line.bytes), problems: problems)
            }
            self.init(format: format, kind: kind, columns: columns, mapping: mapping, records: records)
        }
    }

    // MARK: Column mapping

    /// Maps columns to fields: `overrides` (field → column) first, then each remaining field
    /// to the first column whose name is the field's or one of its aliases.
    static func map(
        columns: [String], kind: RecordKind?, overrides: [String: String], headerLine: Int?
    ) throws(ImportError) -> (RecordKind, [String: String]) {
        func fail(_ message: String, field: String? = nil) -> ImportError {
            ImportError(issues: [ImportIssue(line: headerLine, field: field, message: message)])
        }
        let found = columns.isEmpty ? "none" : columns.map { "\"\($0)\"" }.joined(separator: ", ")
        let resolvedKind: RecordKind
        if let kind {
            resolvedKind = kind
        } else {
            // A gap has a title; a submission names its gap.
            let normalized = Set(columns.map(InterchangeField.normalized))
            let mapped = Set(overrides.keys)
            func has(_ kind: RecordKind, _ field: String) -> Bool {
                mapped.contains(field) || !kind.field(named: field)!.matchingNames.isDisjoint(with: normalized)
            }
            if has(.gaps, "title") {
                resolvedKind = .gaps
            } else if has(.submissions, "gap") {
                resolvedKind = .submissions
            } else {
                throw fail("cannot tell whether this file holds gaps (a title column) or submissions (a gap column); columns found: \(found). Name the kind (--kind gaps or --kind submissions) and map the columns (--map title=COLUMN)")
            }
        }
        let fields = resolvedKind.fields
        var mapping: [String: String] = [:]
        for (field, column) in overrides.sorted(by: { $0.key < $1.key }) {
            guard fields.contains(where: { $0.name == field }) else {
                throw fail("--map names the unknown field \"\(field)\"; \(resolvedKind.rawValue) have: \(fields.map(\.name).joined(separator: ", "))")
            }
            guard let match = columns.first(where: { $0 == column })
                ?? columns.first(where: { $0.lowercased() == column.lowercased() })
            else {
                throw fail("--map \(field)=\(column): the file has no column \"\(column)\"; columns found: \(found)", field: field)
            }
            mapping[field] = match
        }
        let claimed = Set(mapping.values)
        // The field's own name first, then its aliases in order: the result does not depend
        // on the order of the columns.
        for field in fields where mapping[field.name] == nil {
            for name in [field.name] + field.aliases {
                let wanted = InterchangeField.normalized(name)
                if let column = columns.first(where: {
                    !claimed.contains($0) && !mapping.values.contains($0) && InterchangeField.normalized($0) == wanted
                }) {
                    mapping[field.name] = column
                    break
                }
            }
        }
        if mapping["id"] == nil && mapping["external_id"] == nil {
            throw fail("no id column: every record needs a key so that importing it again is safe; name it id or external_id, or map one with --map id=COLUMN. Columns found: \(found)", field: "id")
        }
        let required = resolvedKind == .gaps ? ["title"] : ["gap", "severity"]
        for name in required where mapping[name] == nil {
            let field = resolvedKind.field(named: name)!
            throw fail("missing the required column \(name) (also recognised: \(field.aliases.joined(separator: ", "))); map one with --map \(name)=COLUMN. Columns found: \(found)", field: name)
        }
        return (resolvedKind, mapping)
    }

    // MARK: CSV

    struct CSVRow {
        let line: Int
        let fields: [String]
        let problems: [ImportIssue]
    }

    /// Parses CSV with CSV.swift, keeping each record's starting line: a record spans one line
    /// plus one per line break inside its quoted fields. Lines with invalid UTF-8 are found on
    /// the raw bytes first (the parser would stop at the first one).
    static func readCSV(_ data: Data) throws(ImportError) -> (header: [String], rows: [CSVRow]) {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // a byte order mark, as spreadsheets write
        let invalidLines = linesWithInvalidUTF8(bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true)
        } catch {
            throw ImportError(issues: [ImportIssue(line: nil, field: nil, message: "the file is empty; a CSV import needs a header row naming the columns")])
        }
        let header = (reader.headerRow ?? []).map { $0.trimmingCharacters(in: .whitespaces) }
        if invalidLines.contains(1) {
            throw ImportError(issues: [ImportIssue(line: 1, field: nil, message: "the header row is not valid UTF-8; save the file as UTF-8")])
        }
        var duplicates = Set<String>()
        for column in header where !column.isEmpty && !duplicates.insert(column.lowercased()).inserted {
            throw ImportError(issues: [ImportIssue(line: 1, field: nil, message: "the column \"\(column)\" appears twice in the header; rename one")])
        }
        var line = 2 + lineBreaks(in: header)  // the header is line 1
        var rows: [CSVRow] = []
        while let fields = reader.next() {
            let start = line
            let span = 1 + lineBreaks(in: fields)
            line += span
            if fields.count == 1 && fields[0].isEmpty { continue }  // a blank line
            var problems: [ImportIssue] = []
            if let bad = (start..<(start + span)).first(where: invalidLines.contains) {
                let place = bad == start ? "the line" : "line \(bad), inside this record,"
                problems.append(ImportIssue(line: start, field: nil, message: "\(place) is not valid UTF-8; save the file as UTF-8 and fix the garbled characters"))
            }
            if fields.count != header.count {
                problems.append(ImportIssue(
                    line: start, field: nil,
                    message: "the record has \(fields.count) fields but the header has \(header.count); check for an unquoted comma or an unbalanced quote (\") in it or just before it"))
            }
            rows.append(CSVRow(line: start, fields: fields, problems: problems))
        }
        return (header, rows)
    }

    /// Line breaks inside fields: CR LF, LF or a lone CR each count once.
    private static func lineBreaks(in fields: [String]) -> Int {
        var count = 0
        for field in fields {
            var previousCR = false
            for byte in field.utf8 {
                if byte == 0x0A { if !previousCR { count += 1 } } else if byte == 0x0D { count += 1 }
                previousCR = byte == 0x0D
            }
        }
        return count
    }

    /// The 1-based numbers of the lines that are not valid UTF-8.
    static func linesWithInvalidUTF8(_ data: Data) -> Set<Int> {
        var invalid = Set<Int>()
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var number = 1
            var start = 0
            for index in 0...buffer.count where index == buffer.count || buffer[index] == 0x0A {
                let line = UnsafeRawBufferPointer(rebasing: buffer[start..<index])
                if line.contains(where: { $0 >= 0x80 }) && String(validating: line, as: UTF8.self) == nil { invalid.insert(number) }
                number += 1
                start = index + 1
            }
        }
        return invalid
    }

    // MARK: JSON lines

    struct JSONLine {
        let number: Int
        let bytes: Data
        var object: [String: JSONScalar]
        var keys: [String]
        var problems: [ImportIssue]
    }

    /// A JSON value as an import sees it: text (numbers and booleans as written) or something
    /// else (an array or object, which no field accepts). `null` is absent.
    enum JSONScalar: Decodable {
        case text(String)
        case unsupported

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else if let flag = try? container.decode(Bool.self) {
                self = .text(flag ? "true" : "false")
            } else if let integer = try? container.decode(Int64.self) {
                self = .text(String(integer))
            } else if let number = try? container.decode(Double.self) {
                self = .text(String(number))
            } else {
                self = .unsupported
            }
        }
    }

    /// Splits JSON lines and decodes each; blank lines are skipped.
    static func readJSONLines(_ data: Data) -> [JSONLine] {
        var lines: [JSONLine] = []
        let decoder = JSONDecoder()
        var number = 0
        for var slice in lineSlices(data) {
            number += 1
            if slice.last == 0x0D { slice = slice.dropLast() }
            if number == 1 && slice.starts(with: [0xEF, 0xBB, 0xBF]) { slice = slice.dropFirst(3) }
            guard slice.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
            let bytes = Data(slice)
            var line = JSONLine(number: number, bytes: bytes, object: [:], keys: [], problems: [])
            if bytes.withUnsafeBytes({ String(validating: $0, as: UTF8.self) }) == nil {
                line.problems.append(ImportIssue(line: number, field: nil, message: "the line is not valid UTF-8; save the file as UTF-8 and fix the garbled characters"))
                lines.append(line)
                continue
            }
            do {
                let object = try decoder.decode(OrderedObject.self, from: bytes)
                line.object = object.values
                line.keys = object.keys
            } catch {
                line.problems.append(ImportIssue(line: number, field: nil, message: "not a JSON object (\(describe(error))); each line must be one object such as {\"id\": \"X-1\", \"title\": \"…\"}"))
            }
            lines.append(line)
        }
        return lines
    }

    /// The file's lines, without their line feeds (`Data.split` is several times slower).
    private static func lineSlices(_ data: Data) -> [Data.SubSequence] {
        var bounds: [Range<Int>] = []
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            var start = 0
            for index in 0..<buffer.count where buffer[index] == 0x0A {
                bounds.append(start..<index)
                start = index + 1
            }
            if start < buffer.count { bounds.append(start..<buffer.count) }
        }
        return bounds.map { data[(data.startIndex + $0.lowerBound)..<(data.startIndex + $0.upperBound)] }
    }

    /// A JSON object's scalar values with its keys in the order written.
    private struct OrderedObject: Decodable {
        var values: [String: JSONScalar] = [:]
        var keys: [String] = []

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            for key in container.allKeys {
                keys.append(key.stringValue)
                if try container.decodeNil(forKey: key) { continue }
                values[key.stringValue] = try container.decode(JSONScalar.self, forKey: key)
            }
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch: "the line is not an object"
        case DecodingError.dataCorrupted(let context): (context.underlyingError.map { "\($0.localizedDescription)" }) ?? context.debugDescription
        default: "\(error)"
        }
    }
}
