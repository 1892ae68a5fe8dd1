import Foundation
internal import LMDB

extension GapStore {
    /// Calls `body` with every gap, merged ones included, in id order, from one consistent
    /// snapshot: for exports and other full scans that must not hold every gap in memory.
    ///
    /// Other readers and writers go on meanwhile; writes committed during the scan are not
    /// seen. An error thrown by `body` stops the scan and is rethrown.
    public func forEachGap(_ body: (Gap) throws -> Void) throws {
        try scanning("reading every gap") { txn in
            let taxonomy = try schema.loadTaxonomy(txn)
            try txn.scan(schema.gaps) { _, value in
                try body(try RecordCodec.decodeGap(value).gap(in: taxonomy))
                return .proceed
            }
        }
    }

    /// Calls `body` with every submission in id order (the order they were filed), from one
    /// consistent snapshot. An error thrown by `body` stops the scan and is rethrown.
    public func forEachSubmission(_ body: (Submission) throws -> Void) throws {
        try scanning("reading every submission") { txn in
            try txn.scan(schema.submissions) { _, value in
                try body(try RecordCodec.decodeSubmission(value))
                return .proceed
            }
        }
    }

    /// The submission imported under an external id, if any.
    public func submission(externalID: String) throws(GapStoreError) -> Submission? {
        try read("reading external id \(externalID)") { txn in
            guard let id = try schema.submission(externalID: externalID, txn) else { return nil }
            return try txn.withValue(forKey: Keys.submission(id), in: schema.submissions) { bytes in
                try RecordCodec.decodeSubmission(bytes)
            }
        }
    }

    /// A read transaction whose caller's errors pass through unchanged (``read(_:_:)`` would
    /// report them as storage failures).
    private func scanning(_ doing: String, _ body: (borrowing Transaction) throws -> Void) throws {
        do {
            try env.read(body)
        } catch let error as LMDBError {
            throw GapStoreError(storage: error, while: doing)
        }
    }
}

extension GapStore {
    /// The opportunity with that id, whichever account it belongs to.
    public func opportunity(_ id: String) throws(GapStoreError) -> Opportunity? {
        try read("reading opportunity \(id)") { txn in try schema.loadOpportunity(id, txn)?.0 }
    }
}

extension GapStore {
    /// Which of `externalIDs` gaps were imported under, in one read: what an import checks
    /// for every record before it writes.
    public func gapIDs(externalIDs: some Sequence<String>) throws(GapStoreError) -> [String: GapID] {
        try read("looking up external ids") { txn in
            var found: [String: GapID] = [:]
            for externalID in externalIDs {
                if let bytes = try txn.get(externalID, in: schema.gapsByExternalID) {
                    found[externalID] = bytes.withUnsafeBytes { GapID(KeyBytes.uint64($0, at: 0)) }
                }
            }
            return found
        }
    }

    /// Which of `externalIDs` submissions were imported under, in one read.
    public func submissionIDs(externalIDs: some Sequence<String>) throws(GapStoreError) -> [String: SubmissionID] {
        try read("looking up external ids") { txn in
            var found: [String: SubmissionID] = [:]
            for externalID in externalIDs {
                if let id = try schema.submission(externalID: externalID, txn) { found[externalID] = id }
            }
            return found
        }
    }
}
