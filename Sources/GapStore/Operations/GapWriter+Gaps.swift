internal import LMDB

extension GapWriter {
    /// Creates a gap in one transaction, with its history's first entry.
    ///
    /// Text that reads like a bug report is saved all the same, with a warning in the result.
    ///
    /// - Parameters:
    ///   - draft: The new gap's fields. `category` (and `subcategory`) must be in the taxonomy.
    ///   - actor: Who creates it.
    ///   - forced: Whether the creator overrode a likely-duplicate warning (recorded in history).
    /// - Throws: ``GapStoreError/Code/invalidField`` for a bad field,
    ///   ``GapStoreError/Code/unknownCategory`` listing the valid categories,
    ///   ``GapStoreError/Code/alreadyExists`` for an external id already imported.
    @discardableResult
    public func createGap(_ draft: GapDraft, by actor: String, forced: Bool = false) throws(GapStoreError) -> GapCreation {
        let title = try Validate.title(draft.title)
        let description = try Validate.description(draft.description)
        let team = try Validate.optionalName(draft.team, field: "the team")
        let link = try Validate.issueLink(draft.externalLink)
        let externalID = try Validate.optionalIdentifier(draft.externalID, field: "the external id")
        let actor = try Validate.name(actor, field: "the actor")
        let created = draft.createdAt?.millis
        let warning = BugLikeText.warning(title: title, description: description)

        let gap: Gap = try perform("creating a gap", kind: .gapCreated) { txn, context in
            let taxonomy = try taxonomy(txn)
            var categoryIDs: (UInt32, UInt32) = (0, 0)
            if let category = draft.category, !category.trimmingWhitespace().isEmpty {
                categoryIDs = try taxonomy.resolve(category: category, subcategory: draft.subcategory)
            } else if let sub = draft.subcategory, !sub.trimmingWhitespace().isEmpty {
                throw GapStoreError(.invalidField, "a subcategory needs its category")
            }
            if let externalID, let existing = try txn.get(externalID, in: schema.gapsByExternalID) {
                let other = existing.withUnsafeBytes { GapID(KeyBytes.uint64($0, at: 0)) }
                throw GapStoreError(.alreadyExists, "external id \"\(externalID)\" was already imported as \(other)")
            }
            let id = GapID(try schema.nextCounter(MetaKey.nextGap, txn))
            let time = created ?? context.now
            let record = GapRecord(
                id: id, title: title, description: description, categoryID: categoryIDs.0,
                subcategoryID: categoryIDs.1, team: team, status: draft.status, createdAt: time, createdBy: actor,
                updatedAt: time, updatedBy: actor, externalLink: link, mergedInto: nil, externalID: externalID)
            try schema.saveGap(record, replacing: nil, txn)
            try schema.appendHistory(id, [.created(forced: forced)], actor: actor, note: nil, context, txn)
            return (record.gap(in: taxonomy), [id], nil)
        }
        return GapCreation(gap: gap, warnings: warning.map { [$0] } ?? [])
    }

    /// Changes a gap's title, description, category, team or issue link. Every changed field
    /// is a history entry (old → new); fields left `nil` in `edit` stay as they are.
    ///
    /// - Throws: ``GapStoreError/Code/notFound``; ``GapStoreError/Code/mergeConflict`` for a
    ///   merged gap (edit the survivor); field errors as in ``createGap(_:by:forced:)``;
    ///   ``GapStoreError/Code/invalidField`` when nothing would change.
    @discardableResult
    public func editGap(_ id: GapID, _ edit: GapEdit, by actor: String, note: String? = nil) throws(GapStoreError) -> Gap {
        let title = try edit.title.map { (text) throws(GapStoreError) in try Validate.title(text) }
        let description = try edit.description.map { (text) throws(GapStoreError) in try Validate.description(text) }
        let team = try edit.team.map { (text) throws(GapStoreError) in try Validate.optionalName(text, field: "the team") }
        let link = try edit.externalLink.map { (text) throws(GapStoreError) in try Validate.issueLink(text) }
        let actor = try Validate.name(actor, field: "the actor")
        let note = try Validate.note(note)

        return try perform("editing \(id)", kind: .gapEdited) { txn, context in
            let old = try schema.requireGap(id, txn)
            try old.refuseIfMerged()
            let taxonomy = try schema.loadTaxonomy(txn)
            var new = old
            var events: [HistoryEntry.Event] = []
            func record(_ field: String, _ before: String?, _ after: String?) {
                if before != after { events.append(.edited(field: field, old: before ?? "", new: after ?? "")) }
            }
            if let title { new.title = title }
            if let description { new.description = description }
            if let team { new.team = team }
            if let link { new.externalLink = link }
            if edit.category != nil || edit.subcategory != nil {
                let categoryName = edit.category ?? taxonomy.names(category: old.categoryID, subcategory: 0).0
                if let categoryName, !categoryName.trimmingWhitespace().isEmpty {
                    // A new category starts without a subcategory unless one is given.
                    (new.categoryID, new.subcategoryID) = try taxonomy.resolve(
                        category: categoryName, subcategory: edit.subcategory)
                } else if let sub = edit.subcategory, !sub.trimmingWhitespace().isEmpty {
                    throw GapStoreError(.invalidField, "a subcategory needs its category; set the category too")
                } else {
                    (new.categoryID, new.subcategoryID) = (0, 0)
                }
            }
            record("title", old.title, new.title)
            record("description", old.description, new.description)
            let oldNames = taxonomy.names(category: old.categoryID, subcategory: old.subcategoryID)
            let newNames = taxonomy.names(category: new.categoryID, subcategory: new.subcategoryID)
            record("category", oldNames.0, newNames.0)
            record("subcategory", oldNames.1, newNames.1)
            record("team", old.team, new.team)
            record("link", old.externalLink, new.externalLink)
            guard !events.isEmpty else {
                throw GapStoreError(.invalidField, "nothing to change: \(id) already has those values")
            }
            new.updatedAt = context.now
            new.updatedBy = actor
            try schema.saveGap(new, replacing: old, txn)
            try schema.appendHistory(id, events, actor: actor, note: note, context, txn)
            return (new.gap(in: taxonomy), [id], nil)
        }
    }

    /// Moves a gap to another status, following the workflow rules of ``GapStatus``.
    ///
    /// - Throws: ``GapStoreError/Code/illegalTransition`` for a move the workflow does not
    ///   allow or one missing its required note; ``GapStoreError/Code/mergeConflict`` for a
    ///   merged gap; ``GapStoreError/Code/notFound``.
    @discardableResult
    public func setStatus(_ id: GapID, to status: GapStatus, by actor: String, note: String? = nil) throws(GapStoreError) -> Gap {
        let actor = try Validate.name(actor, field: "the actor")
        let note = try Validate.note(note)
        return try perform("changing the status of \(id)", kind: .statusChanged) { txn, context in
            let old = try schema.requireGap(id, txn)
            try old.refuseIfMerged()
            guard old.status.canMove(to: status) else {
                let allowed = GapStatus.allCases.filter { old.status.canMove(to: $0) }.map(\.name)
                let reason = old.status == status ? "\(id) is already \(status.name)" : "\(id) cannot move from \(old.status.name) to \(status.name)"
                throw GapStoreError(.illegalTransition, "\(reason); from \(old.status.name) it can move to: \(allowed.joined(separator: ", "))")
            }
            if old.status.requiresNote(toMoveTo: status) && note == nil {
                let why = status == .wontDo ? "declining a gap (Won't do) needs a note saying why" : "reopening a \(old.status.name) gap needs a note saying why"
                throw GapStoreError(.illegalTransition, why)
            }
            var new = old
            new.status = status
            new.updatedAt = context.now
            new.updatedBy = actor
            try schema.saveGap(new, replacing: old, txn)
            try schema.appendHistory(id, [.statusChanged(from: old.status, to: status)], actor: actor, note: note, context, txn)
            return (new.gap(in: try schema.loadTaxonomy(txn)), [id], nil)
        }
    }

    /// Merges `source` into `target`: the two were the same request. `source`'s submissions
    /// count for `target` (a customer on both is counted once), looking up `source` resolves
    /// to `target`, and both histories record the merge. Undo it with ``unmerge(_:by:note:)``.
    ///
    /// If `target` was itself merged, the merge goes to the gap it resolves to.
    ///
    /// - Returns: The surviving gap.
    /// - Throws: ``GapStoreError/Code/mergeConflict`` when `source` is already merged, or the
    ///   two resolve to the same gap; ``GapStoreError/Code/notFound``.
    @discardableResult
    public func merge(_ source: GapID, into target: GapID, by actor: String, note: String? = nil) throws(GapStoreError) -> Gap {
        let actor = try Validate.name(actor, field: "the actor")
        let note = try Validate.note(note)
        return try perform("merging \(source) into \(target)", kind: .gapMerged) { txn, context in
            let old = try schema.requireGap(source, txn)
            if let existing = old.mergedInto {
                throw GapStoreError(.mergeConflict, "\(source) is already merged into \(existing); unmerge it first")
            }
            var survivor = try schema.resolve(target, txn)
            guard survivor.id != source else {
                throw GapStoreError(.mergeConflict, "\(target) resolves to \(source) itself; a gap cannot be merged into itself")
            }
            var merged = old
            merged.mergedInto = survivor.id
            merged.updatedAt = context.now
            merged.updatedBy = actor
            try schema.saveGap(merged, replacing: old, txn)
            let before = survivor
            survivor.updatedAt = context.now
            survivor.updatedBy = actor
            try schema.saveGap(survivor, replacing: before, txn)
            try schema.appendHistory(source, [.mergedInto(survivor.id)], actor: actor, note: note, context, txn)
            try schema.appendHistory(survivor.id, [.absorbed(source)], actor: actor, note: note, context, txn)
            return (survivor.gap(in: try schema.loadTaxonomy(txn)), [source, survivor.id], nil)
        }
    }

    /// Undoes a merge: `source` stands on its own again with its own submissions (those filed
    /// against it before the merge), and both histories record it.
    ///
    /// - Returns: The restored gap.
    /// - Throws: ``GapStoreError/Code/mergeConflict`` when `source` is not merged.
    @discardableResult
    public func unmerge(_ source: GapID, by actor: String, note: String? = nil) throws(GapStoreError) -> Gap {
        let actor = try Validate.name(actor, field: "the actor")
        let note = try Validate.note(note)
        return try perform("unmerging \(source)", kind: .gapUnmerged) { txn, context in
            let old = try schema.requireGap(source, txn)
            guard let target = old.mergedInto else {
                throw GapStoreError(.mergeConflict, "\(source) is not merged into another gap")
            }
            var restored = old
            restored.mergedInto = nil
            restored.updatedAt = context.now
            restored.updatedBy = actor
            try schema.saveGap(restored, replacing: old, txn)
            var formerSurvivor = try schema.requireGap(target, txn)
            let before = formerSurvivor
            formerSurvivor.updatedAt = context.now
            formerSurvivor.updatedBy = actor
            try schema.saveGap(formerSurvivor, replacing: before, txn)
            try schema.appendHistory(source, [.unmergedFrom(target)], actor: actor, note: note, context, txn)
            try schema.appendHistory(target, [.released(source)], actor: actor, note: note, context, txn)
            return (restored.gap(in: try schema.loadTaxonomy(txn)), [source, target], nil)
        }
    }

}
