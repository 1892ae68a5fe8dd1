public import Foundation
internal import LMDB

/// Makes changes to a store inside one write transaction; get one from
/// ``GapStore/batch(_:)``.
///
/// Every operation of ``GapStore`` that writes is available here too. In a batch they all
/// commit together or not at all, and each one is still isolated: when an operation throws,
/// the changes it had made are undone and the batch can go on (or throw, and write nothing).
/// A writer cannot escape its closure.
public struct GapWriter: ~Copyable {
    let store: GapStore
    /// The transaction, valid for the closure that received this writer.
    let transaction: UnsafePointer<Transaction>
    let now: Int64
    /// Whether each operation runs in a child transaction (batches), so that a failed one
    /// leaves the others intact. A single operation needs no child: its failure aborts all.
    let isolatesOperations: Bool
    /// The first failure of a non-isolated operation: the batch must not commit then, even
    /// if its closure caught the error (the operation may have written part of its changes).
    let failure: FailureRecord

    var schema: Schema { store.schema }

    /// The taxonomy, decoded once per non-isolating batch.
    func taxonomy(_ txn: borrowing Transaction) throws -> Taxonomy {
        if !isolatesOperations, let cached = failure.taxonomy { return cached }
        let taxonomy = try schema.loadTaxonomy(txn)
        if !isolatesOperations { failure.taxonomy = taxonomy }
        return taxonomy
    }

    /// Runs one logical operation: allocates its change log number, runs `body`, and appends
    /// the change record.
    func perform<R>(
        _ doing: String, kind: Change.Kind,
        _ body: (borrowing Transaction, WriteContext) throws -> (R, gaps: [GapID], submission: SubmissionID?)
    ) throws(GapStoreError) -> R {
        do {
            if isolatesOperations {
                return try transaction.pointee.withNestedTransaction { child in try apply(kind, child, body) }
            }
            return try apply(kind, transaction.pointee, body)
        } catch {
            let mapped: GapStoreError
            switch error {
            case let error as GapStoreError: mapped = error
            case let error as LMDBError: mapped = GapStoreError(storage: error, while: doing)
            default: mapped = GapStoreError(.storage, "\(doing): \(error)")
            }
            if !isolatesOperations && failure.first == nil { failure.first = mapped }
            throw mapped
        }
    }

    private func apply<R>(
        _ kind: Change.Kind, _ txn: borrowing Transaction,
        _ body: (borrowing Transaction, WriteContext) throws -> (R, gaps: [GapID], submission: SubmissionID?)
    ) throws -> R {
        let sequence = try schema.nextCounter(MetaKey.nextChange, txn)
        let context = WriteContext(sequence: sequence, now: now)
        let (result, gaps, submission) = try body(txn, context)
        let change = Change(sequence: sequence, kind: kind, time: Date(millis: now), gaps: gaps, submission: submission)
        try txn.put(RecordCodec.encode(change), forKey: Keys.change(sequence), in: schema.changes, flags: .append)
        return result
    }
}

/// Where a non-isolating writer records its first failure.
final class FailureRecord {
    var first: GapStoreError?
    /// The taxonomy as this batch last read or wrote it. Kept only by non-isolating writers:
    /// there a failed operation fails the whole batch, so a cached value can never outlive a
    /// rolled-back change. Saves decoding it for every gap of a large import.
    var taxonomy: Taxonomy?
}

/// What every write operation knows about itself.
struct WriteContext {
    /// The change log sequence number this operation commits as.
    let sequence: UInt64
    /// The operation's time, in milliseconds since 1970.
    let now: Int64
}

extension GapStore {
    /// Runs several write operations as one transaction: they commit together when `body`
    /// returns, or not at all when it throws. Much faster than one transaction each (one disk
    /// flush for all), and the way to import all-or-nothing.
    ///
    /// ```swift
    /// try store.batch { writer in
    ///     let gap = try writer.createGap(GapDraft(title: "Audit log streaming"), by: "import").gap
    ///     try writer.submit(SubmissionDraft(gapID: gap.id, accountID: "ACME", severity: .high, submitter: "import"))
    /// }
    /// ```
    ///
    /// `body` may run more than once if the store must grow its map midway, so keep side
    /// effects other than the writer's out of it. Other processes' writes wait until it
    /// commits.
    ///
    /// Isolating each operation costs a nested LMDB transaction (liblmdb allocates a few MB
    /// for each). Pass `isolatingOperations: false` for large batches of operations known to
    /// be valid (generated data, rows validated beforehand): then the first operation that
    /// fails makes the whole batch fail, even if `body` catches the error.
    ///
    /// - Throws: What `body` throws (nothing is written), the first failed operation's error
    ///   when not isolating, or a ``GapStoreError`` from the commit.
    public func batch<R>(isolatingOperations: Bool = true, _ body: (borrowing GapWriter) throws -> R) throws -> R {
        let now = clock().millis
        defer { afterWrite() }
        do {
            return try env.write { txn in
                try withUnsafePointer(to: txn) { pointer in
                    // Bound first: passing a fresh non-copyable value straight to `body` crashes
                    // the Swift 6.3 optimizer.
                    let failure = FailureRecord()
                    let writer = GapWriter(
                        store: self, transaction: pointer, now: now, isolatesOperations: isolatingOperations, failure: failure)
                    let result = try body(writer)
                    if let first = failure.first { throw first }
                    return result
                }
            }
        } catch let error as LMDBError {
            throw GapStoreError(storage: error, while: "committing a batch")
        }
    }

    /// Runs one operation in a transaction of its own.
    func writeOne<R>(_ body: (borrowing GapWriter) throws(GapStoreError) -> R) throws(GapStoreError) -> R {
        let now = clock().millis
        defer { afterWrite() }
        do {
            return try env.write { txn in
                try withUnsafePointer(to: txn) { pointer in
                    // Bound first: passing a fresh non-copyable value straight to `body` crashes
                    // the Swift 6.3 optimizer.
                    let writer = GapWriter(
                        store: self, transaction: pointer, now: now, isolatesOperations: false, failure: FailureRecord())
                    return try body(writer)
                }
            }
        } catch let error as GapStoreError {
            throw error
        } catch let error as LMDBError {
            throw GapStoreError(storage: error, while: "committing")
        } catch {
            throw GapStoreError(.storage, "committing: \(error)")
        }
    }

    /// Keeps the persisted search index fresh. A failure here loses nothing: searches apply
    /// the changes the segments lack, and the next write tries again.
    private func afterWrite() {
        switch options.indexUpkeep {
        case .afterWrites: try? maintainSearchIndex()
        case .background: upkeepWorker?.request()
        case .manual: break
        }
    }

    // Each write operation in a transaction of its own; see GapWriter for the documentation.

    /// Creates a gap; see ``GapWriter/createGap(_:by:forced:)``.
    @discardableResult
    public func createGap(_ draft: GapDraft, by actor: String, forced: Bool = false) throws(GapStoreError) -> GapCreation {
        try writeOne { (writer) throws(GapStoreError) in try writer.createGap(draft, by: actor, forced: forced) }
    }

    /// Edits a gap; see ``GapWriter/editGap(_:_:by:note:)``.
    @discardableResult
    public func editGap(_ id: GapID, _ edit: GapEdit, by actor: String, note: String? = nil) throws(GapStoreError) -> Gap {
        try writeOne { (writer) throws(GapStoreError) in try writer.editGap(id, edit, by: actor, note: note) }
    }

    /// Moves a gap to another status; see ``GapWriter/setStatus(_:to:by:note:)``.
    @discardableResult
    public func setStatus(_ id: GapID, to status: GapStatus, by actor: String, note: String? = nil) throws(GapStoreError) -> Gap {
        try writeOne { (writer) throws(GapStoreError) in try writer.setStatus(id, to: status, by: actor, note: note) }
    }

    /// Merges a duplicate into the surviving gap; see ``GapWriter/merge(_:into:by:note:)``.
    @discardableResult
    public func merge(_ source: GapID, into target: GapID, by actor: String, note: String? = nil) throws(GapStoreError) -> Gap {
        try writeOne { (writer) throws(GapStoreError) in try writer.merge(source, into: target, by: actor, note: note) }
    }

    /// Undoes a merge; see ``GapWriter/unmerge(_:by:note:)``.
    @discardableResult
    public func unmerge(_ source: GapID, by actor: String, note: String? = nil) throws(GapStoreError) -> Gap {
        try writeOne { (writer) throws(GapStoreError) in try writer.unmerge(source, by: actor, note: note) }
    }

    /// Files a submission; see ``GapWriter/submit(_:)``.
    @discardableResult
    public func submit(_ draft: SubmissionDraft) throws(GapStoreError) -> Submission {
        try writeOne { (writer) throws(GapStoreError) in try writer.submit(draft) }
    }

    /// Adds or renames an account; see ``GapWriter/saveAccount(id:name:)``.
    @discardableResult
    public func saveAccount(id: String, name: String) throws(GapStoreError) -> Account {
        try writeOne { (writer) throws(GapStoreError) in try writer.saveAccount(id: id, name: name) }
    }

    /// Records an opportunity; see ``GapWriter/saveOpportunity(id:accountID:kind:amount:currency:closeDate:)``.
    @discardableResult
    public func saveOpportunity(
        id: String, accountID: String, kind: OpportunityKind, amount: Int64, currency: String? = nil, closeDate: Date
    ) throws(GapStoreError) -> Opportunity {
        try writeOne { (writer) throws(GapStoreError) in
            try writer.saveOpportunity(id: id, accountID: accountID, kind: kind, amount: amount, currency: currency, closeDate: closeDate)
        }
    }

    /// Adds a category or subcategories; see ``GapWriter/addCategory(_:subcategories:)``.
    @discardableResult
    public func addCategory(_ name: String, subcategories: [String] = []) throws(GapStoreError) -> Taxonomy {
        try writeOne { (writer) throws(GapStoreError) in try writer.addCategory(name, subcategories: subcategories) }
    }

    /// Renames a category; see ``GapWriter/renameCategory(_:to:)``.
    @discardableResult
    public func renameCategory(_ name: String, to newName: String) throws(GapStoreError) -> Taxonomy {
        try writeOne { (writer) throws(GapStoreError) in try writer.renameCategory(name, to: newName) }
    }

    /// Renames a subcategory; see ``GapWriter/renameSubcategory(of:_:to:)``.
    @discardableResult
    public func renameSubcategory(of category: String, _ name: String, to newName: String) throws(GapStoreError) -> Taxonomy {
        try writeOne { (writer) throws(GapStoreError) in try writer.renameSubcategory(of: category, name, to: newName) }
    }
}
