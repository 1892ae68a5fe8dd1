public import Foundation
internal import LMDB

extension GapStore {
    /// Adds a customer account, or renames an existing one.
    @discardableResult
    public func saveAccount(id: String, name: String) throws(GapStoreError) -> Account {
        let id = try Validate.identifier(id, field: "the account id")
        let name = try Validate.name(name, field: "the account name")
        return try write("saving account \(id)", kind: .accountSaved) { txn, _ in
            let account = Account(id: id, name: name)
            try txn.put(RecordCodec.encode(account), forKey: id, in: schema.accounts)
            return (account, [], nil)
        }
    }

    /// The account with that id.
    public func account(_ id: String) throws(GapStoreError) -> Account? {
        try read("reading account \(id)") { txn in
            try txn.withValue(forKey: id, in: schema.accounts) { bytes in try RecordCodec.decodeAccount(bytes) }
        }
    }

    /// Every account, ordered by id.
    public func accounts() throws(GapStoreError) -> [Account] {
        try read("listing accounts") { txn in
            var result: [Account] = []
            try txn.scan(schema.accounts) { _, value in
                result.append(try RecordCodec.decodeAccount(value))
                return .proceed
            }
            return result
        }
    }

    /// Records an opportunity of an existing account, or updates one with the same id.
    ///
    /// - Throws: ``GapStoreError/Code/currencyMismatch`` when its currency is not the store's;
    ///   ``GapStoreError/Code/notFound`` for an unknown account;
    ///   ``GapStoreError/Code/invalidField`` for a negative amount or an opportunity that
    ///   already belongs to another account.
    @discardableResult
    public func saveOpportunity(
        id: String, accountID: String, kind: OpportunityKind, amount: Int64, currency: String? = nil, closeDate: Date
    ) throws(GapStoreError) -> Opportunity {
        let accountID = try Validate.identifier(accountID, field: "the account id")
        let opportunity = try validatedOpportunity(
            OpportunityDraft(id: id, kind: kind, amount: amount, currency: currency, closeDate: closeDate), accountID: accountID)
        return try write("saving opportunity \(opportunity.id)", kind: .opportunitySaved) { txn, context in
            try upsert(opportunity, context, txn)
            return (opportunity, [], nil)
        }
    }

    /// Checks an opportunity's fields that do not need the store.
    func validatedOpportunity(_ draft: OpportunityDraft, accountID: String) throws(GapStoreError) -> Opportunity {
        let id = try Validate.identifier(draft.id, field: "the opportunity id")
        let currency = (draft.currency ?? self.currency).trimmingWhitespace().uppercased()
        guard currency == self.currency else {
            throw GapStoreError(
                .currencyMismatch,
                "this store counts money in \(self.currency); convert the amount to \(self.currency) (got \(currency))")
        }
        guard draft.amount >= 0 else { throw GapStoreError(.invalidField, "an opportunity amount cannot be negative") }
        return Opportunity(id: id, accountID: accountID, kind: draft.kind, amount: draft.amount, currency: currency, closeDate: draft.closeDate)
    }

    /// Stores an opportunity of an existing account, replacing one with the same id.
    func upsert(_ opportunity: Opportunity, _ context: WriteContext, _ txn: borrowing Transaction) throws {
        guard try txn.contains(opportunity.accountID, in: schema.accounts) else {
            throw GapStoreError(.notFound, "no account \"\(opportunity.accountID)\"; add it first")
        }
        if let (old, oldSequence) = try loadOpportunity(opportunity.id, txn) {
            guard old.accountID == opportunity.accountID else {
                throw GapStoreError(.invalidField, "opportunity \(opportunity.id) belongs to account \(old.accountID), not \(opportunity.accountID)")
            }
            try txn.delete(
                Keys.accountOpportunity(old.accountID, closeMillis: old.closeDate.millis, sequence: oldSequence),
                in: schema.opportunitiesByAccount)
        }
        try txn.put(RecordCodec.encode(opportunity, sequence: context.sequence), forKey: opportunity.id, in: schema.opportunities)
        try txn.put(
            opportunity.id,
            forKey: Keys.accountOpportunity(opportunity.accountID, closeMillis: opportunity.closeDate.millis, sequence: context.sequence),
            in: schema.opportunitiesByAccount)
    }

    func loadOpportunity(_ id: String, _ txn: borrowing Transaction) throws -> (Opportunity, UInt64)? {
        try txn.withValue(forKey: id, in: schema.opportunities) { bytes in try RecordCodec.decodeOpportunity(bytes) }
    }

    /// The opportunities of an account, oldest close date first.
    public func opportunities(ofAccount accountID: String) throws(GapStoreError) -> [Opportunity] {
        try read("reading the opportunities of \(accountID)") { txn in
            var result: [Opportunity] = []
            try txn.scan(schema.opportunitiesByAccount, range: .prefix(Keys.accountPrefix(accountID))) { _, value in
                if let (opportunity, _) = try loadOpportunity(String(decoding: value, as: UTF8.self), txn) {
                    result.append(opportunity)
                }
                return .proceed
            }
            return result
        }
    }

    /// The account's most recent opportunity: the latest close date, and of two on the same
    /// date the one recorded later. Its amount is the account's revenue at stake.
    public func mostRecentOpportunity(ofAccount accountID: String) throws(GapStoreError) -> Opportunity? {
        try read("reading the opportunities of \(accountID)") { txn in try latestOpportunity(of: accountID, txn) }
    }

    func latestOpportunity(of accountID: String, _ txn: borrowing Transaction) throws -> Opportunity? {
        var latest: String?
        try txn.scan(schema.opportunitiesByAccount, range: .prefix(Keys.accountPrefix(accountID)), reverse: true) { _, value in
            latest = String(decoding: value, as: UTF8.self)
            return .stop
        }
        guard let latest else { return nil }
        return try loadOpportunity(latest, txn)?.0
    }
}

extension GapStore {
    /// The store's categories and subcategories.
    public func taxonomy() throws(GapStoreError) -> Taxonomy {
        try read("reading the taxonomy") { txn in try loadTaxonomy(txn) }
    }

    /// Adds a category (if new) and any of `subcategories` it does not have yet.
    ///
    /// - Returns: The taxonomy after the change.
    /// - Throws: ``GapStoreError/Code/alreadyExists`` when nothing is new.
    @discardableResult
    public func addCategory(_ name: String, subcategories: [String] = []) throws(GapStoreError) -> Taxonomy {
        try changeTaxonomy("adding category \(name)") { (taxonomy) throws(GapStoreError) in
            guard try taxonomy.addCategory(name, subcategories: subcategories) else {
                throw GapStoreError(.alreadyExists, "category \"\(name)\" already has those subcategories")
            }
        }
    }

    /// Renames a category; gaps refer to it by number, so they follow.
    @discardableResult
    public func renameCategory(_ name: String, to newName: String) throws(GapStoreError) -> Taxonomy {
        try changeTaxonomy("renaming category \(name)") { (taxonomy) throws(GapStoreError) in
            try taxonomy.renameCategory(name, to: newName)
        }
    }

    /// Renames a subcategory of `category`.
    @discardableResult
    public func renameSubcategory(of category: String, _ name: String, to newName: String) throws(GapStoreError) -> Taxonomy {
        try changeTaxonomy("renaming subcategory \(name)") { (taxonomy) throws(GapStoreError) in
            try taxonomy.renameSubcategory(of: category, name, to: newName)
        }
    }

    private func changeTaxonomy(
        _ doing: String, _ change: (inout Taxonomy) throws(GapStoreError) -> Void
    ) throws(GapStoreError) -> Taxonomy {
        try write(doing, kind: .taxonomyChanged) { txn, _ in
            var taxonomy = try loadTaxonomy(txn)
            try change(&taxonomy)
            try txn.put(RecordCodec.encode(taxonomy), forKey: MetaKey.taxonomy, in: schema.meta)
            return (taxonomy, [], nil)
        }
    }
}
