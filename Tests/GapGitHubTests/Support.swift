import Foundation
import GapGitHub
import GapStore
import GapTestSupport
import GitHubTestServer
import Synchronization
import Testing

let testRepository = "acme/product"
let testToken = "ghp_test_token"

/// Runs `body` with a fake GitHub on loopback, shut down afterwards.
func withFakeGitHub<R>(pageSize: Int = 100, _ body: (FakeGitHub) async throws -> R) async throws -> R {
    let github = try await FakeGitHub.start(repository: testRepository, token: testToken, pageSize: pageSize)
    do {
        let result = try await body(github)
        await github.shutdown()
        return result
    } catch {
        await github.shutdown()
        throw error
    }
}

/// Waits the client asked for, recorded instead of slept through.
final class RecordedWaits: Sendable {
    private let waits = Mutex<[Duration]>([])

    var all: [Duration] { waits.withLock { $0 } }

    func record(_ duration: Duration) { waits.withLock { $0.append(duration) } }
}

/// A client for `github` that records its waits instead of sleeping. Its timeouts are long:
/// the fake server answers at once, but a loaded test machine may not run the client for a
/// while (the whole suite shares two cores), and a timeout there is not what a test checks.
func makeClient(
    _ github: FakeGitHub, token: String? = testToken, waits: RecordedWaits = RecordedWaits(),
    retries: Int = 3, maximumRateLimitWait: Duration = .seconds(60), now: @escaping @Sendable () -> Date = { Date() }
) throws -> GitHubClient {
    GitHubClient(configuration: .init(
        apiURL: try GitHubAPIURL(parsing: github.apiURL), token: token, serverErrorRetries: retries,
        initialBackoff: .milliseconds(500), maximumRateLimitWait: maximumRateLimitWait,
        requestTimeout: .seconds(600), connectTimeout: .seconds(600), sleep: { waits.record($0) }, now: now))
}

/// Runs `body` with `client` and shuts it down afterwards.
func using<R>(_ client: GitHubClient, _ body: (GitHubClient) async throws -> R) async throws -> R {
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// Opens a fresh store in a temporary directory for `body`.
func withGapStore<R>(_ body: (GapStore) async throws -> R) async throws -> R {
    try await withTemporaryDirectory { directory in
        try await body(try GapStore(path: directory + "/store"))
    }
}

/// Customers and submissions for one gap: a named blocker, an anonymous customer, an internal
/// colleague and a customer without a workaround.
@discardableResult
func seedGapWithSubmissions(_ store: GapStore, title: String = "Search archived repositories") throws -> Gap {
    try store.addCategory("Code search", subcategories: ["Filters"])
    let gap = try store.createGap(
        GapDraft(title: title, description: "Let searches include archived repositories.", category: "Code search",
                 subcategory: "Filters", team: "Search"), by: "ana@example.com").gap
    try store.submit(SubmissionDraft(
        gapID: gap.id, accountID: "ACME", accountName: "Acme Corp", severity: .blocker,
        impact: "Blocks their monorepo migration", workaround: .described("Cloning archives by hand"),
        submitter: "carla@example.com"))
    try store.submit(SubmissionDraft(
        gapID: gap.id, accountID: "GLOBEX", accountName: "Globex", severity: .high,
        impact: "Auditors search old code at Globex", workaround: .described("A separate grep server"),
        submitter: "dan@example.com", anonymous: true))
    try store.submit(SubmissionDraft(
        gapID: gap.id, severity: .low, impact: "I search old code weekly", submitter: "erin@example.com"))
    try store.submit(SubmissionDraft(
        gapID: gap.id, accountID: "INITECH", accountName: "Initech", severity: .medium,
        impact: "Initech's auditors need it", workaround: .none,
        submitter: "carla@example.com"))
    return gap
}

/// Creates `count` plain gaps with distinct titles.
@discardableResult
func seedGaps(_ store: GapStore, count: Int) throws -> [Gap] {
    let topics = ["archived repositories", "saved searches", "audit log streaming", "SCIM group sync", "code owners",
                  "regex in diffs", "batch change templates", "usage statistics"]
    return try (0..<count).map { index in
        try store.createGap(GapDraft(title: "Support \(topics[index % topics.count]) (\(index + 1))"), by: "ana", forced: true).gap
    }
}

/// Every issue's gap, by the marker on its body's last line.
func gapsOfIssues(_ github: FakeGitHub) -> [GapID] {
    github.issues.compactMap { IssueMarker.gapID(inBody: $0.body) }
}

/// Runs the built `gapsearch` with a GitHub token in its environment.
func startGapsearch(_ arguments: [String], store: String, token: String? = testToken) throws -> ChildProcess {
    var environment = ProcessInfo.processInfo.environment
    environment["GAPSEARCH_ACTOR"] = "sync-bot"
    environment["NO_COLOR"] = "1"
    environment.removeValue(forKey: "GAPSEARCH_STORE")
    environment.removeValue(forKey: "GITHUB_TOKEN")
    if let token { environment["GITHUB_TOKEN"] = token }
    return try ChildProcess(try builtProduct(named: "gapsearch"), arguments + ["--store", store], environment: environment)
}

/// Runs the built `gapsearch` to completion. The wait happens on a thread of its own: the
/// fake GitHub answers from Swift concurrency's small thread pool, which must stay free.
func runGapsearch(_ arguments: [String], store: String, token: String? = testToken) async throws -> ProcessResult {
    try await finish(try startGapsearch(arguments, store: store, token: token))
}

/// Waits for `child` to exit without blocking a concurrency thread.
func finish(_ child: ChildProcess) async throws -> ProcessResult {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try child.wait() }) }.start()
    }
}
