import Foundation
import GapStore

/// Validates gap records against the store.
struct GapPlanner {
    let store: GapStore
    let options: ImportOptions
    let dates = DateCodec()

    func plan(_ plan: inout ImportPlan) throws {
        let taxonomy = try store.taxonomy()
        var firstLines: [String: Int] = [:]
        var lineOfKey: [String: Int] = [:]
        var pending: [(index: Int, gap: ImportPlan.PlannedGap, target: String?)] = []
        let present = try store.gapIDs(externalIDs: candidateKeys(plan.source))
        for (index, record) in plan.source.records.enumerated() {
            var issues = record.problems
            guard issues.isEmpty else {
                plan.reject(index, issues)
                continue
            }
            let line = record.line
            let key = recordKey(record, firstLines: &firstLines, issues: &issues)
            if let key, issues.isEmpty, present[key] != nil {
                plan.alreadyPresent += 1
                continue
            }
            let title = check(&issues, line: line, field: "title") { () throws(GapStoreError) in try Validate.title(record.value("title") ?? "") }
            let description = check(&issues, line: line, field: "description") { () throws(GapStoreError) in
                try Validate.description(record.value("description") ?? "")
            }
            let team = check(&issues, line: line, field: "team") { () throws(GapStoreError) in
                try Validate.optionalName(record.value("team"), field: "the team")
            }
            let link = check(&issues, line: line, field: "link") { () throws(GapStoreError) in try Validate.issueLink(record.value("link")) }
            let status = check(&issues, line: line, field: "status") { () throws(GapStoreError) in
                try record.value("status").map { (text) throws(GapStoreError) in try GapStatus.parse(text) } ?? .open
            }
            let created = parseDate(record, "created", dates, &issues)
            let creator = check(&issues, line: line, field: "created_by") { () throws(GapStoreError) in
                try Validate.optionalName(record.value("created_by"), field: "created_by")
            }
            let category = record.value("category")?.trimmingCharacters(in: .whitespaces)
            let subcategory = record.value("subcategory")?.trimmingCharacters(in: .whitespaces)
            checkCategory(category, subcategory, taxonomy, line: line, &issues)
            let target = record.value("merged_into")?.trimmingCharacters(in: .whitespaces)
            if let key, let target, target == key {
                issues.append(ImportIssue(line: line, field: "merged_into", message: "a gap cannot be merged into itself"))
            }
            guard issues.isEmpty, let key, let title, let description, let team, let link, let status, let creator else {
                plan.reject(index, issues)
                continue
            }
            lineOfKey[key] = line
            let draft = GapDraft(
                title: title, description: description, category: category, subcategory: subcategory, team: team,
                status: status, externalLink: link, externalID: key, createdAt: created)
            pending.append((index, ImportPlan.PlannedGap(line: line, key: key, draft: draft, creator: creator ?? options.actor, mergedInto: nil), target))
        }
        try resolveMerges(&pending, lineOfKey: lineOfKey, &plan)
        plan.gaps = pending.map(\.gap)
        plan.newCategories = options.createCategories ? newCategories(plan.gaps, taxonomy) : []
    }

    /// Unknown categories are an issue unless the import creates them.
    private func checkCategory(_ category: String?, _ subcategory: String?, _ taxonomy: Taxonomy, line: Int, _ issues: inout [ImportIssue]) {
        guard let category, !category.isEmpty else {
            if subcategory?.isEmpty == false {
                issues.append(ImportIssue(line: line, field: "subcategory", message: "a subcategory needs its category"))
            }
            return
        }
        if options.createCategories {
            _ = check(&issues, line: line, field: "category") { () throws(GapStoreError) in try Validate.name(category, field: "the category") }
            if let subcategory, !subcategory.isEmpty {
                _ = check(&issues, line: line, field: "subcategory") { () throws(GapStoreError) in try Validate.name(subcategory, field: "the subcategory") }
            }
            return
        }
        do {
            try taxonomy.check(category: category, subcategory: subcategory)
        } catch {
            let field = taxonomy.category(named: category) == nil ? "category" : "subcategory"
            issues.append(ImportIssue(line: line, field: field, message: error.message + "; or let the import add it with --create-categories"))
        }
    }

    /// Checks each `merged_into`: a gap of the file (itself valid, without a cycle) or of the
    /// store. Rejecting a gap can invalidate the gaps merged into it, so this repeats until
    /// nothing changes.
    private func resolveMerges(
        _ pending: inout [(index: Int, gap: ImportPlan.PlannedGap, target: String?)], lineOfKey: [String: Int], _ plan: inout ImportPlan
    ) throws {
        var existing: [String: GapID] = [:]
        for entry in pending {
            guard let target = entry.target, lineOfKey[target] == nil, existing[target] == nil else { continue }
            if let id = try Self.existingGap(target, in: store) { existing[target] = id }
        }
        var changed = true
        while changed {
            changed = false
            let valid = Set(pending.map(\.gap.key))
            let targets = Dictionary(uniqueKeysWithValues: pending.compactMap { entry in entry.target.map { (entry.gap.key, $0) } })
            var kept: [(index: Int, gap: ImportPlan.PlannedGap, target: String?)] = []
            for entry in pending {
                guard let target = entry.target else {
                    kept.append(entry)
                    continue
                }
                var problem: String?
                if valid.contains(target) {
                    var seen: Set<String> = [entry.gap.key]
                    var current = target
                    while let next = targets[current] {
                        if !seen.insert(current).inserted || next == entry.gap.key {
                            problem = "merging \"\(entry.gap.key)\" into \"\(target)\" makes a cycle of merges; one of them must stand alone"
                            break
                        }
                        current = next
                    }
                } else if let line = lineOfKey[target] {
                    problem = "\"\(target)\" (line \(line)) is itself invalid"
                } else if existing[target] == nil {
                    problem = "no gap \"\(target)\" in this file or the store; give the key of the surviving gap or its gapsearch id (GAP-000123)"
                }
                if let problem {
                    plan.reject(entry.index, [ImportIssue(line: entry.gap.line, field: "merged_into", message: problem)])
                    changed = true
                } else {
                    let gap = entry.gap
                    let mergeTarget: ImportPlan.MergeTarget = valid.contains(target) ? .inFile(target) : .existing(existing[target]!)
                    kept.append((entry.index, ImportPlan.PlannedGap(
                        line: gap.line, key: gap.key, draft: gap.draft, creator: gap.creator, mergedInto: mergeTarget), entry.target))
                }
            }
            pending = kept
        }
        plan.issues.sort { ($0.line ?? 0) < ($1.line ?? 0) }
    }

    /// The gap a reference names: an external id first, then a gapsearch id.
    static func existingGap(_ reference: String, in store: GapStore) throws -> GapID? {
        if let id = try store.gapIDs(externalIDs: [reference])[reference] { return id }
        if let id = GapID(reference), try store.gap(id, followMerges: false) != nil { return id }
        return nil
    }

    /// The categories and subcategories the valid gaps name that the taxonomy lacks.
    private func newCategories(_ gaps: [ImportPlan.PlannedGap], _ taxonomy: Taxonomy) -> [ImportPlan.NewCategory] {
        var result: [ImportPlan.NewCategory] = []
        for gap in gaps {
            guard let name = gap.draft.category, !name.isEmpty else { continue }
            let existing = taxonomy.category(named: name)
            let known = existing.map { Set($0.subcategories.map { $0.name.lowercased() }) } ?? []
            var index = result.firstIndex { $0.name.lowercased() == name.lowercased() }
            if index == nil {
                if existing != nil && (gap.draft.subcategory ?? "").isEmpty { continue }
                result.append(ImportPlan.NewCategory(name: existing?.name ?? name, isNew: existing == nil, subcategories: []))
                index = result.count - 1
            }
            if let sub = gap.draft.subcategory, !sub.isEmpty, !known.contains(sub.lowercased()),
                !result[index!].subcategories.contains(where: { $0.lowercased() == sub.lowercased() })
            {
                result[index!].subcategories.append(sub)
            }
        }
        return result.filter { $0.isNew || !$0.subcategories.isEmpty }
    }
}
