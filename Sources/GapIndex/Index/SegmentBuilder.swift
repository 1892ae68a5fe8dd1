/// Builds a segment from documents.
public enum SegmentBuilder {
    /// Indexes `documents` and serializes them as a segment.
    ///
    /// - Parameters:
    ///   - documents: The documents, in ascending id order (segments look gaps up by id with a
    ///     binary search); a later document with an id already seen replaces the earlier one.
    ///   - sequence: The change sequence number the documents reflect.
    /// - Complexity: O(total text + terms × log terms).
    public static func build(_ documents: some Sequence<IndexDocument>, analyzer: Analyzer, sequence: UInt64) -> [UInt8] {
        var index = BulkIndex(analyzer: analyzer)
        var previous: UInt64?
        for document in documents {
            precondition(previous.map { document.id >= $0 } ?? true, "SegmentBuilder.build: documents must be in ascending id order")
            previous = document.id
            index.add(document)
        }
        return SegmentWriter.serialize(index, analyzerFingerprint: analyzer.fingerprint, sequence: sequence)
    }
}
