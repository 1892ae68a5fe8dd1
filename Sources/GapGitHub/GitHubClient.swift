import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1

/// An issue as GitHub's REST API returns it (the fields gapsearch uses).
public struct GitHubIssue: Sendable, Hashable {
    public let number: Int
    /// The issue's page, `https://github.com/OWNER/REPO/issues/NUMBER`.
    public let url: String
    public let title: String
    public let body: String
    /// The issues endpoints list pull requests too; they are never a gap's issue.
    public let isPullRequest: Bool
}

/// A small client for GitHub's issues REST API, over AsyncHTTPClient.
///
/// It retries what is safe to retry and says clearly what is not: reads are retried on 5xx
/// answers and lost connections with exponential backoff; creating an issue is not (GitHub may
/// have created it), and fails with an error whose ``GitHubError/mayHaveSucceeded`` is true.
/// Rate limits (403 or 429 with `Retry-After`, or `x-ratelimit-remaining: 0`) are waited out
/// when they end within ``Configuration/maximumRateLimitWait``, and otherwise reported with
/// the time they end.
///
/// Call ``shutdown()`` when done.
public final class GitHubClient: Sendable {
    /// How to reach GitHub and how patient to be.
    public struct Configuration: Sendable {
        public var apiURL: GitHubAPIURL
        /// A personal access token or app token with read and write access to issues; `nil`
        /// makes every request fail with ``GitHubError/Kind/missingToken``.
        public var token: String?
        /// How many times a read is retried after a 5xx answer or a lost connection.
        public var serverErrorRetries: Int
        /// The wait before the first retry; each further retry waits twice as long.
        public var initialBackoff: Duration
        /// The longest rate-limit wait the client sits through; longer ones fail.
        public var maximumRateLimitWait: Duration
        /// The limit for each request, connection included.
        public var requestTimeout: Duration
        /// The limit for opening a connection.
        public var connectTimeout: Duration
        /// How to wait; replace it in tests to observe waits instead of sitting through them.
        public var sleep: @Sendable (Duration) async throws -> Void
        /// The current time, for rate-limit reset times.
        public var now: @Sendable () -> Date

        public init(
            apiURL: GitHubAPIURL = .gitHubDotCom, token: String?, serverErrorRetries: Int = 3,
            initialBackoff: Duration = .seconds(1), maximumRateLimitWait: Duration = .seconds(60),
            requestTimeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10),
            sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
            now: @escaping @Sendable () -> Date = { Date() }
        ) {
            self.apiURL = apiURL
            self.token = token
            self.serverErrorRetries = serverErrorRetries
            self.initialBackoff = initialBackoff
            self.maximumRateLimitWait = maximumRateLimitWait
            self.requestTimeout = requestTimeout
            self.connectTimeout = connectTimeout
            self.sleep = sleep
            self.now = now
        }
    }

    public let configuration: Configuration
    private let http: HTTPClient

    /// Most answers are small; a page of 100 issues with long bodies stays well under this.
    private static let maximumResponseBytes = 32 << 20
    /// Pages followed at most when listing, 100 issues each.
    private static let maximumPages = 1000
    /// Rate-limit waits sat through at most for one request.
    private static let maximumRateLimitWaits = 5

    public init(configuration: Configuration) {
        self.configuration = configuration
        var settings = HTTPClient.Configuration()
        // A redirect would carry the token elsewhere; a moved repository is reported instead.
        settings.redirectConfiguration = .disallow
        settings.timeout = .init(connect: .nanoseconds(configuration.connectTimeout.nanoseconds))
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: settings)
    }

    /// Closes the client's connections.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// The wait before retry number `attempt` (1, 2, …): the initial backoff, doubling.
    public func backoff(beforeRetry attempt: Int) -> Duration {
        configuration.initialBackoff * (1 << min(max(attempt - 1, 0), 16))
    }

    // MARK: - Issues

    /// Creates an issue. Not retried on 5xx answers or lost connections: the error then has
    /// ``GitHubError/mayHaveSucceeded`` set, and the caller should look for the issue before
    /// creating it again.
    public func createIssue(_ content: IssueContent, in repository: GitHubRepository) async throws(GitHubError) -> GitHubIssue {
        let url = configuration.apiURL.issues(of: repository)
        let (_, body) = try await send(.POST, url, body: content.restPayload(), retriesServerErrors: false, repository: repository)
        return try decodeIssue(body, what: "the created issue")
    }

    /// Every issue of a repository, open and closed, updated at or after `since` (all when
    /// `nil`), following the API's pagination.
    public func issues(in repository: GitHubRepository, updatedSince since: Date? = nil) async throws(GitHubError) -> [GitHubIssue] {
        var url = configuration.apiURL.issues(of: repository) + "?state=all&per_page=100&sort=created&direction=asc"
        if let since { url += "&since=" + since.formatted(.iso8601) }
        var issues: [GitHubIssue] = []
        var next: String? = url
        var pages = 0
        while let page = next {
            pages += 1
            guard pages <= Self.maximumPages else {
                throw GitHubError(.unexpectedResponse, "listing the issues of \(repository) did not end after \(Self.maximumPages) pages")
            }
            let (headers, body) = try await send(.GET, page, body: nil, retriesServerErrors: true, repository: repository)
            issues += try decodeIssues(body)
            next = try nextPage(headers)
        }
        return issues
    }

    // MARK: - Requests

    private func send(
        _ method: HTTPMethod, _ url: String, body: Data?, retriesServerErrors: Bool, repository: GitHubRepository
    ) async throws(GitHubError) -> (HTTPHeaders, Data) {
        guard let token = configuration.token, !token.isEmpty else {
            throw GitHubError(.missingToken, "no GitHub token was given; create one with read and write access to issues")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/vnd.github+json")
        request.headers.add(name: "X-GitHub-Api-Version", value: "2022-11-28")
        request.headers.add(name: "User-Agent", value: "gapsearch")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let doing = "\(method == .POST ? "creating an issue in" : "listing the issues of") \(repository)"

        var serverErrors = 0
        var rateLimitWaits = 0
        while true {
            let status: HTTPResponseStatus
            let headers: HTTPHeaders
            let data: Data
            do {
                let response = try await http.execute(request, timeout: .nanoseconds(configuration.requestTimeout.nanoseconds))
                status = response.status
                headers = response.headers
                let buffer = try await response.body.collect(upTo: Self.maximumResponseBytes)
                data = Data(buffer.readableBytesView)
            } catch {
                let failure = GitHubError(
                    .transport, "\(doing) failed: no answer from \(configuration.apiURL) (\(error)); check the network and --api-url")
                guard retriesServerErrors, serverErrors < configuration.serverErrorRetries else { throw failure }
                serverErrors += 1
                try await wait(backoff(beforeRetry: serverErrors))
                continue
            }

            switch status.code {
            case 200..<300:
                return (headers, data)
            case 403, 429:
                if let delay = rateLimitDelay(headers) {
                    let retryAt = configuration.now().addingTimeInterval(delay.seconds)
                    guard delay <= configuration.maximumRateLimitWait, rateLimitWaits < Self.maximumRateLimitWaits else {
                        throw GitHubError(
                            .rateLimited,
                            "GitHub's rate limit stops \(doing) until \(retryAt.formatted(.iso8601)) (in \(describe(delay))); run again then, or allow a longer wait",
                            status: Int(status.code), retryAt: retryAt)
                    }
                    rateLimitWaits += 1
                    try await wait(delay)
                    continue
                }
                if status.code == 429 {
                    throw GitHubError(.rateLimited, "GitHub is rate limiting \(doing) (429) without saying for how long; wait a while and run again", status: 429)
                }
                throw GitHubError(
                    .forbidden,
                    "GitHub refused \(doing) (403: \(gitHubMessage(data))); the token needs read and write access to the repository's issues",
                    status: 403)
            case 401:
                throw GitHubError(
                    .unauthorized,
                    "GitHub rejected the token (401: \(gitHubMessage(data))); it may be mistyped, expired or revoked — create a new one",
                    status: 401)
            case 404:
                throw GitHubError(
                    .notFound,
                    "GitHub has no repository \(repository) at \(configuration.apiURL) that this token can see (404); check --repo, --api-url and the token's access",
                    status: 404)
            case 410:
                throw GitHubError(.issuesDisabled, "issues are turned off in \(repository) (410); enable them in the repository's settings", status: 410)
            case 300..<400:
                let location = headers.first(name: "Location").map { " to \($0)" } ?? ""
                throw GitHubError(
                    .moved, "\(repository) moved\(location) (\(status.code)); use the repository's new OWNER/NAME", status: Int(status.code))
            case 500..<600:
                let failure = GitHubError(
                    .serverError,
                    "GitHub failed \(doing) with \(status.code) \(status.reasonPhrase)\(serverErrors > 0 ? " \(serverErrors + 1) times" : ""); try again later",
                    status: Int(status.code))
                guard retriesServerErrors, serverErrors < configuration.serverErrorRetries else { throw failure }
                serverErrors += 1
                try await wait(backoff(beforeRetry: serverErrors))
            default:
                throw GitHubError(
                    .rejected, "GitHub refused \(doing) (\(status.code): \(gitHubMessage(data)))", status: Int(status.code))
            }
        }
    }

    private func wait(_ delay: Duration) async throws(GitHubError) {
        do {
            try await configuration.sleep(delay)
        } catch {
            throw GitHubError(.transport, "stopped while waiting to retry: \(error)")
        }
    }

    /// How long a 403/429 answer asks to wait: `Retry-After` seconds, or until
    /// `x-ratelimit-reset` when `x-ratelimit-remaining` is 0 (plus a second for clock skew).
    /// `nil` when the answer is not about rate limits.
    private func rateLimitDelay(_ headers: HTTPHeaders) -> Duration? {
        if let retryAfter = headers.first(name: "Retry-After"), let seconds = Int(retryAfter.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
            return .seconds(seconds)
        }
        if headers.first(name: "x-ratelimit-remaining")?.trimmingCharacters(in: .whitespaces) == "0",
            let reset = headers.first(name: "x-ratelimit-reset").flatMap({ TimeInterval($0.trimmingCharacters(in: .whitespaces)) })
        {
            let seconds = max(0, reset - configuration.now().timeIntervalSince1970)
            return .milliseconds(Int64((seconds * 1000).rounded(.up))) + .seconds(1)
        }
        return nil
    }

    /// The `rel="next"` URL of a `Link` header, which must point at the same API (the token
    /// goes with it).
    private func nextPage(_ headers: HTTPHeaders) throws(GitHubError) -> String? {
        for link in headers["Link"].flatMap({ $0.split(separator: ",") }) {
            let parts = link.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count >= 2, parts.dropFirst().contains(where: { $0.replacingOccurrences(of: " ", with: "") == "rel=\"next\"" }),
                parts[0].hasPrefix("<"), parts[0].hasSuffix(">")
            else { continue }
            let url = String(parts[0].dropFirst().dropLast())
            guard url.hasPrefix(configuration.apiURL.base + "/") else {
                throw GitHubError(.unexpectedResponse, "GitHub's next page \(url) is not under \(configuration.apiURL); not following it")
            }
            return url
        }
        return nil
    }

    // MARK: - Decoding

    private struct IssueJSON: Decodable {
        var number: Int
        var html_url: String
        var title: String
        var body: String?
        var pull_request: PullRequestJSON?
        struct PullRequestJSON: Decodable {}

        var issue: GitHubIssue {
            GitHubIssue(number: number, url: html_url, title: title, body: body ?? "", isPullRequest: pull_request != nil)
        }
    }

    private func decodeIssue(_ data: Data, what: String) throws(GitHubError) -> GitHubIssue {
        do {
            return try JSONDecoder().decode(IssueJSON.self, from: data).issue
        } catch {
            throw GitHubError(.unexpectedResponse, "GitHub's answer for \(what) is not an issue: \(error)")
        }
    }

    private func decodeIssues(_ data: Data) throws(GitHubError) -> [GitHubIssue] {
        do {
            return try JSONDecoder().decode([IssueJSON].self, from: data).map(\.issue)
        } catch {
            throw GitHubError(.unexpectedResponse, "GitHub's list of issues could not be read: \(error)")
        }
    }

    /// The `message` of a GitHub error answer, or its first 200 characters.
    private func gitHubMessage(_ data: Data) -> String {
        struct Message: Decodable { var message: String }
        if let decoded = try? JSONDecoder().decode(Message.self, from: data) { return decoded.message }
        let text = String(decoding: data.prefix(200), as: UTF8.self)
        return text.isEmpty ? "no details" : text
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    /// The duration in nanoseconds.
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}

/// "45 s", "12 min", "2 h 5 min".
private func describe(_ duration: Duration) -> String {
    let seconds = Int(duration.seconds.rounded(.up))
    if seconds < 120 { return "\(seconds) s" }
    if seconds < 7200 { return "\(seconds / 60) min" }
    return "\(seconds / 3600) h \(seconds % 3600 / 60) min"
}
