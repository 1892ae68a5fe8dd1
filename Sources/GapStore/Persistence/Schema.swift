import Synchronization
internal import LMDB

/// The named databases of a store and the layout of their keys.
///
/// All integers in keys are big-endian so that keys sort numerically. Schema version 1:
///
/// | database | key | value |
/// |---|---|---|
/// | `meta` | `schema`, `next-gap`, `next-submission`, `next-change`, `currency`, `taxonomy` | version, counters, ISO code, taxonomy record |
/// | `gaps` | gap (8) | gap record |
/// | `gaps-by-status` | status (1) · gap (8) | — |
/// | `gaps-by-team` | lowercased team · 0 · gap (8) | — |
/// | `gaps-by-category` | category id (4) · gap (8) | — |
/// | `gaps-by-created` | created ms (8, sign-flipped) · gap (8) | — |
/// | `gaps-by-external-id` | external id | gap (8) |
/// | `merge-sources` | survivor (8) · merged gap (8) | — |
/// | `submissions` | submission (8) | submission record |
/// | `submissions-by-gap` | gap (8) · submission (8) | severity (1) · has workaround (1) · account id |
/// | `submissions-by-account` | account id · 0 · submission (8) | gap (8) |
/// | `submissions-by-external-id` | external id | submission (8) |
/// | `accounts` | account id | account record |
/// | `opportunities` | opportunity id | opportunity record |
/// | `opportunities-by-account` | account id · 0 · close ms (8) · change seq (8) | opportunity id |
/// | `history` | gap (8) · change seq (8) · index (2) | history record |
/// | `changes` | change seq (8) | change record |
/// | `search` | `base`, `tail` | search index segments (GapIndex format), read in place |
/// | `pending-issues` | gap (8) | pending issue record: where an issue is being created, since when |
///
/// Secondary indexes hold every gap, merged ones included; `submissions-by-gap` files a
/// submission under the gap it was filed against (merges are resolved when reading).
struct Schema: Sendable {
    /// The version this build writes. Stores with a higher version are refused.
    static let version: UInt32 = 1

    /// The last taxonomy decoded, by its stored bytes (every duplicate check reads it).
    let taxonomyCache = TaxonomyCache()

    let meta: Database
    let gaps: Database
    let gapsByStatus: Database
    let gapsByTeam: Database
    let gapsByCategory: Database
    let gapsByCreated: Database
    let gapsByExternalID: Database
    let mergeSources: Database
    let submissions: Database
    let submissionsByGap: Database
    let submissionsByAccount: Database
    /// Absent only in a read-only store written before submissions had external ids (then
    /// none has one).
    let submissionsByExternalID: Database?
    let accounts: Database
    let opportunities: Database
    let opportunitiesByAccount: Database
    let history: Database
    let changes: Database
    /// Search index segments; absent only in a read-only store written before they existed.
    let search: Database?
    /// Issues being created for gaps (``PendingIssue``); absent only in a read-only store
    /// written before they existed.
    let pendingIssues: Database?

    static let databaseCount = 19

    init(_ env: Environment) throws(LMDBError) {
        meta = try env.openDatabase(named: "meta")
        gaps = try env.openDatabase(named: "gaps")
        gapsByStatus = try env.openDatabase(named: "gaps-by-status")
        gapsByTeam = try env.openDatabase(named: "gaps-by-team")
        gapsByCategory = try env.openDatabase(named: "gaps-by-category")
        gapsByCreated = try env.openDatabase(named: "gaps-by-created")
        gapsByExternalID = try env.openDatabase(named: "gaps-by-external-id")
        mergeSources = try env.openDatabase(named: "merge-sources")
        submissions = try env.openDatabase(named: "submissions")
        submissionsByGap = try env.openDatabase(named: "submissions-by-gap")
        submissionsByAccount = try env.openDatabase(named: "submissions-by-account")
        accounts = try env.openDatabase(named: "accounts")
        opportunities = try env.openDatabase(named: "opportunities")
        opportunitiesByAccount = try env.openDatabase(named: "opportunities-by-account")
        do {
            submissionsByExternalID = try env.openDatabase(named: "submissions-by-external-id")
        } catch LMDBError.notFound where env.isReadOnly {
            submissionsByExternalID = nil
        }
        history = try env.openDatabase(named: "history")
        changes = try env.openDatabase(named: "changes")
        do {
            search = try env.openDatabase(named: "search")
        } catch LMDBError.notFound where env.isReadOnly {
            search = nil
        }
        do {
            pendingIssues = try env.openDatabase(named: "pending-issues")
        } catch LMDBError.notFound where env.isReadOnly {
            pendingIssues = nil
        }
    }

    /// Every secondary index, for rebuilding and verification.
    var secondaryIndexes: [Database] {
        [gapsByStatus, gapsByTeam, gapsByCategory, gapsByCreated, gapsByExternalID, mergeSources,
         submissionsByGap, submissionsByAccount, opportunitiesByAccount] + [submissionsByExternalID].compactMap { $0 }
    }
}

enum MetaKey {
    static let schema = "schema"
    static let nextGap = "next-gap"
    static let nextSubmission = "next-submission"
    static let nextChange = "next-change"
    static let currency = "currency"
    static let taxonomy = "taxonomy"
}

/// Builders for composite keys.
enum Keys {
    static func gap(_ id: GapID) -> [UInt8] { KeyBytes.uint64(id.number) }
    static func submission(_ id: SubmissionID) -> [UInt8] { KeyBytes.uint64(id.number) }
    static func change(_ sequence: UInt64) -> [UInt8] { KeyBytes.uint64(sequence) }

    static func status(_ status: GapStatus, _ gap: GapID) -> [UInt8] {
        var key: [UInt8] = [status.storageCode]
        KeyBytes.append(gap.number, to: &key)
        return key
    }

    /// Teams match case-insensitively.
    static func teamPrefix(_ team: String) -> [UInt8] { Array(team.lowercased().utf8) + [0] }

    static func team(_ team: String, _ gap: GapID) -> [UInt8] {
        var key = teamPrefix(team)
        KeyBytes.append(gap.number, to: &key)
        return key
    }

    static func category(_ category: UInt32, _ gap: GapID) -> [UInt8] {
        var key: [UInt8] = []
        KeyBytes.append(category, to: &key)
        KeyBytes.append(gap.number, to: &key)
        return key
    }

    static func created(_ millis: Int64, _ gap: GapID) -> [UInt8] {
        var key: [UInt8] = []
        KeyBytes.append(millis, to: &key)
        KeyBytes.append(gap.number, to: &key)
        return key
    }

    static func createdBound(_ millis: Int64) -> [UInt8] {
        var key: [UInt8] = []
        KeyBytes.append(millis, to: &key)
        return key
    }

    static func pair(_ first: UInt64, _ second: UInt64) -> [UInt8] {
        var key: [UInt8] = []
        KeyBytes.append(first, to: &key)
        KeyBytes.append(second, to: &key)
        return key
    }

    static func accountPrefix(_ account: String) -> [UInt8] { Array(account.utf8) + [0] }

    static func accountSubmission(_ account: String, _ submission: SubmissionID) -> [UInt8] {
        var key = accountPrefix(account)
        KeyBytes.append(submission.number, to: &key)
        return key
    }

    static func accountOpportunity(_ account: String, closeMillis: Int64, sequence: UInt64) -> [UInt8] {
        var key = accountPrefix(account)
        KeyBytes.append(closeMillis, to: &key)
        KeyBytes.append(sequence, to: &key)
        return key
    }

    static func history(_ gap: GapID, _ sequence: UInt64, _ index: UInt16) -> [UInt8] {
        var key = pair(gap.number, sequence)
        key.append(UInt8(index >> 8))
        key.append(UInt8(index & 0xFF))
        return key
    }
}

/// The taxonomy last decoded and the bytes it came from: a taxonomy stored with the same bytes
/// is the same, so it is not decoded again (another process may change it at any time; the
/// bytes say whether it did).
final class TaxonomyCache: Sendable {
    private let last = Mutex<(bytes: [UInt8], taxonomy: Taxonomy)?>(nil)

    func taxonomy(decoding bytes: UnsafeRawBufferPointer) throws(GapStoreError) -> Taxonomy {
        let cached = last.withLock { last -> Taxonomy? in
            guard let last, last.bytes.count == bytes.count else { return nil }
            return last.bytes.withUnsafeBytes { $0.elementsEqual(bytes) } ? last.taxonomy : nil
        }
        if let cached { return cached }
        let taxonomy = try RecordCodec.decodeTaxonomy(bytes)
        last.withLock { $0 = (Array(bytes), taxonomy) }
        return taxonomy
    }
}
