/// The store's categories and their subcategories.
///
/// Gaps refer to categories by a stable number, so renaming one touches no gap. Names are
/// matched case-insensitively and must be unique (subcategories within their category).
public struct Taxonomy: Sendable, Hashable {
    /// A category with its subcategories.
    public struct Category: Sendable, Hashable {
        let id: UInt32
        public internal(set) var name: String
        public internal(set) var subcategories: [Subcategory]
    }

    /// A subcategory of a ``Category``.
    public struct Subcategory: Sendable, Hashable {
        let id: UInt32
        public internal(set) var name: String
    }

    /// The categories, in the order they were added.
    public internal(set) var categories: [Category] = []
    var nextID: UInt32 = 1

    /// The category named `name` (case-insensitive).
    public func category(named name: String) -> Category? {
        let key = name.trimmingWhitespace().lowercased()
        return categories.first { $0.name.lowercased() == key }
    }

    func category(id: UInt32) -> Category? { categories.first { $0.id == id } }

    /// Checks that `category` (and `subcategory`, if given) exist, or throws
    /// ``GapStoreError/Code/unknownCategory`` listing the valid names — as creating a gap
    /// with them would.
    public func check(category: String, subcategory: String?) throws(GapStoreError) {
        _ = try resolve(category: category, subcategory: subcategory)
    }

    /// Resolves names to ids, or throws an error that lists the valid names.
    func resolve(category: String, subcategory: String?) throws(GapStoreError) -> (UInt32, UInt32) {
        guard let found = self.category(named: category) else {
            let valid = categories.isEmpty
                ? "the taxonomy is empty; add categories first (`gapsearch category add NAME`)"
                : "valid categories: " + categories.map(\.name).joined(separator: ", ")
            throw GapStoreError(.unknownCategory, "unknown category \"\(category)\"; \(valid)")
        }
        guard let subcategory, !subcategory.trimmingWhitespace().isEmpty else { return (found.id, 0) }
        let key = subcategory.trimmingWhitespace().lowercased()
        guard let sub = found.subcategories.first(where: { $0.name.lowercased() == key }) else {
            let valid = found.subcategories.isEmpty
                ? "\(found.name) has no subcategories"
                : "valid subcategories of \(found.name): " + found.subcategories.map(\.name).joined(separator: ", ")
            throw GapStoreError(.unknownCategory, "unknown subcategory \"\(subcategory)\"; \(valid)")
        }
        return (found.id, sub.id)
    }

    /// Names for stored ids (`nil` for 0 or an id no longer present).
    func names(category: UInt32, subcategory: UInt32) -> (String?, String?) {
        guard category != 0, let found = self.category(id: category) else { return (nil, nil) }
        return (found.name, found.subcategories.first { $0.id == subcategory }?.name)
    }

    static func validatedName(_ name: String, what: String) throws(GapStoreError) -> String {
        let trimmed = name.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw GapStoreError(.invalidField, "a \(what) name cannot be empty") }
        guard trimmed.count <= 100 else {
            throw GapStoreError(.invalidField, "a \(what) name is limited to 100 characters (got \(trimmed.count))")
        }
        return trimmed
    }

    mutating func addCategory(_ name: String, subcategories: [String]) throws(GapStoreError) -> Bool {
        let name = try Self.validatedName(name, what: "category")
        var added = false
        if category(named: name) == nil {
            categories.append(Category(id: nextID, name: name, subcategories: []))
            nextID += 1
            added = true
        }
        let index = categories.firstIndex { $0.name.lowercased() == name.lowercased() }!
        for sub in subcategories {
            let subName = try Self.validatedName(sub, what: "subcategory")
            if !categories[index].subcategories.contains(where: { $0.name.lowercased() == subName.lowercased() }) {
                categories[index].subcategories.append(Subcategory(id: nextID, name: subName))
                nextID += 1
                added = true
            }
        }
        return added
    }

    mutating func renameCategory(_ old: String, to new: String) throws(GapStoreError) {
        let newName = try Self.validatedName(new, what: "category")
        guard let index = categories.firstIndex(where: { $0.name.lowercased() == old.trimmingWhitespace().lowercased() })
        else { _ = try resolve(category: old, subcategory: nil); return }
        if let clash = category(named: newName), clash.id != categories[index].id {
            throw GapStoreError(.alreadyExists, "a category named \"\(clash.name)\" already exists")
        }
        categories[index].name = newName
    }

    mutating func renameSubcategory(of category: String, _ old: String, to new: String) throws(GapStoreError) {
        let newName = try Self.validatedName(new, what: "subcategory")
        let (categoryID, subID) = try resolve(category: category, subcategory: old)
        guard subID != 0 else { throw GapStoreError(.invalidField, "name the subcategory to rename") }
        let index = categories.firstIndex { $0.id == categoryID }!
        if let clash = categories[index].subcategories.first(where: { $0.name.lowercased() == newName.lowercased() }),
            clash.id != subID
        {
            throw GapStoreError(.alreadyExists, "\(categories[index].name) already has a subcategory \"\(clash.name)\"")
        }
        let subIndex = categories[index].subcategories.firstIndex { $0.id == subID }!
        categories[index].subcategories[subIndex].name = newName
    }
}
