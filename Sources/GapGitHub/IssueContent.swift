public import Foundation
public import GapStore

/// The GitHub issue for a gap: title, markdown body and labels, ready for the REST API's
/// `POST /repos/{owner}/{repo}/issues`.
///
/// The body ends with a machine-readable back-link, ``IssueMarker``, on its own last line.
public struct IssueContent: Sendable, Hashable {
    /// The gap the issue is for.
    public let gapID: GapID
    public var title: String
    /// Markdown, at most ``IssueContent/maximumBodyCharacters`` characters.
    public var body: String
    public var labels: [String]

    /// GitHub refuses issue titles longer than this.
    public static let maximumTitleCharacters = 256
    /// GitHub refuses bodies longer than 65,536 characters; this leaves room to spare.
    public static let maximumBodyCharacters = 65_000

    /// The issue as a markdown document: the title as a heading, then the body.
    public var markdown: String { "# \(title)\n\n\(body)\n" }

    /// The JSON payload of `POST /repos/{owner}/{repo}/issues`: `title`, `body`, `labels`.
    public func restPayload(prettyPrinted: Bool = false) -> Data {
        struct Payload: Encodable {
            var title: String
            var body: String
            var labels: [String]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = prettyPrinted ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys]
        // Encoding strings and string arrays cannot fail.
        return try! encoder.encode(Payload(title: title, body: body, labels: labels))
    }
}

/// How to render issues.
public struct IssueRenderOptions: Sendable, Hashable {
    /// Name the customers behind the gap. When `false`, customers are only counted — for
    /// repositories that people outside the company can read. Anonymous and internal
    /// submissions never name anyone either way, and the names (and account ids) of customers
    /// not named are replaced by "[customer]" wherever the gap's free text mentions them.
    public var namesCustomers: Bool
    /// Labels for the issue. ``IssueMarker/defaultLabel`` marks issues made by gapsearch.
    public var labels: [String]

    public init(namesCustomers: Bool = true, labels: [String] = [IssueMarker.defaultLabel]) {
        self.namesCustomers = namesCustomers
        self.labels = labels
    }
}

/// The back-link from an issue to its gap: `<!-- gapsearch:GAP-000123 -->`, an HTML comment
/// (invisible on GitHub) on the last line of the body. A sync recognises its own issues by it.
public enum IssueMarker {
    /// The label gapsearch puts on the issues it creates.
    public static let defaultLabel = "gapsearch"

    /// The marker line for a gap.
    public static func marker(for id: GapID) -> String { "<!-- gapsearch:\(id) -->" }

    /// The gap an issue body links back to: the marker on its last non-empty line. Only the
    /// last line counts, so a marker quoted in a gap's description cannot pose as the issue's.
    public static func gapID(inBody body: String) -> GapID? {
        guard let last = body.split(whereSeparator: \.isNewline).last(where: { !$0.allSatisfy(\.isWhitespace) }) else {
            return nil
        }
        let line = last.trimmingCharacters(in: .whitespaces)
        let prefix = "<!-- gapsearch:", suffix = " -->"
        guard line.hasPrefix(prefix), line.hasSuffix(suffix), line.count > prefix.count + suffix.count else { return nil }
        let id = line.dropFirst(prefix.count).dropLast(suffix.count)
        guard id.hasPrefix("GAP-"), let parsed = GapID(String(id)), parsed.description == id else { return nil }
        return parsed
    }
}

extension IssueContent {
    /// Renders the issue for `gap` from its impact and the submissions that count for it.
    ///
    /// Revenue at stake stays out: issues are often readable by more people than the CRM.
    ///
    /// - Parameters:
    ///   - accountNames: Customer names by account id, for every account among `submissions`
    ///     (those not named are scrubbed from free text); an account without one is shown by id.
    public init(
        gap: Gap, impact: GapImpact, submissions: [Submission], accountNames: [String: String],
        options: IssueRenderOptions = IssueRenderOptions()
    ) {
        gapID = gap.id
        title = gap.title.count <= Self.maximumTitleCharacters
            ? gap.title : String(gap.title.prefix(Self.maximumTitleCharacters - 1)) + "…"
        labels = options.labels

        // A customer is named only through a submission that is neither anonymous nor
        // anonymised; internal feedback has no customer to name. Free text is scrubbed of the
        // names of the customers not named, which people often write into it.
        let namedAccounts = options.namesCustomers ? Set(submissions.filter { !$0.isAnonymous }.compactMap(\.accountID)) : []
        let hidden = Set(submissions.compactMap(\.accountID)).subtracting(namedAccounts)
        let hiddenNames = hidden.flatMap { [$0, accountNames[$0]].compactMap { $0 } }
        func text(_ raw: String) -> String { redact(raw, names: hiddenNames) }
        func who(_ submission: Submission) -> String {
            guard let account = submission.accountID else { return "Internal feedback" }
            guard namedAccounts.contains(account), !submission.isAnonymous else { return "A customer" }
            return escape(accountNames[account] ?? account)
        }

        var sections: [String] = []
        let description = text(gap.description).trimmingCharacters(in: .whitespacesAndNewlines)
        sections.append(description.isEmpty ? "_No description yet._" : description)

        var impactLines: [String] = []
        var customerLine = "**\(plural(impact.customers, "customer"))**"
        if !namedAccounts.isEmpty {
            let names = namedAccounts.map { escape(accountNames[$0] ?? $0) }.sorted { $0.lowercased() < $1.lowercased() }
            if !names.isEmpty {
                let unnamed = impact.customers - names.count
                customerLine += ": " + names.joined(separator: ", ")
                if unnamed > 0 { customerLine += ", and \(unnamed) who asked anonymously" }
            }
        }
        impactLines.append(customerLine)
        var submissionLine = "\(plural(impact.submissions, "submission"))"
        if impact.internalSubmissions > 0 { submissionLine += " (\(impact.internalSubmissions) internal)" }
        impactLines.append(submissionLine)
        impactLines.append(
            "Severity: " + Severity.allCases.map { "\($0.rawValue) \(impact.severity[$0])" }.joined(separator: " · "))
        sections.append("### Impact\n\n" + impactLines.map { "- " + $0 }.joined(separator: "\n"))

        let worstFirst = submissions.sorted { ($0.severity, $0.id) < ($1.severity, $1.id) }
        let statements = worstFirst.compactMap { submission -> String? in
            let statement = oneLine(text(submission.impact))
            return statement.isEmpty ? nil : "- **\(submission.severity.rawValue)** — \(who(submission)): \(statement)"
        }
        if !statements.isEmpty { sections.append("### What it means for them\n\n" + statements.joined(separator: "\n")) }

        var workarounds: [String] = []
        var withoutWorkaround = 0
        for submission in worstFirst {
            switch submission.workaround {
            case .described(let workaround):
                workarounds.append("- \(who(submission)) (\(submission.severity.rawValue)): \(oneLine(text(workaround)))")
            case .none: withoutWorkaround += 1
            case .unknown: break
            }
        }
        if withoutWorkaround > 0 {
            workarounds.append("- \(plural(withoutWorkaround, "submission")) \(withoutWorkaround == 1 ? "has" : "have") no workaround")
        }
        if !workarounds.isEmpty { sections.append("### Workarounds\n\n" + workarounds.joined(separator: "\n")) }

        var facts = ["Status: \(gap.status.name)"]
        if let category = gap.category { facts.append("Category: \(category)\(gap.subcategory.map { " / \($0)" } ?? "")") }
        if let team = gap.team { facts.append("Team: \(team)") }
        let footer = "---\n<sub>From gapsearch \(gap.id) · \(facts.joined(separator: " · "))</sub>\n\(IssueMarker.marker(for: gap.id))"

        var text = sections.joined(separator: "\n\n")
        let room = Self.maximumBodyCharacters - footer.count - 2
        if text.count > room {
            let note = "\n\n_… shortened to fit GitHub's limit; see \(gap.id) in gapsearch for the rest._"
            text = String(text.prefix(room - note.count)) + note
        }
        body = text + "\n\n" + footer
    }
}

extension GapStore {
    /// The GitHub issue for gap `id` (a merged gap renders as the gap it was merged into),
    /// counting every submission of its merge family.
    ///
    /// - Throws: ``GapStoreError/Code/notFound`` when no gap has that id.
    public func issueContent(for id: GapID, options: IssueRenderOptions = IssueRenderOptions()) throws(GapStoreError) -> IssueContent {
        guard let gap = try gap(id) else {
            throw GapStoreError(.notFound, "no gap \(id); `gapsearch gap list` shows the existing ones")
        }
        let impact = try impact(of: gap.id)
        let submissions = try submissions(forGap: gap.id)
        var names: [String: String] = [:]
        for account in Set(submissions.compactMap(\.accountID)) { names[account] = try self.account(account)?.name }
        return IssueContent(gap: gap, impact: impact, submissions: submissions, accountNames: names, options: options)
    }
}

/// Free text on one line of a markdown list.
private func oneLine(_ text: String) -> String {
    text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        .joined(separator: " ")
}

/// `text` with every whole-word occurrence of `names` (any case) replaced by "[customer]".
private func redact(_ text: String, names: [String]) -> String {
    var result = text
    // Longest first, so that "Acme Corp" goes before "Acme".
    for name in names.map({ $0.trimmingCharacters(in: .whitespaces) }).filter({ $0.count >= 2 }).sorted(by: { $0.count > $1.count }) {
        var searchStart = result.startIndex
        while let range = result.range(of: name, options: [.caseInsensitive], range: searchStart..<result.endIndex) {
            let before = range.lowerBound == result.startIndex ? nil : result[result.index(before: range.lowerBound)]
            let after = range.upperBound == result.endIndex ? nil : result[range.upperBound]
            let isWord = !(before?.isLetter ?? false) && !(before?.isNumber ?? false)
                && !(after?.isLetter ?? false) && !(after?.isNumber ?? false)
            if isWord {
                let offset = result.distance(from: result.startIndex, to: range.lowerBound)
                result.replaceSubrange(range, with: "[customer]")
                searchStart = result.index(result.startIndex, offsetBy: offset + "[customer]".count)
            } else {
                searchStart = range.upperBound
            }
        }
    }
    return result
}

/// A name as literal markdown text: no emphasis, links or HTML from a customer's name.
private func escape(_ name: String) -> String {
    var escaped = ""
    for character in oneLine(name) {
        if "\\`*_[]<>#|~".contains(character) { escaped.append("\\") }
        escaped.append(character)
    }
    return escaped
}

private func plural(_ count: Int, _ noun: String) -> String { count == 1 ? "1 \(noun)" : "\(count) \(noun)s" }
