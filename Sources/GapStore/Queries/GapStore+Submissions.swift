import Foundation
internal import LMDB

extension GapStore {
    /// The submission with that id.
    public func submission(_ id: SubmissionID) throws(GapStoreError) -> Submission? {
        try read("reading \(id)") { txn in
            try txn.withValue(forKey: Keys.submission(id), in: schema.submissions) { bytes in try RecordCodec.decodeSubmission(bytes) }
        }
    }

    /// Every submission that counts for gap `id`: those filed against it and against the gaps
    /// merged into it, oldest first. A merged `id` is resolved to its survivor first.
    public func submissions(forGap id: GapID) throws(GapStoreError) -> [Submission] {
        try read("reading the submissions of \(id)") { txn in
            let survivor = try schema.resolve(id, txn)
            var result: [Submission] = []
            for gap in try schema.mergeFamily(of: survivor.id, txn) {
                try txn.scan(schema.submissionsByGap, range: .prefix(Keys.gap(gap))) { key, _ in
                    let submission = SubmissionID(KeyBytes.uint64(key, at: 8))
                    if let record = try txn.withValue(forKey: Keys.submission(submission), in: schema.submissions, { bytes in
                        try RecordCodec.decodeSubmission(bytes)
                    }) {
                        result.append(record)
                    }
                    return .proceed
                }
            }
            return result.sorted { $0.id < $1.id }
        }
    }

    /// Every submission of customer account `accountID`, oldest first.
    public func submissions(forAccount accountID: String) throws(GapStoreError) -> [Submission] {
        try read("reading the submissions of account \(accountID)") { txn in
            var result: [Submission] = []
            try txn.scan(schema.submissionsByAccount, range: .prefix(Keys.accountPrefix(accountID))) { key, _ in
                let submission = SubmissionID(KeyBytes.uint64(key, at: key.count - 8))
                if let record = try txn.withValue(forKey: Keys.submission(submission), in: schema.submissions, { bytes in
                    try RecordCodec.decodeSubmission(bytes)
                }) {
                    result.append(record)
                }
                return .proceed
            }
            return result
        }
    }

}
