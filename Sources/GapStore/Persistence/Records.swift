import Foundation

/// A gap as stored: categories by id, times in milliseconds since 1970.
struct GapRecord: Sendable, Hashable {
    var id: GapID
    var title: String
    var description: String
    var categoryID: UInt32
    var subcategoryID: UInt32
    var team: String?
    var status: GapStatus
    var createdAt: Int64
    var createdBy: String
    var updatedAt: Int64
    var updatedBy: String
    var externalLink: String?
    var mergedInto: GapID?
    var externalID: String?

    func gap(in taxonomy: Taxonomy) -> Gap {
        let (category, subcategory) = taxonomy.names(category: categoryID, subcategory: subcategoryID)
        return Gap(
            id: id, title: title, description: description, category: category, subcategory: subcategory,
            team: team, status: status, createdAt: Date(millis: createdAt), createdBy: createdBy,
            updatedAt: Date(millis: updatedAt), updatedBy: updatedBy, externalLink: externalLink,
            mergedInto: mergedInto, externalID: externalID)
    }
}

/// What `submissions-by-gap` keeps per submission: enough for impact reports without
/// decoding submission records.
struct SubmissionSummary: Sendable, Hashable {
    var severity: Severity
    var hasWorkaround: Bool
    var accountID: String?
}

extension Date {
    init(millis: Int64) { self.init(timeIntervalSince1970: Double(millis) / 1000) }

    /// Milliseconds since 1970, rounded.
    var millis: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}

/// Binary encodings of every record, each led by a format version byte. Every record is at
/// version 1 except submissions (version 2 added the external id); a decoder that meets a
/// newer version refuses it with ``GapStoreError/Code/schemaTooNew`` rather than misreading it.
enum RecordCodec {
    static let version: UInt8 = 1
    /// Submission records are at format 2: version 1 plus a trailing optional external id.
    static let submissionVersion: UInt8 = 2

    // MARK: Gap

    static func encode(_ gap: GapRecord) -> [UInt8] {
        var writer = BinaryWriter(capacity: 64 + gap.title.utf8.count + gap.description.utf8.count)
        writer.write(version)
        writer.write(varint: gap.id.number)
        writer.write(gap.title)
        writer.write(gap.description)
        writer.write(varint: UInt64(gap.categoryID))
        writer.write(varint: UInt64(gap.subcategoryID))
        writer.write(gap.team)
        writer.write(gap.status.storageCode)
        writer.write(signed: gap.createdAt)
        writer.write(gap.createdBy)
        writer.write(signed: gap.updatedAt)
        writer.write(gap.updatedBy)
        writer.write(gap.externalLink)
        writer.write(optionalVarint: gap.mergedInto?.number)
        writer.write(gap.externalID)
        return writer.bytes
    }

    static func decodeGap(_ bytes: UnsafeRawBufferPointer) throws(GapStoreError) -> GapRecord {
        var reader = BinaryReader(bytes, what: "gap")
        _ = try reader.readVersion(supported: 1...version)
        let record = GapRecord(
            id: GapID(try reader.readVarint()), title: try reader.readString(), description: try reader.readString(),
            categoryID: try uint32(&reader), subcategoryID: try uint32(&reader), team: try reader.readOptionalString(),
            status: try GapStatus(storageCode: try reader.readByte()), createdAt: try reader.readSigned(),
            createdBy: try reader.readString(), updatedAt: try reader.readSigned(), updatedBy: try reader.readString(),
            externalLink: try reader.readOptionalString(), mergedInto: try reader.readOptionalVarint().map(GapID.init),
            externalID: try reader.readOptionalString())
        return record
    }

    private static func uint32(_ reader: inout BinaryReader) throws(GapStoreError) -> UInt32 {
        let value = try reader.readVarint()
        guard value <= UInt64(UInt32.max) else {
            throw GapStoreError(.corruptRecord, "a stored category id is out of range; run `gapsearch verify`")
        }
        return UInt32(value)
    }

    // MARK: Submission

    static func encode(_ submission: Submission) -> [UInt8] {
        var writer = BinaryWriter(capacity: 64 + submission.impact.utf8.count + submission.context.utf8.count)
        writer.write(submissionVersion)
        writer.write(varint: submission.id.number)
        writer.write(varint: submission.gapID.number)
        writer.write(submission.accountID)
        writer.write(submission.opportunityID)
        writer.write(submission.severity.storageCode)
        writer.write(submission.impact)
        switch submission.workaround {
        case .unknown: writer.write(UInt8(0))
        case .none: writer.write(UInt8(1))
        case .described(let text):
            writer.write(UInt8(2))
            writer.write(text)
        }
        writer.write(submission.context)
        writer.write(submission.submitter)
        writer.write(signed: submission.createdAt.millis)
        writer.write(submission.externalID)
        return writer.bytes
    }

    static func decodeSubmission(_ bytes: UnsafeRawBufferPointer) throws(GapStoreError) -> Submission {
        var reader = BinaryReader(bytes, what: "submission")
        let format = try reader.readVersion(supported: 1...submissionVersion)
        let id = SubmissionID(try reader.readVarint())
        let gap = GapID(try reader.readVarint())
        let account = try reader.readOptionalString()
        let opportunity = try reader.readOptionalString()
        let severity = try Severity(storageCode: try reader.readByte())
        let impact = try reader.readString()
        let workaround: Workaround
        switch try reader.readByte() {
        case 0: workaround = .unknown
        case 1: workaround = .none
        case 2: workaround = .described(try reader.readString())
        case let tag: throw GapStoreError(.corruptRecord, "unknown workaround tag \(tag) in a stored submission")
        }
        let context = try reader.readString()
        let submitter = try reader.readOptionalString()
        let created = Date(millis: try reader.readSigned())
        return Submission(
            id: id, gapID: gap, accountID: account, opportunityID: opportunity, severity: severity, impact: impact,
            workaround: workaround, context: context, submitter: submitter, createdAt: created,
            externalID: format >= 2 ? try reader.readOptionalString() : nil)
    }

    static func encode(_ summary: SubmissionSummary) -> [UInt8] {
        var bytes: [UInt8] = [summary.severity.storageCode, summary.hasWorkaround ? 1 : 0]
        if let account = summary.accountID { bytes.append(contentsOf: account.utf8) }
        return bytes
    }

    static func decodeSummary(_ bytes: UnsafeRawBufferPointer) throws(GapStoreError) -> SubmissionSummary {
        guard bytes.count >= 2 else {
            throw GapStoreError(.corruptRecord, "a submission index entry is truncated; run `gapsearch reindex`")
        }
        let account = bytes.count > 2 ? String(decoding: UnsafeRawBufferPointer(rebasing: bytes[2...]), as: UTF8.self) : nil
        return SubmissionSummary(
            severity: try Severity(storageCode: bytes[0]), hasWorkaround: bytes[1] == 1, accountID: account)
    }

    // MARK: Account and opportunity

    static func encode(_ account: Account) -> [UInt8] {
        var writer = BinaryWriter()
        writer.write(version)
        writer.write(account.id)
        writer.write(account.name)
        return writer.bytes
    }

    static func decodeAccount(_ bytes: UnsafeRawBufferPointer) throws(GapStoreError) -> Account {
        var reader = BinaryReader(bytes, what: "account")
        _ = try reader.readVersion(supported: 1...version)
        return Account(id: try reader.readString(), name: try reader.readString())
    }

    static func encode(_ opportunity: Opportunity, sequence: UInt64) -> [UInt8] {
        var writer = BinaryWriter()
        writer.write(version)
        writer.write(opportunity.id)
        writer.write(opportunity.accountID)
        writer.write(opportunity.kind == .netNew ? UInt8(0) : UInt8(1))
        writer.write(signed: opportunity.amount)
        writer.write(opportunity.currency)
        writer.write(signed: opportunity.closeDate.millis)
        writer.write(varint: sequence)
        return writer.bytes
    }

    /// An opportunity and the change sequence that recorded it (the tie-breaker for "most
    /// recent").
    static func decodeOpportunity(_ bytes: UnsafeRawBufferPointer) throws(GapStoreError) -> (Opportunity, UInt64) {
        var reader = BinaryReader(bytes, what: "opportunity")
        _ = try reader.readVersion(supported: 1...version)
        let id = try reader.readString()
        let account = try reader.readString()
        let kind: OpportunityKind = try reader.readByte() == 0 ? .netNew : .renewal
        let amount = try reader.readSigned()
        let currency = try reader.readString()
        let close = Date(millis: try reader.readSigned())
        let sequence = try reader.readVarint()
        return (Opportunity(id: id, accountID: account, kind: kind, amount: amount, currency: currency, closeDate: close), sequence)
    }

    // MARK: History and change log

    static func encode(_ entry: HistoryEntry) -> [UInt8] {
        var writer = BinaryWriter()
        writer.write(version)
        writer.write(varint: entry.sequence)
        writer.write(signed: entry.time.millis)
        writer.write(entry.actor)
        switch entry.event {
        case .created(let forced):
            writer.write(UInt8(0))
            writer.write(forced)
        case .edited(let field, let old, let new):
            writer.write(UInt8(1))
            writer.write(field)
            writer.write(old)
            writer.write(new)
        case .statusChanged(let from, let to):
            writer.write(UInt8(2))
            writer.write(from.storageCode)
            writer.write(to.storageCode)
        case .mergedInto(let gap):
            writer.write(UInt8(3))
            writer.write(varint: gap.number)
        case .absorbed(let gap):
            writer.write(UInt8(4))
            writer.write(varint: gap.number)
        case .unmergedFrom(let gap):
            writer.write(UInt8(5))
            writer.write(varint: gap.number)
        case .released(let gap):
            writer.write(UInt8(6))
            writer.write(varint: gap.number)
        case .submissionAdded(let submission):
            writer.write(UInt8(7))
            writer.write(varint: submission.number)
        }
        writer.write(entry.note)
        return writer.bytes
    }

    static func decodeHistory(_ bytes: UnsafeRawBufferPointer) throws(GapStoreError) -> HistoryEntry {
        var reader = BinaryReader(bytes, what: "history")
        _ = try reader.readVersion(supported: 1...version)
        let sequence = try reader.readVarint()
        let time = Date(millis: try reader.readSigned())
        let actor = try reader.readOptionalString()
        let event: HistoryEntry.Event
        switch try reader.readByte() {
        case 0: event = .created(forced: try reader.readBool())
        case 1: event = .edited(field: try reader.readString(), old: try reader.readString(), new: try reader.readString())
        case 2:
            event = .statusChanged(
                from: try GapStatus(storageCode: try reader.readByte()), to: try GapStatus(storageCode: try reader.readByte()))
        case 3: event = .mergedInto(GapID(try reader.readVarint()))
        case 4: event = .absorbed(GapID(try reader.readVarint()))
        case 5: event = .unmergedFrom(GapID(try reader.readVarint()))
        case 6: event = .released(GapID(try reader.readVarint()))
        case 7: event = .submissionAdded(SubmissionID(try reader.readVarint()))
        case let tag: throw GapStoreError(.corruptRecord, "unknown history event \(tag); upgrade gapsearch or run `gapsearch verify`")
        }
        return HistoryEntry(sequence: sequence, time: time, actor: actor, event: event, note: try reader.readOptionalString())
    }

    static func encode(_ change: Change) -> [UInt8] {
        var writer = BinaryWriter()
        writer.write(version)
        writer.write(varint: change.sequence)
        writer.write(UInt8(Change.Kind.allCases.firstIndex(of: change.kind)!))
        writer.write(signed: change.time.millis)
        writer.write(varint: change.gaps.count)
        for gap in change.gaps { writer.write(varint: gap.number) }
        writer.write(optionalVarint: change.submission?.number)
        return writer.bytes
    }

    static func decodeChange(_ bytes: UnsafeRawBufferPointer) throws(GapStoreError) -> Change {
        var reader = BinaryReader(bytes, what: "change")
        _ = try reader.readVersion(supported: 1...version)
        let sequence = try reader.readVarint()
        let kindIndex = Int(try reader.readByte())
        guard kindIndex < Change.Kind.allCases.count else {
            throw GapStoreError(.corruptRecord, "unknown change kind \(kindIndex); upgrade gapsearch")
        }
        let time = Date(millis: try reader.readSigned())
        let count = try reader.readInt()
        var gaps: [GapID] = []
        for _ in 0..<count { gaps.append(GapID(try reader.readVarint())) }
        return Change(
            sequence: sequence, kind: Change.Kind.allCases[kindIndex], time: time, gaps: gaps,
            submission: try reader.readOptionalVarint().map(SubmissionID.init))
    }

    // MARK: Taxonomy

    static func encode(_ taxonomy: Taxonomy) -> [UInt8] {
        var writer = BinaryWriter()
        writer.write(version)
        writer.write(varint: UInt64(taxonomy.nextID))
        writer.write(varint: taxonomy.categories.count)
        for category in taxonomy.categories {
            writer.write(varint: UInt64(category.id))
            writer.write(category.name)
            writer.write(varint: category.subcategories.count)
            for sub in category.subcategories {
                writer.write(varint: UInt64(sub.id))
                writer.write(sub.name)
            }
        }
        return writer.bytes
    }

    static func decodeTaxonomy(_ bytes: UnsafeRawBufferPointer) throws(GapStoreError) -> Taxonomy {
        var reader = BinaryReader(bytes, what: "taxonomy")
        _ = try reader.readVersion(supported: 1...version)
        var taxonomy = Taxonomy()
        taxonomy.nextID = try uint32(&reader)
        for _ in 0..<(try reader.readInt()) {
            let id = try uint32(&reader)
            let name = try reader.readString()
            var subs: [Taxonomy.Subcategory] = []
            for _ in 0..<(try reader.readInt()) {
                subs.append(Taxonomy.Subcategory(id: try uint32(&reader), name: try reader.readString()))
            }
            taxonomy.categories.append(Taxonomy.Category(id: id, name: name, subcategories: subs))
        }
        return taxonomy
    }
}
