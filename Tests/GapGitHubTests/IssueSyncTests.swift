import Foundation
import GapGitHub
import GapStore
import GitHubTestServer
import Testing

@Suite struct IssueSyncTests {
    let repository = try! GitHubRepository(parsing: testRepository)

    private func sync(
        _ store: GapStore, _ client: GitHubClient, filter: GapQuery = GapQuery(), minimumCustomers: Int = 0,
        limit: Int? = nil, dryRun: Bool = false
    ) async -> IssueSyncReport {
        await IssueSync(store: store, client: client, options: IssueSyncOptions(
            repository: repository, filter: filter, minimumCustomers: minimumCustomers, limit: limit, dryRun: dryRun,
            actor: "sync-bot")).run()
    }

    @Test func createsOneIssuePerGapStoresItsURLAndASecondRunCreatesNone() async throws {
        try await withFakeGitHub { github in
            try await using(try makeClient(github)) { client in
                try await withGapStore { store in
                    let gaps = try seedGaps(store, count: 3)
                    let first = await sync(store, client)
                    #expect(first.failure == nil)
                    #expect(first.created.map(\.gapID) == gaps.map(\.id))
                    #expect(github.issues.count == 3)
                    #expect(gapsOfIssues(github) == gaps.map(\.id))
                    for (gap, issue) in zip(gaps, github.issues) {
                        #expect(try store.gap(gap.id)?.externalLink == issue.url)
                        let last = try #require(try store.history(of: gap.id).last)
                        #expect(last.event == .edited(field: "link", old: "", new: issue.url))
                        #expect(last.actor == "sync-bot")
                        #expect(last.note == "GitHub issue #\(issue.number) created by gapsearch github sync")
                    }
                    #expect(try store.pendingIssues().isEmpty)

                    let requestsBefore = github.requests.count
                    let second = await sync(store, client)
                    #expect(second.failure == nil && second.created.isEmpty && second.adopted.isEmpty)
                    #expect(github.requests.count == requestsBefore)  // nothing to do, nothing asked
                    #expect(github.issues.count == 3)
                }
            }
        }
    }

    @Test func filtersMergedAndLinkedGapsAndLimits() async throws {
        try await withFakeGitHub { github in
            try await using(try makeClient(github)) { client in
                try await withGapStore { store in
                    let popular = try seedGapWithSubmissions(store)
                    let gaps = try seedGaps(store, count: 4)
                    try store.merge(gaps[0].id, into: popular.id, by: "pm")
                    try store.linkIssue(gaps[1].id, url: "https://github.com/acme/product/issues/99", by: "pm")
                    try store.setStatus(gaps[3].id, to: .scheduled, by: "pm")

                    let needsCustomers = await sync(store, client, minimumCustomers: 2)
                    #expect(needsCustomers.failure == nil, "\(String(describing: needsCustomers.failure))")
                    #expect(needsCustomers.created.map(\.gapID) == [popular.id])
                    let scheduled = await sync(store, client, filter: GapQuery(statuses: [.scheduled]))
                    #expect(scheduled.failure == nil, "\(String(describing: scheduled.failure))")
                    #expect(scheduled.created.map(\.gapID) == [gaps[3].id])
                    let rest = await sync(store, client, limit: 5)
                    #expect(rest.failure == nil, "\(String(describing: rest.failure))")
                    #expect(rest.created.map(\.gapID) == [gaps[2].id])
                    // Never the merged gap, never a second issue for the linked one.
                    #expect(Set(gapsOfIssues(github)) == [popular.id, gaps[2].id, gaps[3].id])
                    #expect(github.issues.count == 3)
                }
            }
        }
    }

    @Test func dryRunChangesNothingAndAsksGitHubNothing() async throws {
        try await withFakeGitHub { github in
            try await using(try makeClient(github, token: nil)) { client in
                try await withGapStore { store in
                    let gaps = try seedGaps(store, count: 3)
                    try store.recordPendingIssue(gaps[2].id, destination: client.configuration.apiURL.issues(of: repository))
                    let report = await sync(store, client, limit: 1, dryRun: true)
                    #expect(report.failure == nil)
                    #expect(report.wouldCreate.map(\.gapID) == [gaps[0].id])
                    #expect(report.wouldCheck == [gaps[2].id])
                    #expect(github.requests.isEmpty)
                    #expect(try store.pendingIssues().map(\.gapID) == [gaps[2].id])
                    #expect(try gaps.allSatisfy { try store.gap($0.id)?.externalLink == nil })
                }
            }
        }
    }

    @Test func aCreateAnsweredWithA5xxIsFoundAndAdoptedNotCreatedTwice() async throws {
        try await withFakeGitHub { github in
            // GitHub creates the issue, then the answer is a 502.
            github.fail(.create, with: .init(status: 502, message: "Bad Gateway", appliesRequest: true))
            let waits = RecordedWaits()
            try await using(try makeClient(github, waits: waits)) { client in
                try await withGapStore { store in
                    let gaps = try seedGaps(store, count: 2)
                    let report = await sync(store, client)
                    #expect(report.failure == nil)
                    #expect(report.adopted.map(\.gapID) == [gaps[0].id])
                    #expect(report.created.map(\.gapID) == [gaps[1].id])
                    #expect(gapsOfIssues(github) == gaps.map(\.id))
                    #expect(try store.gap(gaps[0].id)?.externalLink == github.issues[0].url)
                    #expect(waits.all == [.milliseconds(500)])
                }
            }
        }
    }

    @Test func aCreateThatFailedBeforeGitHubActedIsRetried() async throws {
        try await withFakeGitHub { github in
            github.fail(.create, times: 2, with: .init(status: 503))
            try await using(try makeClient(github)) { client in
                try await withGapStore { store in
                    let gap = try seedGaps(store, count: 1)[0]
                    let report = await sync(store, client)
                    #expect(report.failure == nil && report.created.map(\.gapID) == [gap.id])
                    #expect(github.issues.count == 1)
                    let methods = github.requests.map(\.method)
                    #expect(methods == ["POST", "GET", "POST", "GET", "POST"])  // look before each new try
                }
            }
        }
    }

    @Test func persistentServerErrorsStopTheSyncAndKeepThePendingRecord() async throws {
        try await withFakeGitHub { github in
            github.fail(.create, times: 10, with: .init(status: 500))
            try await using(try makeClient(github, retries: 2)) { client in
                try await withGapStore { store in
                    let gaps = try seedGaps(store, count: 2)
                    let report = await sync(store, client)
                    let failure = try #require(report.failure as? GitHubError)
                    #expect(failure.kind == .serverError)
                    #expect(report.created.isEmpty)
                    // GitHub may yet have made it: the next run looks for it first.
                    #expect(try store.pendingIssues().map(\.gapID) == [gaps[0].id])
                    #expect(github.requests.filter { $0.method == "POST" }.count == 3)
                }
            }
        }
    }

    @Test func pendingRecordsFromAnInterruptedRunAreSettledFirst() async throws {
        try await withFakeGitHub { github in
            try await using(try makeClient(github)) { client in
                try await withGapStore { store in
                    let gaps = try seedGaps(store, count: 3)
                    let destination = client.configuration.apiURL.issues(of: repository)
                    // Gap 1: the interrupted run created its issue. Gap 2: it died before creating.
                    // Gap 3: pending for another repository.
                    try store.recordPendingIssue(gaps[0].id, destination: destination)
                    try store.recordPendingIssue(gaps[1].id, destination: destination)
                    try store.recordPendingIssue(gaps[2].id, destination: "https://api.github.com/repos/acme/other/issues")
                    let made = github.addIssue(
                        title: gaps[0].title, body: try store.issueContent(for: gaps[0].id).body, labels: ["gapsearch"])
                    github.addIssue(title: "A pull request quoting it", body: "<!-- gapsearch:GAP-000002 -->", isPullRequest: true)
                    github.addIssue(title: "Unrelated", body: "no marker")

                    let report = await sync(store, client)
                    #expect(report.failure == nil)
                    #expect(report.adopted.map(\.gapID) == [gaps[0].id])
                    #expect(report.created.map(\.gapID) == [gaps[1].id])
                    #expect(report.pendingElsewhere.map(\.gapID) == [gaps[2].id])
                    #expect(try store.gap(gaps[0].id)?.externalLink == made.url)
                    #expect(try store.history(of: gaps[0].id).last?.note == "GitHub issue #1 found after an interrupted sync")
                    #expect(try store.gap(gaps[2].id)?.externalLink == nil)
                    #expect(try store.pendingIssues().map(\.gapID) == [gaps[2].id])
                    #expect(github.requests.filter { $0.method == "POST" }.count == 1)
                    #expect(github.requests.first?.uri.contains("since=") == true)
                }
            }
        }
    }

    @Test func anIssueFoundForAMergedGapIsReportedAsOrphaned() async throws {
        try await withFakeGitHub { github in
            try await using(try makeClient(github)) { client in
                try await withGapStore { store in
                    let gaps = try seedGaps(store, count: 2)
                    try store.recordPendingIssue(gaps[1].id, destination: client.configuration.apiURL.issues(of: repository))
                    let made = github.addIssue(title: gaps[1].title, body: try store.issueContent(for: gaps[1].id).body)
                    try store.merge(gaps[1].id, into: gaps[0].id, by: "pm")
                    let report = await sync(store, client)
                    #expect(report.orphaned.map(\.issueURL) == [made.url])
                    #expect(report.created.map(\.gapID) == [gaps[0].id])
                    #expect(try store.pendingIssues().isEmpty)
                }
            }
        }
    }

    @Test func refusalsClearThePendingRecordAndStop() async throws {
        try await withFakeGitHub { github in
            github.fail(.create, with: .init(status: 422, message: "Validation Failed"))
            try await using(try makeClient(github)) { client in
                try await withGapStore { store in
                    try seedGaps(store, count: 2)
                    let report = await sync(store, client)
                    let failure = try #require(report.failure as? GitHubError)
                    #expect(failure.kind == .rejected && failure.message.contains("Validation Failed"))
                    #expect(try store.pendingIssues().isEmpty)
                    #expect(github.issues.isEmpty)
                }
            }
        }
    }

    @Test func onlyOneSyncRunsOnAStoreAtATime() async throws {
        try await withFakeGitHub { github in
            try await using(try makeClient(github)) { client in
                try await withGapStore { store in
                    try seedGaps(store, count: 1)
                    // Another process holding the lock, as far as flock is concerned.
                    let holder = open(store.path + "/github-sync.lock", O_RDWR | O_CREAT, 0o600)
                    #expect(flock(holder, LOCK_EX | LOCK_NB) == 0)
                    let blocked = await sync(store, client)
                    #expect((blocked.failure as? GitHubError)?.message.contains("another `gapsearch github sync` is running") == true)
                    #expect(github.requests.isEmpty)
                    close(holder)
                    let after = await sync(store, client)
                    #expect(after.failure == nil && after.created.count == 1)
                }
            }
        }
    }
}
