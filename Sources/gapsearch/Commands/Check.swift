import ArgumentParser
import Foundation
import GapIndex
import GapStore

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search for existing gaps that already cover a draft (run it before creating one).",
        discussion: """
            Typo-tolerant and stem-aware; ranks by how well the title and description match,
            preferring recent gaps and the draft's category. Exit code 2 when the best
            candidate is a likely duplicate (confidence ≥ \(GapStore.likelyDuplicateConfidence)), 0 otherwise.

            With --jsonl it serves drafts from standard input, one JSON object per line
            ({"title", "description", "k", "statuses", "categories", "teams", "category"}; only
            title or description is required), and writes one JSON result per line (the --json
            shape, or {"error": "…", "line": N} for a line it cannot serve, and goes on),
            flushed after each — for services and load tools. Blank lines are skipped. It keeps
            the store open and sees other processes' writes between drafts.

            Examples:
              gapsearch check "SAML group sync with Okta"
              gapsearch check "Export audit logs to S3" --description-file draft.md --explain
              gapsearch check "Batch changes for GitLab" --status open --status in-review --json
              echo '{"title":"saml group sync","k":3}' | gapsearch check --jsonl
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The draft's title.") var title: String?
    @Flag(help: "Read drafts as JSON lines from standard input; write one result per line.") var jsonl = false
    @Option(help: "The draft's description.") var description: String?
    @Option(help: ArgumentHelp("Read the description from a file ('-' for standard input).", valueName: "file"))
    var descriptionFile: String?
    @Option(help: "How many candidates to show.") var limit = 5
    @Option(help: "Only gaps in this status (repeatable).", transform: statusArgument) var status: [GapStatus] = []
    @Option(help: "Only gaps in this category (repeatable).") var category: [String] = []
    @Option(help: "Only gaps of this team (repeatable).") var team: [String] = []
    @Option(help: "The draft's own category (ranks gaps in it a little higher).") var draftCategory: String?
    @Flag(help: "Show why each candidate matched.") var explain = false

    func validate() throws {
        if description != nil && descriptionFile != nil { throw ValidationError("give --description or --description-file, not both") }
        if jsonl && (title != nil || description != nil || descriptionFile != nil) {
            throw ValidationError("--jsonl reads drafts from standard input; give no title or description")
        }
        if !jsonl && title == nil { throw ValidationError("give the draft's title (or --jsonl)") }
        if !(1...100).contains(limit) { throw ValidationError("--limit must be 1–100") }
    }

    func run() throws {
        if jsonl { return try serveLines() }
        let title = self.title ?? ""
        let text = try descriptionFile.map(readText(path:)) ?? description ?? ""
        let gapStore = try store.openForReading()
        let clock = ContinuousClock()
        let started = clock.now
        let candidates = try gapStore.findDuplicates(DuplicateQuery(
            title: title, description: text, limit: limit, statuses: Set(status), categories: category, teams: team,
            category: draftCategory, explain: explain || output.json))
        let elapsed = clock.now - started
        let likely = candidates.first?.isLikelyDuplicate ?? false
        if output.json {
            try printJSON(CheckJSON(
                likelyDuplicate: likely, threshold: GapStore.likelyDuplicateConfidence,
                candidates: candidates.map { CandidateJSON($0, currency: gapStore.currency) }))
        } else {
            printCandidates(candidates, currency: gapStore.currency, explain: explain)
            let took = elapsed.formatted(.units(allowed: [.milliseconds, .microseconds], width: .abbreviated, fractionalPart: .show(length: 1)))
            if likely {
                print("\n" + Style.yellow("Likely duplicate: \(candidates[0].gap.id).") + " Add a submission to it instead: gapsearch submit \(candidates[0].gap.id) …" + Style.dim("  (\(took))"))
            } else {
                print(Style.dim("\nNo likely duplicate (\(took)). Create it with: gapsearch gap create \"…\""))
            }
        }
        if likely { throw ExitCode(2) }
    }
}

extension Check {
    /// One draft of `check --jsonl`. Unknown fields are refused rather than ignored, so a
    /// misspelt filter ("stauses") cannot silently widen the search.
    struct Draft: Decodable {
        var title: String?
        var description: String?
        var k: Int?
        var statuses: [String]?
        var categories: [String]?
        var teams: [String]?
        var category: String?
        /// A title being typed: matched against titles, its last word as a prefix, the gaps
        /// with every word first (as `suggest` does).
        var asYouType: Bool?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case title, description, k, statuses, categories, teams, category, asYouType
        }

        /// What each field must hold, for error messages.
        static let expected: [String: String] = [
            "title": "a string", "description": "a string", "category": "a string", "k": "an integer from 1 to 100",
            "statuses": "an array of strings", "categories": "an array of strings", "teams": "an array of strings",
            "asYouType": "true or false",
        ]

        private struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let fields = CodingKeys.allCases.map(\.rawValue)
            if let unknown = try decoder.container(keyedBy: AnyKey.self).allKeys.first(where: { CodingKeys(rawValue: $0.stringValue) == nil }) {
                throw ValidationError("unknown field \"\(unknown.stringValue)\"; a draft has \(fields.joined(separator: ", "))")
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            title = try container.decodeIfPresent(String.self, forKey: .title)
            description = try container.decodeIfPresent(String.self, forKey: .description)
            k = try container.decodeIfPresent(Int.self, forKey: .k)
            statuses = try container.decodeIfPresent([String].self, forKey: .statuses)
            categories = try container.decodeIfPresent([String].self, forKey: .categories)
            teams = try container.decodeIfPresent([String].self, forKey: .teams)
            category = try container.decodeIfPresent(String.self, forKey: .category)
            asYouType = try container.decodeIfPresent(Bool.self, forKey: .asYouType)
        }

        /// A decoding failure as the field at fault and what it must hold.
        static func explain(_ error: DecodingError) -> String {
            switch error {
            case .typeMismatch(_, let context), .valueNotFound(_, let context):
                if let field = context.codingPath.first?.stringValue, let expected = expected[field] {
                    return "\"\(field)\" must be \(expected)"
                }
            default: break
            }
            return "not a draft: expected a JSON object such as {\"title\": \"…\", \"k\": 5}"
        }
    }

    /// The result line for an input line that could not be served; the stream goes on.
    struct LineError: Encodable {
        var error: String
        /// The input line's number, counting from 1 (blank lines included).
        var line: Int
    }

    func serveLines() throws {
        let gapStore = try store.openForReading()
        let decoder = JSONDecoder()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        var lineNumber = 0
        while let line = readLine(strippingNewline: true) {
            lineNumber += 1
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            let output: Data
            do {
                let draft = try decoder.decode(Draft.self, from: Data(line.utf8))
                let statuses = try (draft.statuses ?? []).map { try GapStatus.parse($0) }
                let candidates = try gapStore.findDuplicates(DuplicateQuery(
                    title: draft.title ?? "", description: draft.description ?? "", limit: draft.k ?? limit,
                    asYouType: draft.asYouType ?? false, statuses: Set(statuses), categories: draft.categories ?? category, teams: draft.teams ?? team,
                    category: draft.category, explain: true))
                output = try encoder.encode(CheckJSON(
                    likelyDuplicate: candidates.first?.isLikelyDuplicate ?? false, threshold: GapStore.likelyDuplicateConfidence,
                    candidates: candidates.map { CandidateJSON($0, currency: gapStore.currency) }))
            } catch let error as DecodingError {
                output = try encoder.encode(LineError(error: Draft.explain(error), line: lineNumber))
            } catch {
                output = try encoder.encode(LineError(error: "\(error)", line: lineNumber))
            }
            // One write per result: standard output is a pipe here, and the client waits for the line.
            FileHandle.standardOutput.write(output + Data("\n".utf8))
        }
    }
}

struct Suggest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "As-you-type suggestions for a partial title.",
        discussion: """
            The partial title is matched against the titles of existing gaps (with
            --descriptions, against their descriptions too). The last word may be
            unfinished: it matches every word it begins (with typos allowed from five
            letters).

            Examples:
              gapsearch suggest "saml gro"
              gapsearch suggest "audit log exp" --json
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The partial title.") var title: String
    @Option(help: "How many suggestions.") var limit = 8
    @Flag(help: "Match the gaps' descriptions as well as their titles.") var descriptions = false

    func validate() throws {
        if !(1...100).contains(limit) { throw ValidationError("--limit must be 1–100") }
        if title.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw ValidationError("give the start of a title") }
    }

    func run() throws {
        let gapStore = try store.openForReading()
        let candidates = try gapStore.findDuplicates(DuplicateQuery(
            title: title, limit: limit, asYouType: true, scope: descriptions ? .titlesAndDescriptions : .titles))
        if output.json {
            try printJSON(candidates.map { ["id": $0.gap.id.description, "title": $0.gap.title, "status": $0.gap.status.name] })
        } else {
            for candidate in candidates { print("\(candidate.gap.id)  \(candidate.gap.title)") }
        }
    }
}

/// Prints ranked candidates as a table, with explanations when asked.
func printCandidates(_ candidates: [DuplicateCandidate], currency: String, explain: Bool) {
    guard !candidates.isEmpty else {
        print("No existing gap matches.")
        return
    }
    print(renderTable(
        header: ["ID", "CONFIDENCE", "STATUS", "CUSTOMERS", "AT STAKE", "TITLE"],
        rows: candidates.map { c in
            [c.gap.id.description, String(format: "%3.0f%%", c.confidence * 100) + (c.isLikelyDuplicate ? " ●" : "  "),
             c.gap.status.name, String(c.impact.customers), formatMoney(c.impact.revenueAtStake, currency: currency), truncate(c.gap.title, 60)]
        },
        rightAligned: [3, 4]))
    guard explain else { return }
    for candidate in candidates {
        print("\n" + Style.bold("\(candidate.gap.id)") + String(format: "  score %.3f", candidate.score))
        for part in candidate.explanation {
            print("  " + describe(part))
        }
    }
}

/// One line of an explanation.
func describe(_ part: MatchContribution) -> String {
    let value = String(format: "%+.3f", part.contribution)
    switch part.source {
    case let .term(word, term, kind, field):
        let how = word == term ? "\(kind)" : "\(kind) → \(term)"
        return "\(value)  \(word) (\(how)) in \(field)"
    case .sameCategory: return "\(value)  same category"
    case .recency: return "\(value)  recently created"
    }
}

struct CheckJSON: Codable {
    var likelyDuplicate: Bool
    var threshold: Double
    var candidates: [CandidateJSON]
}

struct CandidateJSON: Codable {
    struct Part: Codable {
        var kind: String
        var queryWord: String?
        var term: String?
        var match: String?
        var field: String?
        var contribution: Double
    }

    var gap: GapJSON
    var impact: ImpactJSON
    var score: Double
    var confidence: Double
    var likelyDuplicate: Bool
    var explanation: [Part]

    init(_ candidate: DuplicateCandidate, currency: String) {
        gap = GapJSON(candidate.gap)
        impact = ImpactJSON(candidate.impact, currency: currency)
        score = candidate.score
        confidence = candidate.confidence
        likelyDuplicate = candidate.isLikelyDuplicate
        explanation = candidate.explanation.map { part in
            switch part.source {
            case let .term(word, term, kind, field):
                Part(kind: "term", queryWord: word, term: term, match: kind.description, field: field.description, contribution: part.contribution)
            case .sameCategory: Part(kind: "same-category", contribution: part.contribution)
            case .recency: Part(kind: "recency", contribution: part.contribution)
            }
        }
    }
}
