public import Foundation
internal import LMDB

extension GapWriter {
    /// Adds a customer account, or renames an existing one.
    @discardableResult
    public func saveAccount(id: String, name: String) throws(GapStoreError) -> Account {
        let id = try Validate.identifier(id, field: "the account id")
        let name = try Validate.name(name, field: "the account name")
        return try perform("saving account \(id)", kind: .accountSaved) { txn, _ in
            let account = Account(id: id, name: name)
            try txn.put(RecordCodec.encode(account), forKey: id, in: schema.accounts)
            return (account, [], nil)
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
        return try perform("saving opportunity \(opportunity.id)", kind: .opportunitySaved) { txn, context in
            try schema.upsert(opportunity, context, txn)
            return (opportunity, [], nil)
        }
    }


    /// Checks an opportunity's fields that do not need the store.
    func validatedOpportunity(_ draft: OpportunityDraft, accountID: String) throws(GapStoreError) -> Opportunity {
        let id = try Validate.identifier(draft.id, field: "the opportunity id")
        let currency = (draft.currency ?? store.currency).trimmingWhitespace().uppercased()
        guard currency == store.currency else {
            throw GapStoreError(
                .currencyMismatch,
                "this store counts money in \(store.currency); convert the amount to \(store.currency) (got \(currency))")
        }
        guard draft.amount >= 0 else { throw GapStoreError(.invalidField, "an opportunity amount cannot be negative") }
        return Opportunity(id: id, accountID: accountID, kind: draft.kind, amount: draft.amount, currency: currency, closeDate: draft.closeDate)
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
        try perform(doing, kind: .taxonomyChanged) { txn, _ in
            var taxonomy = try schema.loadTaxonomy(txn)
            try change(&taxonomy)
            try txn.put(RecordCodec.encode(taxonomy), forKey: MetaKey.taxonomy, in: schema.meta)
            if !isolatesOperations { failure.taxonomy = taxonomy }
            return (taxonomy, [], nil)
        }
    }
}
