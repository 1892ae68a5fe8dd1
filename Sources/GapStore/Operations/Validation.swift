/// Field rules shared by every operation. Each returns the cleaned value or throws an
/// ``GapStoreError/Code/invalidField`` error that names the field and the limit.
///
/// Public so that callers can check input before writing (an import validates every row
/// first) with exactly the rules the write path applies.
public enum Validate {
    /// The longest title, in characters.
    public static let maxTitleCharacters = 300
    /// The longest description, in UTF-8 bytes.
    public static let maxDescriptionBytes = 64 * 1024
    /// The longest free text (impact, workaround, context, note), in UTF-8 bytes.
    public static let maxTextBytes = 16 * 1024
    /// The longest name (people, teams, accounts), in characters.
    public static let maxNameCharacters = 100
    /// The longest external identifier, in UTF-8 bytes.
    public static let maxIdentifierBytes = 200

    /// A gap title: one line, 1–300 characters.
    public static func title(_ text: String) throws(GapStoreError) -> String {
        let title = text.trimmingWhitespace()
        guard !title.isEmpty else { throw GapStoreError(.invalidField, "a gap needs a title (1–\(maxTitleCharacters) characters)") }
        guard title.count <= maxTitleCharacters else {
            throw GapStoreError(.invalidField, "the title is \(title.count) characters; the limit is \(maxTitleCharacters) — move details to the description")
        }
        guard !title.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw GapStoreError(.invalidField, "the title must be one line without control characters")
        }
        return title
    }

    /// A gap description: up to 64 KiB.
    public static func description(_ text: String) throws(GapStoreError) -> String {
        let description = text.trimmingWhitespace()
        guard description.utf8.count <= maxDescriptionBytes else {
            throw GapStoreError(.invalidField, "the description is \(description.utf8.count) bytes; the limit is 64 KiB (\(maxDescriptionBytes) bytes)")
        }
        return description
    }

    /// Free text such as impact, workaround, context and notes.
    public static func text(_ text: String, field: String) throws(GapStoreError) -> String {
        let cleaned = text.trimmingWhitespace()
        guard cleaned.utf8.count <= maxTextBytes else {
            throw GapStoreError(.invalidField, "\(field) is \(cleaned.utf8.count) bytes; the limit is 16 KiB")
        }
        return cleaned
    }

    /// An optional note; empty means none.
    public static func note(_ note: String?) throws(GapStoreError) -> String? {
        guard let note else { return nil }
        let cleaned = try text(note, field: "the note")
        return cleaned.isEmpty ? nil : cleaned
    }

    /// Names of people, teams, accounts: one line, 1–100 characters.
    public static func name(_ text: String, field: String) throws(GapStoreError) -> String {
        let name = text.trimmingWhitespace()
        guard !name.isEmpty else { throw GapStoreError(.invalidField, "\(field) cannot be empty") }
        guard name.count <= maxNameCharacters else {
            throw GapStoreError(.invalidField, "\(field) is limited to \(maxNameCharacters) characters (got \(name.count))")
        }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw GapStoreError(.invalidField, "\(field) must be one line without control characters")
        }
        return name
    }

    /// An optional name; empty means none.
    public static func optionalName(_ text: String?, field: String) throws(GapStoreError) -> String? {
        guard let text, !text.trimmingWhitespace().isEmpty else { return nil }
        return try name(text, field: field)
    }

    /// External ids (CRM account and opportunity ids, import ids): 1–200 bytes, no control
    /// characters.
    public static func identifier(_ text: String, field: String) throws(GapStoreError) -> String {
        let id = text.trimmingWhitespace()
        guard !id.isEmpty else { throw GapStoreError(.invalidField, "\(field) cannot be empty") }
        guard id.utf8.count <= maxIdentifierBytes else {
            throw GapStoreError(.invalidField, "\(field) is limited to \(maxIdentifierBytes) bytes (got \(id.utf8.count))")
        }
        guard !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw GapStoreError(.invalidField, "\(field) must not contain control characters")
        }
        return id
    }

    /// An optional identifier; empty means none.
    public static func optionalIdentifier(_ text: String?, field: String) throws(GapStoreError) -> String? {
        guard let text, !text.trimmingWhitespace().isEmpty else { return nil }
        return try identifier(text, field: field)
    }

    /// A GitHub issue URL: `https://HOST/OWNER/REPO/issues/NUMBER` (github.com or an
    /// Enterprise host).
    public static func issueLink(_ text: String?) throws(GapStoreError) -> String? {
        guard let text, !text.trimmingWhitespace().isEmpty else { return nil }
        let link = text.trimmingWhitespace()
        let invalid = GapStoreError(
            .invalidField, "\"\(link)\" is not a GitHub issue URL; expected https://github.com/OWNER/REPO/issues/NUMBER")
        guard link.hasPrefix("https://"), link.utf8.count <= 500 else { throw invalid }
        let parts = link.dropFirst("https://".count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 5, !parts[0].isEmpty, !parts[1].isEmpty, !parts[2].isEmpty, parts[3] == "issues",
            let number = Int(parts[4]), number > 0,
            parts[0...2].allSatisfy({ $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) } })
        else { throw invalid }
        return link
    }
}
