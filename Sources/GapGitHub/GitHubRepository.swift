import Foundation

/// A repository on GitHub (or GitHub Enterprise): `OWNER/NAME`.
public struct GitHubRepository: Sendable, Hashable, CustomStringConvertible {
    public let owner: String
    public let name: String

    /// Parses `OWNER/NAME`; both parts use GitHub's characters (letters, digits, `-`, `_`, `.`).
    ///
    /// - Throws: ``GitHubError/Kind/invalidConfiguration`` naming the expected form.
    public init(parsing text: String) throws(GitHubError) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        func valid(_ part: Substring) -> Bool {
            !part.isEmpty && part.count <= 100 && part != "." && part != ".."
                && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
        }
        guard parts.count == 2, valid(parts[0]), valid(parts[1]) else {
            throw GitHubError(.invalidConfiguration, "\"\(text)\" is not a repository; write OWNER/NAME, like acme/product")
        }
        owner = String(parts[0])
        name = String(parts[1])
    }

    public var description: String { "\(owner)/\(name)" }
}

/// Where GitHub's REST API is: `https://api.github.com`, or `https://HOST/api/v3` for
/// GitHub Enterprise Server.
public struct GitHubAPIURL: Sendable, Hashable, CustomStringConvertible {
    /// The base URL without a trailing slash.
    public let base: String

    /// GitHub.com's API.
    public static let gitHubDotCom = try! GitHubAPIURL(parsing: "https://api.github.com")

    /// Parses an API base URL. Plain `http` is accepted only for the local machine (a token
    /// must not cross a network unencrypted).
    ///
    /// - Throws: ``GitHubError/Kind/invalidConfiguration`` saying what is wrong.
    public init(parsing text: String) throws(GitHubError) {
        var trimmed = text.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty,
            url.query == nil, url.fragment == nil, url.user == nil
        else {
            throw GitHubError(
                .invalidConfiguration,
                "\"\(text)\" is not an API URL; use https://api.github.com or, for GitHub Enterprise, https://HOST/api/v3")
        }
        let loopback = ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased())
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw GitHubError(
                .invalidConfiguration,
                "the API URL \(text) must use https (plain http is allowed only for localhost), so that the token stays encrypted")
        }
        base = trimmed
    }

    /// The address of a repository's issues.
    public func issues(of repository: GitHubRepository) -> String {
        "\(base)/repos/\(repository.owner)/\(repository.name)/issues"
    }

    public var description: String { base }
}
