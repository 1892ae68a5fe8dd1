import Foundation
import GapGitHub
import GapStore
import Testing

@Suite struct IssueRenderingTests {
    @Test func namesCustomersButNeverAnonymousOrInternalSubmitters() async throws {
        try await withGapStore { store in
            let gap = try seedGapWithSubmissions(store)
            let issue = try store.issueContent(for: gap.id)
            #expect(issue.title == "Search archived repositories")
            #expect(issue.labels == ["gapsearch"])
            #expect(issue.body.hasPrefix("Let searches include archived repositories."))
            #expect(issue.body.contains("**3 customers**: Acme Corp, Initech, and 1 who asked anonymously"))
            #expect(issue.body.contains("4 submissions (1 internal)"))
            #expect(issue.body.contains("Severity: blocker 1 · high 1 · medium 1 · low 1"))
            #expect(issue.body.contains("- **blocker** — Acme Corp: Blocks their monorepo migration"))
            #expect(issue.body.contains("- **high** — A customer: Auditors search old code at [customer]"))
            #expect(issue.body.contains("- **medium** — Initech: Initech's auditors need it"))
            #expect(issue.body.contains("- **low** — Internal feedback: I search old code weekly"))
            #expect(issue.body.contains("- Acme Corp (blocker): Cloning archives by hand"))
            #expect(issue.body.contains("- A customer (high): A separate grep server"))
            #expect(issue.body.contains("- 1 submission has no workaround"))
            #expect(issue.body.contains("Status: Open · Category: Code search / Filters · Team: Search"))
            // The customer who asked anonymously is not named, not even by their own words.
            #expect(!issue.body.contains("Globex") && !issue.body.contains("GLOBEX"))
            for submitter in ["carla@example.com", "dan@example.com", "erin@example.com", "ana@example.com"] {
                #expect(!issue.body.contains(submitter), "\(submitter) named")
            }
            #expect(issue.body.hasSuffix("\n<!-- gapsearch:GAP-000001 -->"))
            #expect(IssueMarker.gapID(inBody: issue.body) == gap.id)
        }
    }

    @Test func anonymizedIssuesCountCustomersWithoutNamingThem() async throws {
        try await withGapStore { store in
            let gap = try seedGapWithSubmissions(store)
            let issue = try store.issueContent(for: gap.id, options: IssueRenderOptions(namesCustomers: false, labels: ["roadmap", "gapsearch"]))
            #expect(issue.body.contains("- **3 customers**\n"))
            for name in ["Acme Corp", "Initech", "Globex", "ACME", "INITECH", "GLOBEX"] {
                #expect(!issue.body.contains(name), "\(name) named")
            }
            #expect(issue.body.contains("- **medium** — A customer: [customer]'s auditors need it"))
            #expect(issue.body.contains("- **blocker** — A customer: Blocks their monorepo migration"))
            #expect(issue.labels == ["roadmap", "gapsearch"])
        }
    }

    @Test func aMergedGapRendersAsItsSurvivorWithEverySubmission() async throws {
        try await withGapStore { store in
            let survivor = try seedGapWithSubmissions(store)
            let duplicate = try store.createGap(GapDraft(title: "Archived repos in search results"), by: "bo", forced: true).gap
            try store.submit(SubmissionDraft(gapID: duplicate.id, accountID: "HOOLI", accountName: "Hooli", severity: .high, submitter: "bo"))
            try store.merge(duplicate.id, into: survivor.id, by: "pm")
            let issue = try store.issueContent(for: duplicate.id)
            #expect(issue.gapID == survivor.id)
            #expect(issue.body.contains("**4 customers**: Acme Corp, Hooli, Initech, and 1 who asked anonymously"))
            #expect(IssueMarker.gapID(inBody: issue.body) == survivor.id)
        }
    }

    @Test func scrubbingReplacesWholeWordsOnly() async throws {
        try await withGapStore { store in
            let gap = try store.createGap(GapDraft(title: "Audit exports", description: "Hooli and HOOLI's team; Hoolimart is another firm"), by: "ana").gap
            try store.submit(SubmissionDraft(gapID: gap.id, accountID: "H1", accountName: "Hooli", severity: .low, submitter: "bo", anonymous: true))
            let issue = try store.issueContent(for: gap.id)
            #expect(issue.body.hasPrefix("[customer] and [customer]'s team; Hoolimart is another firm"))
        }
    }

    @Test func restPayloadIsTheCreateIssueRequest() async throws {
        try await withGapStore { store in
            let issue = try issueForText(store, title: "Export *everything*", description: "Line one\n\n<b>bold</b>")
            let payload = try #require(try JSONSerialization.jsonObject(with: issue.restPayload()) as? [String: Any])
            #expect(Set(payload.keys) == ["title", "body", "labels"])
            #expect(payload["title"] as? String == "Export *everything*")
            #expect(payload["body"] as? String == issue.body)
            #expect(payload["labels"] as? [String] == ["gapsearch"])
            #expect(issue.markdown.hasPrefix("# Export *everything*\n\nLine one\n\n<b>bold</b>"))
            #expect(issue.body.contains("- **0 customers**"))
        }
    }

    @Test func onlyTheLastLineCarriesTheBackLink() async throws {
        try await withGapStore { store in
            // A description quoting another gap's marker cannot make the issue pass for that gap.
            let issue = try issueForText(store, title: "Markers", description: "See <!-- gapsearch:GAP-000009 -->\n<!-- gapsearch:GAP-000009 -->")
            #expect(IssueMarker.gapID(inBody: issue.body) == GapID(1))
        }
        #expect(IssueMarker.gapID(inBody: "text\n<!-- gapsearch:GAP-000042 -->\r\n\n") == GapID(42))
        for body in ["", "<!-- gapsearch:GAP-000042 -->\nlater text", "<!-- gapsearch:GAP-42 -->", "<!-- gapsearch:SUB-000001 -->",
                     "<!-- gapsearch: -->", "<!-- gapsearch:GAP-000000 -->"] {
            #expect(IssueMarker.gapID(inBody: body) == nil, "\(body)")
        }
    }

    @Test func longTextIsShortenedToGitHubsLimits() async throws {
        try await withGapStore { store in
            let issue = try issueForText(store, title: String(repeating: "t", count: 300), description: String(repeating: "word ", count: 13_000))
            #expect(issue.title.count == IssueContent.maximumTitleCharacters)
            #expect(issue.body.count <= IssueContent.maximumBodyCharacters)
            #expect(issue.body.contains("shortened to fit GitHub's limit"))
            #expect(IssueMarker.gapID(inBody: issue.body) == GapID(1))
        }
    }

    /// The issue of a new gap with this text and no submissions.
    private func issueForText(_ store: GapStore, title: String, description: String) throws -> IssueContent {
        let gap = try store.createGap(GapDraft(title: title, description: description), by: "ana").gap
        return try store.issueContent(for: gap.id)
    }
}
