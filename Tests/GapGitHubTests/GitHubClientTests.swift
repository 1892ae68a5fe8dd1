import Foundation
import GapGitHub
import GapStore
import GitHubTestServer
import Testing

@Suite struct GitHubClientTests {
    let repository = try! GitHubRepository(parsing: testRepository)

    @Test func createsIssuesWithGitHubsHeaders() async throws {
        try await withFakeGitHub { github in
            try await using(try makeClient(github)) { client in
                try await withGapStore { store in
                    let gap = try seedGapWithSubmissions(store)
                    let content = try store.issueContent(for: gap.id)
                    let issue = try await client.createIssue(content, in: repository)
                    #expect(issue.number == 1 && issue.url == "https://github.com/acme/product/issues/1")
                    #expect(github.issues.first?.body == content.body)
                    #expect(github.issues.first?.labels == ["gapsearch"])
                    let request = try #require(github.requests.first)
                    #expect(request.method == "POST" && request.uri == "/repos/acme/product/issues")
                    #expect(request.headers["authorization"] == "Bearer \(testToken)")
                    #expect(request.headers["accept"] == "application/vnd.github+json")
                    #expect(request.headers["x-github-api-version"] == "2022-11-28")
                    #expect(request.headers["user-agent"] == "gapsearch")
                }
            }
        }
    }

    @Test func listsEveryPageAndFlagsPullRequests() async throws {
        try await withFakeGitHub(pageSize: 2) { github in
            for number in 1...4 { github.addIssue(title: "Issue \(number)", body: "body \(number)") }
            github.addIssue(title: "A pull request", body: "", isPullRequest: true)
            try await using(try makeClient(github)) { client in
                let issues = try await client.issues(in: repository)
                #expect(issues.map(\.number) == [1, 2, 3, 4, 5])
                #expect(issues.map(\.isPullRequest) == [false, false, false, false, true])
                #expect(github.requests.count == 3)
                #expect(github.requests.allSatisfy { $0.uri.contains("state=all") })
            }
        }
    }

    @Test func wrongTokenMissingRepositoryAndMissingTokenAreClearErrors() async throws {
        try await withFakeGitHub { github in
            try await using(try makeClient(github, token: "ghp_revoked")) { client in
                let error = await #expect(throws: GitHubError.self) { try await client.issues(in: repository) }
                #expect(error?.kind == .unauthorized && error?.status == 401)
                #expect(error?.message.contains("Bad credentials") == true)
                #expect(error?.message.contains("expired or revoked") == true)
            }
            try await using(try makeClient(github)) { client in
                let error = await #expect(throws: GitHubError.self) {
                    try await client.issues(in: try GitHubRepository(parsing: "acme/elsewhere"))
                }
                #expect(error?.kind == .notFound)
                #expect(error?.message.contains("acme/elsewhere") == true)
            }
            try await using(try makeClient(github, token: nil)) { client in
                let error = await #expect(throws: GitHubError.self) { try await client.issues(in: repository) }
                #expect(error?.kind == .missingToken)
            }
            // 401s are not retried: exactly one request each for the first two clients.
            #expect(github.requests.count == 2)
        }
    }

    @Test func serverErrorsAreRetriedWithBackoffThenReported() async throws {
        try await withFakeGitHub { github in
            github.addIssue(title: "One", body: "")
            github.fail(.list, times: 2, with: .init(status: 502, message: "Bad Gateway"))
            let waits = RecordedWaits()
            try await using(try makeClient(github, waits: waits)) { client in
                let issues = try await client.issues(in: repository)
                #expect(issues.count == 1)
                #expect(waits.all == [.milliseconds(500), .seconds(1)])
                #expect(github.requests.count == 3)

                github.fail(.list, times: 4, with: .init(status: 503))
                let error = await #expect(throws: GitHubError.self) { try await client.issues(in: repository) }
                #expect(error?.kind == .serverError && error?.status == 503)
                #expect(github.requests.count == 3 + 4)  // the first try and three retries
            }
        }
    }

    @Test func createIsNeverRetriedBlindly() async throws {
        try await withFakeGitHub { github in
            github.fail(.create, with: .init(status: 500))
            try await using(try makeClient(github)) { client in
                try await withGapStore { store in
                    let content = try store.issueContent(for: try seedGapWithSubmissions(store).id)
                    let error = await #expect(throws: GitHubError.self) { try await client.createIssue(content, in: repository) }
                    #expect(error?.kind == .serverError && error?.mayHaveSucceeded == true)
                    #expect(github.requests.count == 1)
                }
            }
        }
    }

    @Test func rateLimitsAreWaitedOutWhenShort() async throws {
        try await withFakeGitHub { github in
            github.fail(.list, with: .init(status: 429, headers: ["Retry-After": "30"], message: "slow down"))
            // A primary rate limit: 403 with no requests left until the reset time.
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            github.fail(.list, with: .init(
                status: 403, headers: ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "1800000042"],
                message: "API rate limit exceeded"))
            let waits = RecordedWaits()
            try await using(try makeClient(github, waits: waits, now: { now })) { client in
                let issues = try await client.issues(in: repository)
                #expect(issues.isEmpty)
                #expect(waits.all == [.seconds(30), .seconds(43)])
                #expect(github.requests.count == 3)
            }
        }
    }

    @Test func longRateLimitsStopWithTheirEnd() async throws {
        try await withFakeGitHub { github in
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            github.fail(.list, with: .init(
                status: 403, headers: ["x-ratelimit-remaining": "0", "x-ratelimit-reset": "1800001800"],
                message: "API rate limit exceeded"))
            let waits = RecordedWaits()
            try await using(try makeClient(github, waits: waits, maximumRateLimitWait: .seconds(60), now: { now })) { client in
                let error = await #expect(throws: GitHubError.self) { try await client.issues(in: repository) }
                #expect(error?.kind == .rateLimited)
                #expect(error?.retryAt == Date(timeIntervalSince1970: 1_800_001_801))
                #expect(error?.message.contains("in 30 min") == true)
                #expect(waits.all.isEmpty)
            }
        }
    }

    @Test func forbiddenWithoutRateLimitIsAPermissionError() async throws {
        try await withFakeGitHub { github in
            github.fail(.list, with: .init(status: 403, message: "Resource not accessible by personal access token"))
            try await using(try makeClient(github)) { client in
                let error = await #expect(throws: GitHubError.self) { try await client.issues(in: repository) }
                #expect(error?.kind == .forbidden)
                #expect(error?.message.contains("Resource not accessible") == true)
            }
        }
    }

    @Test func settingsAreValidated() throws {
        #expect(try GitHubRepository(parsing: "acme/product.js").description == "acme/product.js")
        for bad in ["acme", "acme/", "/product", "acme/product/extra", "acme/pro duct", "acme/..", "acme/prod?x"] {
            #expect(throws: GitHubError.self, "\(bad)") { try GitHubRepository(parsing: bad) }
        }
        #expect(try GitHubAPIURL(parsing: "https://github.example.com/api/v3/").base == "https://github.example.com/api/v3")
        #expect(try GitHubAPIURL(parsing: "http://127.0.0.1:8080").base == "http://127.0.0.1:8080")
        for bad in ["http://github.example.com/api/v3", "ftp://api.github.com", "api.github.com", "https://api.github.com?x=1"] {
            #expect(throws: GitHubError.self, "\(bad)") { try GitHubAPIURL(parsing: bad) }
        }
    }
}
