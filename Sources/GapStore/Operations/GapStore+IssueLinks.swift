import Foundation
internal import LMDB

// Linking gaps to the issues that track them, safely across crashes: a sync records a
// pending issue, asks the tracker to create it, then links the gap, which also clears the
// pending record. See ``PendingIssue``.

extension GapWriter {
    /// Stores the URL of the issue that tracks a gap, records it in the gap's history, and
    /// clears the gap's ``PendingIssue`` — all in one transaction.
    ///
    /// Linking a gap to the URL it already has changes nothing but the pending record, so a
    /// sync that retries after a crash can call it again.
    ///
    /// - Throws: ``GapStoreError/Code/invalidField`` for a URL that is not a GitHub issue URL;
    ///   ``GapStoreError/Code/alreadyExists`` when the gap is linked to another issue;
    ///   ``GapStoreError/Code/mergeConflict`` for a merged gap; ``GapStoreError/Code/notFound``.
    @discardableResult
    public func linkIssue(_ id: GapID, url: String, by actor: String, note: String? = nil) throws(GapStoreError) -> Gap {
        guard let link = try Validate.issueLink(url) else {
            throw GapStoreError(.invalidField, "linking \(id) needs an issue URL such as https://github.com/OWNER/REPO/issues/1")
        }
        let actor = try Validate.name(actor, field: "the actor")
        let note = try Validate.note(note)
        return try perform("linking \(id) to \(link)", kind: .gapEdited) { txn, context in
            let old = try schema.requireGap(id, txn)
            try old.refuseIfMerged()
            if let pending = schema.pendingIssues { _ = try txn.delete(Keys.gap(id), in: pending) }
            if let existing = old.externalLink {
                guard existing == link else {
                    throw GapStoreError(
                        .alreadyExists,
                        "\(id) is already linked to \(existing); clear its link first (gapsearch gap edit \(id) --link \"\") to link \(link)")
                }
                return (old.gap(in: try schema.loadTaxonomy(txn)), [id], nil)
            }
            var new = old
            new.externalLink = link
            new.updatedAt = context.now
            new.updatedBy = actor
            try schema.saveGap(new, replacing: old, txn)
            try schema.appendHistory(id, [.edited(field: "link", old: "", new: link)], actor: actor, note: note, context, txn)
            return (new.gap(in: try schema.loadTaxonomy(txn)), [id], nil)
        }
    }
}

extension GapStore {
    /// Links a gap to its issue; see ``GapWriter/linkIssue(_:url:by:note:)``.
    @discardableResult
    public func linkIssue(_ id: GapID, url: String, by actor: String, note: String? = nil) throws(GapStoreError) -> Gap {
        try writeOne { (writer) throws(GapStoreError) in try writer.linkIssue(id, url: url, by: actor, note: note) }
    }

    /// Durably records that an issue is about to be created for gap `id` at `destination`,
    /// replacing any earlier pending record of the gap. Call it before asking the tracker to
    /// create the issue; ``linkIssue(_:url:by:note:)`` clears it.
    ///
    /// It is bookkeeping, not a change to the gap: no history entry, no change log entry.
    ///
    /// - Throws: ``GapStoreError/Code/notFound``; ``GapStoreError/Code/mergeConflict`` for a
    ///   merged gap; ``GapStoreError/Code/alreadyExists`` when the gap already has an issue;
    ///   ``GapStoreError/Code/invalidField`` for an empty or overlong destination.
    @discardableResult
    public func recordPendingIssue(_ id: GapID, destination: String) throws(GapStoreError) -> PendingIssue {
        let destination = destination.trimmingWhitespace()
        guard !destination.isEmpty, destination.utf8.count <= 1000,
            !destination.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw GapStoreError(.invalidField, "an issue destination must be one line of 1–1,000 bytes (got \"\(destination)\")")
        }
        let pending = PendingIssue(gapID: id, destination: destination, since: Date(millis: clock().millis))
        try writePendingIssues("recording a pending issue for \(id)") { txn, database in
            let gap = try schema.requireGap(id, txn)
            try gap.refuseIfMerged()
            if let link = gap.externalLink {
                throw GapStoreError(.alreadyExists, "\(id) already has an issue: \(link)")
            }
            try txn.put(RecordCodec.encode(pending), forKey: Keys.gap(id), in: database)
        }
        return pending
    }

    /// Removes gap `id`'s pending issue, if it has one: the issue turned out not to exist, or
    /// will not be created. Returns whether there was one.
    @discardableResult
    public func clearPendingIssue(_ id: GapID) throws(GapStoreError) -> Bool {
        try writePendingIssues("clearing the pending issue of \(id)") { txn, database in
            try txn.delete(Keys.gap(id), in: database)
        }
    }

    /// Every pending issue, by gap id.
    public func pendingIssues() throws(GapStoreError) -> [PendingIssue] {
        try read("reading pending issues") { txn in
            guard let database = schema.pendingIssues else { return [] }
            var result: [PendingIssue] = []
            try txn.scan(database) { key, value in
                result.append(try RecordCodec.decodePendingIssue(GapID(KeyBytes.uint64(key, at: 0)), value))
                return .proceed
            }
            return result
        }
    }

    private func writePendingIssues<R>(
        _ doing: String, _ body: (borrowing Transaction, Database) throws -> R
    ) throws(GapStoreError) -> R {
        guard let database = schema.pendingIssues else {
            throw GapStoreError(.storage, "\(doing): the store is open read-only")
        }
        do {
            return try env.write { txn in try body(txn, database) }
        } catch let error as GapStoreError {
            throw error
        } catch let error as LMDBError {
            throw GapStoreError(storage: error, while: doing)
        } catch {
            throw GapStoreError(.storage, "\(doing): \(error)")
        }
    }
}

extension RecordCodec {
    static func encode(_ pending: PendingIssue) -> [UInt8] {
        var writer = BinaryWriter()
        writer.write(version)
        writer.write(pending.destination)
        writer.write(signed: pending.since.millis)
        return writer.bytes
    }

    static func decodePendingIssue(_ gap: GapID, _ bytes: UnsafeRawBufferPointer) throws(GapStoreError) -> PendingIssue {
        var reader = BinaryReader(bytes, what: "pending issue")
        _ = try reader.readVersion(supported: 1...version)
        let destination = try reader.readString()
        return PendingIssue(gapID: gap, destination: destination, since: Date(millis: try reader.readSigned()))
    }
}
