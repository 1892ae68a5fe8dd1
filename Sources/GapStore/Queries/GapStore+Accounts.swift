import Foundation
internal import LMDB

extension GapStore {
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

    /// The opportunities of an account, oldest close date first.
    public func opportunities(ofAccount accountID: String) throws(GapStoreError) -> [Opportunity] {
        try read("reading the opportunities of \(accountID)") { txn in
            var result: [Opportunity] = []
            try txn.scan(schema.opportunitiesByAccount, range: .prefix(Keys.accountPrefix(accountID))) { _, value in
                if let (opportunity, _) = try schema.loadOpportunity(String(decoding: value, as: UTF8.self), txn) {
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
        try read("reading the opportunities of \(accountID)") { txn in try schema.latestOpportunity(of: accountID, txn) }
    }

}

extension GapStore {
    /// The store's categories and subcategories.
    public func taxonomy() throws(GapStoreError) -> Taxonomy {
        try read("reading the taxonomy") { txn in try schema.loadTaxonomy(txn) }
    }

}
