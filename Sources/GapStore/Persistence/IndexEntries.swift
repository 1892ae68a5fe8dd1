internal import LMDB

/// The one definition of which secondary index entries a record implies. The write path adds
/// and removes exactly these, and `verify`/`rebuildIndexes` recompute them from the records.
enum GapIndexEntries {
    typealias Entry = (database: Database, key: [UInt8], value: [UInt8])

    static func entries(of gap: GapRecord, _ schema: Schema) -> [Entry] {
        var entries: [Entry] = [
            (schema.gapsByStatus, Keys.status(gap.status, gap.id), []),
            (schema.gapsByCreated, Keys.created(gap.createdAt, gap.id), []),
        ]
        if let team = gap.team { entries.append((schema.gapsByTeam, Keys.team(team, gap.id), [])) }
        if gap.categoryID != 0 { entries.append((schema.gapsByCategory, Keys.category(gap.categoryID, gap.id), [])) }
        if let external = gap.externalID { entries.append((schema.gapsByExternalID, Array(external.utf8), Keys.gap(gap.id))) }
        if let target = gap.mergedInto {
            entries.append((schema.mergeSources, Keys.pair(target.number, gap.id.number), []))
        }
        return entries
    }

    static func entries(of submission: Submission, _ schema: Schema) -> [Entry] {
        let summary = SubmissionSummary(
            severity: submission.severity, hasWorkaround: submission.workaround.exists, accountID: submission.accountID)
        var entries: [Entry] = [
            (schema.submissionsByGap, Keys.pair(submission.gapID.number, submission.id.number), RecordCodec.encode(summary))
        ]
        if let account = submission.accountID {
            entries.append((schema.submissionsByAccount, Keys.accountSubmission(account, submission.id), Keys.gap(submission.gapID)))
        }
        if let external = submission.externalID, let database = schema.submissionsByExternalID {
            entries.append((database, Array(external.utf8), Keys.submission(submission.id)))
        }
        return entries
    }
}
