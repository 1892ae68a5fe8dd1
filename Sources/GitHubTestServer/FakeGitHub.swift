public import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP server on 127.0.0.1 (an ephemeral port) that plays GitHub's issues REST API for
/// one repository: creating issues, listing them with pagination and `since`, checking the
/// token — and failing on demand, so that clients can be tested against real HTTP, real
/// connections and real processes.
///
/// ```swift
/// let github = try await FakeGitHub.start(repository: "acme/product", token: "secret")
/// github.fail(.create, with: .init(status: 502))      // the next create fails
/// github.holdCreate(number: 2)                         // the 2nd create is applied, never answered
/// … point a client at github.apiURL …
/// await github.shutdown()
/// ```
public final class FakeGitHub: Sendable {
    /// An issue on the fake repository.
    public struct Issue: Sendable, Hashable {
        public let number: Int
        public let title: String
        public let body: String
        public let labels: [String]
        public let isPullRequest: Bool
        public let updatedAt: Date
        /// The issue's page, as GitHub reports it in `html_url`.
        public let url: String
    }

    /// A request the server received.
    public struct Request: Sendable, Hashable {
        public let method: String
        /// Path and query.
        public let uri: String
        public let headers: [String: String]
        public let body: String
    }

    /// The requests a fault can target.
    public enum Route: Sendable, Hashable {
        case create
        case list
    }

    /// An answer given instead of the normal one.
    public struct Fault: Sendable, Hashable {
        public var status: Int
        public var headers: [String: String]
        public var message: String
        /// Carry out the request before answering with the fault — GitHub creating the issue
        /// and the answer getting lost.
        public var appliesRequest: Bool

        public init(status: Int, headers: [String: String] = [:], message: String = "fault", appliesRequest: Bool = false) {
            self.status = status
            self.headers = headers
            self.message = message
            self.appliesRequest = appliesRequest
        }
    }

    private struct State {
        var issues: [Issue] = []
        var requests: [Request] = []
        var faults: [Route: [Fault]] = [:]
        var createsSeen = 0
        var holdCreateNumber: Int?
        var isHolding = false
        var token: String
    }

    public let repository: String
    public let port: Int
    private let pageSize: Int
    private let state: Mutex<State>
    private let serverTask: Mutex<Task<Void, Never>?>
    private let serverChannel: any Channel

    /// The API base URL to give clients.
    public var apiURL: String { "http://127.0.0.1:\(port)" }

    /// Starts a server.
    ///
    /// - Parameters:
    ///   - repository: `OWNER/NAME`; every other repository answers 404.
    ///   - token: The only token accepted; others get 401.
    ///   - pageSize: The most issues a list page holds, whatever `per_page` asks.
    public static func start(repository: String, token: String, pageSize: Int = 100) async throws -> FakeGitHub {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: child)
                }
            }
        let server = FakeGitHub(repository: repository, token: token, pageSize: pageSize, channel: channel.channel)
        let task = Task {
            await withDiscardingTaskGroup { group in
                try? await channel.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await server.serve(connection) }
                    }
                }
                group.cancelAll()
            }
        }
        server.serverTask.withLock { $0 = task }
        return server
    }

    private init(repository: String, token: String, pageSize: Int, channel: any Channel) {
        self.repository = repository
        self.pageSize = pageSize
        self.port = channel.localAddress?.port ?? 0
        self.serverChannel = channel
        self.state = Mutex(State(token: token))
        self.serverTask = Mutex(nil)
    }

    /// Stops the server, dropping held answers and open connections.
    public func shutdown() async {
        let task = serverTask.withLock { $0 }
        try? await serverChannel.close()
        task?.cancel()
        await task?.value
    }

    // MARK: - Controls and observations

    /// The issues (and pull requests) on the repository, by number.
    public var issues: [Issue] { state.withLock { $0.issues } }

    /// Every request received, in order.
    public var requests: [Request] { state.withLock { $0.requests } }

    /// Answers the next `times` requests of `route` with `fault`, after any faults queued before.
    public func fail(_ route: Route, times: Int = 1, with fault: Fault) {
        state.withLock { $0.faults[route, default: []] += Array(repeating: fault, count: times) }
    }

    /// Carries out the `number`th create request from now (1 for the next) and then never
    /// answers it; ``isHoldingCreate`` turns true.
    public func holdCreate(number: Int) {
        state.withLock {
            $0.holdCreateNumber = $0.createsSeen + number
            $0.isHolding = false
        }
    }

    /// Whether a create request has been carried out and its answer held back.
    public var isHoldingCreate: Bool { state.withLock { $0.isHolding } }

    /// Answers every create normally again (a held answer stays held).
    public func stopHolding() { state.withLock { $0.holdCreateNumber = nil } }

    /// Changes the accepted token.
    public func acceptToken(_ token: String) { state.withLock { $0.token = token } }

    /// Adds an issue (or pull request) as if someone had made it on GitHub.
    @discardableResult
    public func addIssue(title: String, body: String, labels: [String] = [], isPullRequest: Bool = false) -> Issue {
        state.withLock { state in
            let issue = makeIssue(&state, title: title, body: body, labels: labels, isPullRequest: isPullRequest)
            return issue
        }
    }

    private func makeIssue(_ state: inout State, title: String, body: String, labels: [String], isPullRequest: Bool) -> Issue {
        let number = state.issues.count + 1
        let issue = Issue(
            number: number, title: title, body: body, labels: labels, isPullRequest: isPullRequest, updatedAt: Date(),
            url: "https://github.com/\(repository)/\(isPullRequest ? "pull" : "issues")/\(number)")
        state.issues.append(issue)
        return issue
    }

    // MARK: - Serving

    private struct Response {
        var status: HTTPResponseStatus
        var headers: [(String, String)] = []
        var body: Data
        /// Never send it (the create is held).
        var held = false
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                    body.clear()
                case .body(var chunk):
                    body.writeBuffer(&chunk)
                case .end:
                    guard let request = head else { continue }
                    let response = handle(request, body: Data(body.readableBytesView))
                    if response.held {
                        // Wait until the server shuts down; the client sees no answer.
                        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
                        return
                    }
                    var headers = HTTPHeaders(response.headers)
                    headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
                    headers.add(name: "Content-Length", value: String(response.body.count))
                    try await outbound.write(.head(HTTPResponseHead(version: request.version, status: response.status, headers: headers)))
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
                    try await outbound.write(.end(nil))
                }
            }
        }
    }

    private func handle(_ head: HTTPRequestHead, body: Data) -> Response {
        var headerMap: [String: String] = [:]
        for (name, value) in head.headers { headerMap[name.lowercased()] = value }
        let request = Request(method: head.method.rawValue, uri: head.uri, headers: headerMap, body: String(decoding: body, as: UTF8.self))
        let (path, query) = Self.split(head.uri)
        let issuesPath = "/repos/\(repository)/issues"

        return state.withLock { state -> Response in
            state.requests.append(request)
            guard let authorization = headerMap["authorization"],
                authorization == "Bearer \(state.token)" || authorization == "token \(state.token)"
            else {
                return Self.json(.unauthorized, ["message": "Bad credentials"])
            }
            guard path == issuesPath else { return Self.json(.notFound, ["message": "Not Found"]) }
            switch head.method {
            case .POST:
                let fault = state.faults[.create]?.first
                if fault != nil { state.faults[.create]?.removeFirst() }
                if let fault, !fault.appliesRequest {
                    return Self.faultResponse(fault)
                }
                struct Payload: Decodable {
                    var title: String
                    var body: String?
                    var labels: [String]?
                }
                guard let payload = try? JSONDecoder().decode(Payload.self, from: body) else {
                    return Self.json(.unprocessableEntity, ["message": "Invalid request: the body is not an issue"])
                }
                let issue = makeIssue(&state, title: payload.title, body: payload.body ?? "", labels: payload.labels ?? [], isPullRequest: false)
                state.createsSeen += 1
                if state.createsSeen == state.holdCreateNumber {
                    state.isHolding = true
                    return Response(status: .created, body: Data(), held: true)
                }
                if let fault { return Self.faultResponse(fault) }
                return Response(status: .created, body: Self.encode(issue))
            case .GET:
                if let fault = state.faults[.list]?.first {
                    state.faults[.list]?.removeFirst()
                    return Self.faultResponse(fault)
                }
                let perPage = min(pageSize, Int(query["per_page"] ?? "") ?? 30)
                let page = max(1, Int(query["page"] ?? "") ?? 1)
                var matching = state.issues
                if let since = query["since"] {
                    guard let date = try? Date(since, strategy: .iso8601) else {
                        return Self.json(.unprocessableEntity, ["message": "Invalid since: \(since)"])
                    }
                    matching = matching.filter { $0.updatedAt >= date }
                }
                let slice = matching.dropFirst((page - 1) * perPage).prefix(perPage)
                var headers: [(String, String)] = []
                if (page * perPage) < matching.count {
                    var next = query
                    next["page"] = String(page + 1)
                    let nextQuery = next.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")
                    headers.append(("Link", "<\(apiURL)\(issuesPath)?\(nextQuery)>; rel=\"next\""))
                }
                return Response(status: .ok, headers: headers, body: Self.encode(Array(slice)))
            default:
                return Self.json(.methodNotAllowed, ["message": "Method not allowed"])
            }
        }
    }

    private static func split(_ uri: String) -> (String, [String: String]) {
        let parts = uri.split(separator: "?", maxSplits: 1)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1)
                let value = keyValue.count == 2 ? String(keyValue[1]).removingPercentEncoding ?? String(keyValue[1]) : ""
                query[String(keyValue[0])] = value
            }
        }
        return (String(parts.first ?? ""), query)
    }

    private static func faultResponse(_ fault: Fault) -> Response {
        var response = json(HTTPResponseStatus(statusCode: fault.status), ["message": fault.message])
        response.headers += fault.headers.map { ($0.key, $0.value) }
        return response
    }

    private static func json(_ status: HTTPResponseStatus, _ object: [String: String]) -> Response {
        Response(status: status, body: (try? JSONEncoder().encode(object)) ?? Data())
    }

    private struct IssueJSON: Encodable {
        struct Label: Encodable { var name: String }
        struct PullRequest: Encodable { var url: String }
        var number: Int
        var html_url: String
        var title: String
        var body: String
        var labels: [Label]
        var state = "open"
        var updated_at: String
        var pull_request: PullRequest?

        init(_ issue: Issue) {
            number = issue.number
            html_url = issue.url
            title = issue.title
            body = issue.body
            labels = issue.labels.map(Label.init)
            updated_at = issue.updatedAt.formatted(.iso8601)
            pull_request = issue.isPullRequest ? PullRequest(url: issue.url) : nil
        }
    }

    private static func encode(_ issue: Issue) -> Data { (try? JSONEncoder().encode(IssueJSON(issue))) ?? Data() }
    private static func encode(_ issues: [Issue]) -> Data { (try? JSONEncoder().encode(issues.map(IssueJSON.init))) ?? Data() }
}
