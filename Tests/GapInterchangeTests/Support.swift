import Foundation
import GapInterchange
import GapStore
import GapTestSupport
import Testing

/// Opens a fresh store in a temporary directory for the duration of `body`.
func withStore<R>(_ body: (GapStore, _ directory: String) throws -> R) throws -> R {
    try withTemporaryDirectory { directory in
        try body(try GapStore(path: directory + "/store"), directory)
    }
}

/// Imports `text` (UTF-8) with `configure` applied to the options.
@discardableResult
func importText(
    _ text: String, format: InterchangeFormat, into store: GapStore, _ configure: (inout ImportOptions) -> Void = { _ in }
) throws -> ImportResult {
    try importData(Data(text.utf8), format: format, into: store, configure)
}

@discardableResult
func importData(
    _ data: Data, format: InterchangeFormat, into store: GapStore, _ configure: (inout ImportOptions) -> Void = { _ in }
) throws -> ImportResult {
    var options = ImportOptions(format: format, actor: "importer")
    configure(&options)
    return try Importer.run(data, into: store, options: options)
}

/// The whole export of one kind, as text.
func exportText(_ kind: RecordKind, from store: GapStore, format: InterchangeFormat) throws -> String {
    var data = Data()
    try Exporter.export(kind, from: store, format: format) { data.append($0) }
    return String(decoding: data, as: UTF8.self)
}

/// Everything observable about a store's records, for before/after comparisons.
func snapshot(_ store: GapStore) throws -> String {
    let stats = try store.statistics()
    return "\(stats.gaps) \(stats.submissions) \(stats.accounts) \(stats.opportunities) \(stats.historyEntries) \(stats.lastChange)\n"
        + (try exportText(.gaps, from: store, format: .jsonl)) + (try exportText(.submissions, from: store, format: .jsonl))
        + (try store.taxonomy().categories.map { "\($0.name): \($0.subcategories.map(\.name))" }.joined(separator: "\n"))
}

/// Expects the import to fail and returns its error.
func expectImportFailure(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> ImportError? {
    #expect(throws: ImportError.self, sourceLocation: sourceLocation) { try body() }
}
