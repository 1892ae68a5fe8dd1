public import Foundation

/// Why a GitHub operation failed: a stable ``kind`` for programs and a ``message`` for people
/// that says what to do next.
public struct GitHubError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The families of failure.
    public enum Kind: String, Sendable, Hashable {
        /// No token was given.
        case missingToken = "missing-token"
        /// A setting is malformed: the API URL, the repository name.
        case invalidConfiguration = "invalid-configuration"
        /// 401: the token is wrong, expired or revoked.
        case unauthorized
        /// 403 without rate limiting: the token may not do this.
        case forbidden
        /// 404: no such repository, or the token cannot see it.
        case notFound = "not-found"
        /// 410: issues are turned off in the repository.
        case issuesDisabled = "issues-disabled"
        /// 3xx: the repository moved (renamed or transferred).
        case moved
        /// 403/429 rate limiting that lasts longer than the sync may wait.
        case rateLimited = "rate-limited"
        /// 422 and other refusals of the request's content.
        case rejected
        /// 5xx answers that persisted through every retry.
        case serverError = "server-error"
        /// The connection failed or timed out.
        case transport
        /// An answer that could not be understood.
        case unexpectedResponse = "unexpected-response"
    }

    /// The family of the failure.
    public let kind: Kind
    /// What went wrong and what to do about it.
    public let message: String
    /// The HTTP status, when GitHub answered.
    public let status: Int?
    /// When a rate limit ends, for ``Kind/rateLimited``.
    public let retryAt: Date?

    public init(_ kind: Kind, _ message: String, status: Int? = nil, retryAt: Date? = nil) {
        self.kind = kind
        self.message = message
        self.status = status
        self.retryAt = retryAt
    }

    public var description: String { message }

    /// Whether GitHub may have carried out a request that failed this way (the answer was lost
    /// or was a server error): creating again could make a second issue.
    public var mayHaveSucceeded: Bool { kind == .serverError || kind == .transport }
}
