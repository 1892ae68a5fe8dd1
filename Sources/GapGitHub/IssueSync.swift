import Foundation
public import GapStore

/// Which gaps a sync turns into issues, where, and how.
public struct IssueSyncOptions: Sendable {
    public var repository: GitHubRepository
    /// Filters on the gaps (statuses, teams, categories). Merged gaps are never synced, and
    /// neither are gaps that already have an issue link; paging and sorting are the sync's.
    public var filter: GapQuery
    /// Only gaps with at least this many distinct customers.
    public var minimumCustomers: Int
    /// Create at most this many issues in one run; `nil` for no limit.
    public var limit: Int?
    /// Report what would be created without creating or recording anything (and without
    /// talking to GitHub).
    public var dryRun: Bool
    public var rendering: IssueRenderOptions
    /// Who is acting, recorded in each linked gap's history.
    public var actor: String

    public init(
        repository: GitHubRepository, filter: GapQuery = GapQuery(), minimumCustomers: Int = 0, limit: Int? = nil,
        dryRun: Bool = false, rendering: IssueRenderOptions = IssueRenderOptions(), actor: String
    ) {
        self.repository = repository
        self.filter = filter
        self.minimumCustomers = minimumCustomers
        self.limit = limit
        self.dryRun = dryRun
        self.rendering = rendering
        self.actor = actor
    }
}

/// What a sync did, or (in a dry run) would do.
public struct IssueSyncReport {
    /// A gap and its issue.
    public struct Entry: Sendable, Hashable {
        public let gapID: GapID
        public let title: String
        /// The issue's number and page; `nil` in a dry run.
        public let issueNumber: Int?
        public let issueURL: String?
    }

    /// Issues created and linked to their gaps.
    public var created: [Entry] = []
    /// Issues that an interrupted earlier sync had created, found by their marker and linked.
    public var adopted: [Entry] = []
    /// Issues found for gaps that can no longer take them (merged, or linked to another issue
    /// meanwhile): close them on GitHub.
    public var orphaned: [Entry] = []
    /// Dry run: the gaps that would get an issue.
    public var wouldCreate: [Entry] = []
    /// Dry run: gaps whose issue creation was interrupted; the sync would look for their issue
    /// on GitHub first.
    public var wouldCheck: [GapID] = []
    /// Gaps with an interrupted issue creation for another repository or API: left alone here
    /// (so that they never get two issues); finish them by syncing to that destination.
    public var pendingElsewhere: [PendingIssue] = []
    /// What stopped the sync before it finished, if anything. What was done until then is
    /// recorded above and in the store.
    public var failure: (any Error)?

    public init() {}
}

/// Something a sync just did, for progress output.
public enum IssueSyncEvent: Sendable {
    case created(IssueSyncReport.Entry)
    case adopted(IssueSyncReport.Entry)
    case orphaned(IssueSyncReport.Entry)
    case wouldCreate(IssueSyncReport.Entry)
    case wouldCheck(GapID)
    case pendingElsewhere(PendingIssue)
}

/// Creates a GitHub issue for every gap that needs one, exactly once per gap, even when a
/// run is killed halfway.
///
/// **How it stays idempotent.** Before asking GitHub to create a gap's issue, the sync records
/// a ``PendingIssue`` in the store (a durable write). The issue body ends with the gap's
/// ``IssueMarker``. When GitHub answers, the issue URL is stored on the gap and the pending
/// record removed in one transaction (``GapStore/linkIssue(_:url:by:note:)``). A run that dies
/// in between leaves the pending record; the next run first lists the repository's issues
/// updated since then and adopts the one carrying the gap's marker, and creates an issue only
/// if there is none. The same lookup runs before retrying a create that failed with a 5xx
/// answer or a lost connection, since GitHub may have created the issue anyway. A lock file in
/// the store's directory keeps two syncs from running at once.
public struct IssueSync {
    public let store: GapStore
    public let client: GitHubClient
    public let options: IssueSyncOptions

    /// Issues updated this long before a pending record are searched too, for clock skew
    /// between this machine and GitHub.
    static let clockSkewAllowance: TimeInterval = 3600

    public init(store: GapStore, client: GitHubClient, options: IssueSyncOptions) {
        self.store = store
        self.client = client
        self.options = options
    }

    /// Where pending records of this sync point: the repository's issues endpoint.
    public var destination: String { client.configuration.apiURL.issues(of: options.repository) }

    /// Runs the sync. Errors do not throw: they end the run and land in
    /// ``IssueSyncReport/failure``, next to what was done before.
    public func run(onEvent: (IssueSyncEvent) -> Void = { _ in }) async -> IssueSyncReport {
        var report = IssueSyncReport()
        do {
            try await run(into: &report, onEvent: onEvent)
        } catch {
            report.failure = error
        }
        return report
    }

    private func run(into report: inout IssueSyncReport, onEvent: (IssueSyncEvent) -> Void) async throws {
        let lock = options.dryRun ? nil : try SyncLock(storePath: store.path)
        defer { withExtendedLifetime(lock) {} }

        var pendingHere: [PendingIssue] = []
        for pending in try store.pendingIssues() {
            if pending.destination == destination {
                pendingHere.append(pending)
            } else {
                report.pendingElsewhere.append(pending)
                onEvent(.pendingElsewhere(pending))
            }
        }
        let untouchable = Set(report.pendingElsewhere.map(\.gapID))

        if options.dryRun {
            for pending in pendingHere {
                report.wouldCheck.append(pending.gapID)
                onEvent(.wouldCheck(pending.gapID))
            }
        } else if let earliest = pendingHere.map(\.since).min() {
            let found = try await issuesByGap(updatedSince: earliest)
            for pending in pendingHere {
                try resolve(pending, found: found[pending.gapID], into: &report, onEvent: onEvent)
            }
        }
        // In a dry run, gaps still pending here are listed as "would check", not "would create".
        let skipped = untouchable.union(options.dryRun ? Set(pendingHere.map(\.gapID)) : [])

        var made = 0
        for gap in try candidates(excluding: skipped) {
            if let limit = options.limit, made >= limit { break }
            made += 1
            if options.dryRun {
                let entry = IssueSyncReport.Entry(gapID: gap.id, title: gap.title, issueNumber: nil, issueURL: nil)
                report.wouldCreate.append(entry)
                onEvent(.wouldCreate(entry))
                continue
            }
            try await createIssue(for: gap, into: &report, onEvent: onEvent)
        }
    }

    /// Settles a pending record from an interrupted run: adopt the issue it made, or forget
    /// the record when no issue was made.
    private func resolve(
        _ pending: PendingIssue, found issue: GitHubIssue?, into report: inout IssueSyncReport, onEvent: (IssueSyncEvent) -> Void
    ) throws {
        guard let issue else {
            // Nothing was created: the gap is treated like any other below.
            try store.clearPendingIssue(pending.gapID)
            return
        }
        let gap = try store.gap(pending.gapID, followMerges: false)
        let entry = IssueSyncReport.Entry(
            gapID: pending.gapID, title: gap?.title ?? issue.title, issueNumber: issue.number, issueURL: issue.url)
        if let gap, !gap.isMerged, gap.externalLink == nil || gap.externalLink == issue.url {
            try store.linkIssue(gap.id, url: issue.url, by: options.actor, note: "GitHub issue #\(issue.number) found after an interrupted sync")
            report.adopted.append(entry)
            onEvent(.adopted(entry))
        } else {
            try store.clearPendingIssue(pending.gapID)
            report.orphaned.append(entry)
            onEvent(.orphaned(entry))
        }
    }

    private func createIssue(for gap: Gap, into report: inout IssueSyncReport, onEvent: (IssueSyncEvent) -> Void) async throws {
        let content = try store.issueContent(for: gap.id, options: options.rendering)
        let pending = try store.recordPendingIssue(gap.id, destination: destination)
        var issue: GitHubIssue?
        var adopted = false
        var retries = 0
        while issue == nil {
            let attempt: Result<GitHubIssue, GitHubError>
            do {
                attempt = .success(try await client.createIssue(content, in: options.repository))
            } catch {
                attempt = .failure(error)
            }
            switch attempt {
            case .success(let created):
                issue = created
            case .failure(let error) where error.mayHaveSucceeded && retries < client.configuration.serverErrorRetries:
                // GitHub may have created it: look before creating again. The pending record
                // stays, so a crash here is handled by the next run.
                retries += 1
                try await client.configuration.sleep(client.backoff(beforeRetry: retries))
                if let existing = try await issuesByGap(updatedSince: pending.since)[gap.id] {
                    issue = existing
                    adopted = true
                }
            case .failure(let error) where error.mayHaveSucceeded:
                // Still unknown whether it exists: the pending record stays for the next run.
                throw error
            case .failure(let error):
                // GitHub refused: no issue exists, so nothing is pending.
                _ = try? store.clearPendingIssue(gap.id)
                throw error
            }
        }
        guard let issue else { return }
        let how = adopted ? "found after a failed answer" : "created"
        try store.linkIssue(gap.id, url: issue.url, by: options.actor, note: "GitHub issue #\(issue.number) \(how) by gapsearch github sync")
        let entry = IssueSyncReport.Entry(gapID: gap.id, title: gap.title, issueNumber: issue.number, issueURL: issue.url)
        if adopted {
            report.adopted.append(entry)
            onEvent(.adopted(entry))
        } else {
            report.created.append(entry)
            onEvent(.created(entry))
        }
    }

    /// The repository's issues updated since shortly before `since`, by the gap their marker
    /// names (pull requests and issues without a marker left out).
    private func issuesByGap(updatedSince since: Date) async throws(GitHubError) -> [GapID: GitHubIssue] {
        let issues = try await client.issues(
            in: options.repository, updatedSince: since.addingTimeInterval(-Self.clockSkewAllowance))
        var byGap: [GapID: GitHubIssue] = [:]
        for issue in issues where !issue.isPullRequest {
            guard let id = IssueMarker.gapID(inBody: issue.body) else { continue }
            // Should two exist (made by hand, say), the first one created wins.
            if byGap[id] == nil { byGap[id] = issue }
        }
        return byGap
    }

    /// The gaps to create issues for, oldest first: matching the filter, not merged, without
    /// a link, with enough customers.
    private func candidates(excluding skipped: Set<GapID>) throws(GapStoreError) -> [Gap] {
        var query = options.filter
        query.includeMerged = false
        query.sort = .oldest
        query.limit = 1000
        query.offset = 0
        var result: [Gap] = []
        while true {
            let page = try store.listGaps(query)
            for listing in page.items
            where listing.gap.externalLink == nil && listing.impact.customers >= options.minimumCustomers
                && !skipped.contains(listing.gap.id)
            {
                result.append(listing.gap)
            }
            query.offset += page.items.count
            if page.items.isEmpty || query.offset >= page.total { return result }
        }
    }
}
