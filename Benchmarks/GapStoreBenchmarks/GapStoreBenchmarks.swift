import Benchmark
import Foundation
import GapStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Benchmarks of the GapStore library (the product-gap store over LMDB).
//
// Write benchmarks: each benchmark gets its own store in a new directory under /tmp (mkdtemp),
// made by its setup hook (10 categories, 2,000 accounts with one opportunity each, 1,000
// gaps) and removed by its teardown hook. Iterations add to that store, so it grows while the
// benchmark runs. Drafts are built before `startMeasurement()`.
//
// Read benchmarks: one store of 100,000 gaps and 1,000,000 submissions (see `LargeStore`),
// built once in a persistent directory under /tmp and reused by later runs while its shape
// matches. Building it takes a minute or two; it happens in the setup hook, outside any
// measurement, at most once per process.
//
// Durability: GapStore commits with LMDB's default durability, so every transaction syncs
// the data file to disk. The "one transaction each" benchmarks mostly measure that sync.
//
// Search index upkeep: the stores keep the default `indexUpkeep` (`.afterWrites`), so every
// write is followed by a look at the duplicate-search index, and every 256 changes by a
// rebuild of one of its segments. The write benchmarks include that cost.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        warmupIterations: 1,
        maxDuration: .seconds(5),
        maxIterations: 10_000
    )

    // MARK: Writes

    // One `store.createGap` per iteration: its own write transaction, so its own commit and
    // disk sync. Not scaled, so the percentiles are those of single operations. (With these
    // metrics an empty measured region counts no mallocs: the counts are the operation's own.)
    let createEach = WriteFixture()
    Benchmark(
        "GapStore create gap, one transaction each",
        configuration: .init(timeUnits: .microseconds),
        closure: { benchmark in
            let store = try createEach.store()
            let draft = createEach.nextGapDraft()

            benchmark.startMeasurement()
            let created = try store.createGap(draft, by: Shape.actor)
            benchmark.stopMeasurement()

            blackHole(created)
        },
        setup: { try createEach.setUp() },
        teardown: { createEach.tearDown() }
    )

    // 1,000 `writer.createGap` in one `store.batch`; scaled per gap.
    let createBatch = WriteFixture()
    Benchmark(
        "GapStore create gap, 1,000 per batch",
        configuration: .init(scalingFactor: .kilo),
        closure: { benchmark in
            let store = try createBatch.store()
            let drafts = benchmark.scaledIterations.map { _ in createBatch.nextGapDraft() }

            benchmark.startMeasurement()
            try store.batch { writer in
                for draft in drafts {
                    blackHole(try writer.createGap(draft, by: Shape.actor))
                }
            }
            benchmark.stopMeasurement()
        },
        setup: { try createBatch.setUp() },
        teardown: { createBatch.tearDown() }
    )

    // One `store.submit` per iteration (its own transaction and sync), against one of the
    // store's 1,000 gaps, from one of its 2,000 accounts (10 % internal, without an account).
    let submitEach = WriteFixture()
    Benchmark(
        "GapStore submit, one transaction each",
        configuration: .init(timeUnits: .microseconds),
        closure: { benchmark in
            let store = try submitEach.store()
            let draft = submitEach.nextSubmissionDraft()

            benchmark.startMeasurement()
            let submission = try store.submit(draft)
            benchmark.stopMeasurement()

            blackHole(submission)
        },
        setup: { try submitEach.setUp() },
        teardown: { submitEach.tearDown() }
    )

    // 1,000 `writer.submit` in one `store.batch`; scaled per submission.
    let submitBatch = WriteFixture()
    Benchmark(
        "GapStore submit, 1,000 per batch",
        configuration: .init(scalingFactor: .kilo),
        closure: { benchmark in
            let store = try submitBatch.store()
            let drafts = benchmark.scaledIterations.map { _ in submitBatch.nextSubmissionDraft() }

            benchmark.startMeasurement()
            try store.batch { writer in
                for draft in drafts {
                    blackHole(try writer.submit(draft))
                }
            }
            benchmark.stopMeasurement()
        },
        setup: { try submitBatch.setUp() },
        teardown: { submitBatch.tearDown() }
    )

    // MARK: Reads over 100k gaps / 1M submissions

    // The full impact report: every gap's submissions tallied, ranked by revenue, rolled up by
    // team, status and category. Numbers are per report.
    Benchmark(
        "GapStore impact report, 100k gaps / 1M submissions",
        configuration: .init(timeUnits: .milliseconds, maxDuration: .seconds(5), maxIterations: 5),
        closure: { benchmark in
            let large = try LargeStore.shared.get()

            benchmark.startMeasurement()
            let report = try large.store.impactReport(GapQuery(limit: 20))
            benchmark.stopMeasurement()

            blackHole(report)
            if report.total.gaps != LargeStore.gapCount || report.total.submissions != LargeStore.submissionCount {
                benchmark.error("the report counted \(report.total.gaps) gaps and \(report.total.submissions) submissions")
            }
        },
        setup: { _ = try LargeStore.shared.get() }
    )

    // The first page (20) of open gaps by revenue at stake. Sorting by revenue needs the impact
    // of every open gap (40,153 of them), so this does a large part of a report's work.
    Benchmark(
        "GapStore list open gaps by revenue, 100k gaps / 1M submissions",
        configuration: .init(timeUnits: .milliseconds, maxDuration: .seconds(5), maxIterations: 10),
        closure: { benchmark in
            let large = try LargeStore.shared.get()

            benchmark.startMeasurement()
            let page = try large.store.listGaps(GapQuery(statuses: [.open], sort: .mostRevenue, limit: 20))
            benchmark.stopMeasurement()

            blackHole(page)
            if page.items.count != 20 { benchmark.error("the page has \(page.items.count) gaps") }
        },
        setup: { _ = try LargeStore.shared.get() }
    )

    // `store.impact(of:)` for 1,000 gaps drawn at random (seeded) per iteration, each call its
    // own read transaction; scaled per call. A gap has 10 submissions on average.
    let randomGaps = RandomGaps(seed: 0x5EED_0002)
    Benchmark(
        "GapStore impact of one gap, random gaps",
        configuration: .init(scalingFactor: .kilo, maxDuration: .seconds(3)),
        closure: { benchmark in
            let large = try LargeStore.shared.get()
            let ids = randomGaps.draw(benchmark.scaledIterations.count)

            benchmark.startMeasurement()
            for id in ids {
                blackHole(try large.store.impact(of: id))
            }
            benchmark.stopMeasurement()
        },
        setup: { _ = try LargeStore.shared.get() }
    )

    // `store.impact(of:)` for the gap with the most submissions (GAP-057001: 1,415 submissions
    // from 946 customers, 131 internal).
    Benchmark(
        "GapStore impact of one gap, busiest gap",
        configuration: .init(timeUnits: .microseconds, maxDuration: .seconds(3)),
        closure: { benchmark in
            let large = try LargeStore.shared.get()

            benchmark.startMeasurement()
            let impact = try large.store.impact(of: large.busiestGap)
            benchmark.stopMeasurement()

            blackHole(impact)
        },
        setup: { _ = try LargeStore.shared.get() }
    )
}

// MARK: - Data

enum Shape {
    static let actor = "bench@example.com"
    static let categories = [
        "Search", "Billing", "Integrations", "Reporting", "Security", "Mobile", "API", "Administration",
        "Notifications", "Collaboration",
    ]
    static let teams = [
        "Discovery", "Payments", "Platform", "Insights", "Trust", "Mobile", "Developer Experience", "Enterprise",
        "Engagement", "Core",
    ]
    static let features = [
        "bulk export", "saved filters", "SCIM provisioning", "audit log streaming", "custom fields",
        "webhooks for status changes", "per-team quotas", "offline mode", "CSV import", "role-based access",
        "scheduled reports", "data residency in the EU", "dark mode", "keyboard shortcuts", "usage alerts",
        "granular API tokens",
    ]
    static let impacts = [
        "Blocks the rollout to the remaining business units", "Adds a day of manual work every month",
        "Security review will not sign off without it", "Renewal depends on it", "Slows onboarding of new teams",
        "Asked for in every quarterly business review", "Needed for the procurement checklist", "",
    ]
    static let workarounds = [
        "They export to a spreadsheet and fix it by hand", "A script run nightly by their admin",
        "Support does it for them on request",
    ]
    static let accountCount = 2_000
    /// The gaps of a write fixture, which submissions are filed against.
    static let fixtureGaps = 1_000
    static let start = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    static func accountID(_ index: Int) -> String { "ACC-\(10_000 + index)" }

    /// Status mix: 40 % open, 15 % in review, 10 % in progress, 10 % scheduled, 15 % backlog,
    /// 5 % resolved, 5 % won't do.
    static func status(_ draw: UInt64) -> GapStatus {
        switch draw % 100 {
        case 0..<40: .open
        case 40..<55: .inReview
        case 55..<65: .inProgress
        case 65..<75: .scheduled
        case 75..<90: .backlog
        case 90..<95: .resolved
        default: .wontDo
        }
    }

    /// Severity mix: 10 % blocker, 30 % high, 40 % medium, 20 % low.
    static func severity(_ draw: UInt64) -> Severity {
        switch draw % 10 {
        case 0: .blocker
        case 1..<4: .high
        case 4..<8: .medium
        default: .low
        }
    }

    /// A gap draft with varied text. The text avoids words that read like a bug report (the
    /// store would add a warning) and standalone numbers such as 500.
    static func gapDraft(_ index: Int, _ random: inout SplitMix64, createdAt: Date? = nil) -> GapDraft {
        let category = Int(random.next() % UInt64(categories.count))
        let feature = features[Int(random.next() % UInt64(features.count))]
        let team = teams[Int(random.next() % UInt64(teams.count))]
        return GapDraft(
            title: "Support \(feature) in \(categories[category]) (ref r\(index))",
            description: """
                Customers using \(categories[category]) ask for \(feature). Today they cannot do this \
                without help from their account team, which slows adoption across their organisation. \
                Reference r\(index).
                """,
            category: categories[category], team: team, status: status(random.next()), createdAt: createdAt)
    }

    /// A submission draft against `gap`: 10 % internal, otherwise from account `account`.
    static func submissionDraft(gap: GapID, account: Int, _ random: inout SplitMix64) -> SubmissionDraft {
        let internalFeedback = random.next() % 10 == 0
        let workaround: Workaround
        switch random.next() % 5 {
        case 0, 1: workaround = .described(workarounds[Int(random.next() % UInt64(workarounds.count))])
        case 2: workaround = .none
        default: workaround = .unknown
        }
        return SubmissionDraft(
            gapID: gap, accountID: internalFeedback ? nil : accountID(account), severity: severity(random.next()),
            impact: impacts[Int(random.next() % UInt64(impacts.count))], workaround: workaround,
            submitter: "se\(random.next() % 50)@example.com")
    }

    /// Adds the categories, and `accounts` accounts with one opportunity each, in one batch.
    static func addTaxonomyAndAccounts(_ store: GapStore, accounts: Int, _ random: inout SplitMix64) throws {
        // Draw the amounts first: a batch body may run more than once.
        let amounts = (0..<accounts).map { _ in Int64(1_000_000 + random.next() % 99_000_000) }  // $10k–$1M in cents
        try store.batch { writer in
            for category in categories {
                try writer.addCategory(category)
            }
            for index in 0..<accounts {
                try writer.saveAccount(id: accountID(index), name: "Customer \(index)")
                try writer.saveOpportunity(
                    id: "OPP-\(10_000 + index)", accountID: accountID(index), kind: index % 3 == 0 ? .netNew : .renewal,
                    amount: amounts[index], closeDate: start.addingTimeInterval(Double(index % 365) * 86_400))
            }
        }
    }
}

// MARK: - Write fixture

/// A store for one write benchmark: 10 categories, 2,000 accounts with an opportunity each and
/// 1,000 gaps, in a new directory under /tmp. Made by the setup hook, removed by teardown.
final class WriteFixture: @unchecked Sendable {
    // @unchecked: used by one benchmark, whose hooks and iterations run one after another.
    private var current: (store: GapStore, directory: String)?
    private var random = SplitMix64(seed: 0x5EED_1000)
    private var gapIndex = 0
    private var gaps: [GapID] = []

    func setUp() throws {
        let directory = try makeTemporaryDirectory("gapstore-bench")
        let store = try GapStore(path: directory)
        random = SplitMix64(seed: 0x5EED_1000)
        gapIndex = 0
        try Shape.addTaxonomyAndAccounts(store, accounts: Shape.accountCount, &random)
        let drafts = (0..<Shape.fixtureGaps).map { _ in nextGapDraft() }
        gaps = try store.batch { writer in
            try drafts.map { try writer.createGap($0, by: Shape.actor).gap.id }
        }
        current = (store, directory)
    }

    func tearDown() {
        if let current { removeDirectory(current.directory) }
        current = nil
    }

    func store() throws -> GapStore {
        guard let current else { throw SetupError(description: "the setup hook did not run") }
        return current.store
    }

    func nextGapDraft() -> GapDraft {
        gapIndex += 1
        return Shape.gapDraft(gapIndex, &random)
    }

    /// A submission against one of the fixture's 1,000 gaps (uniform) from one of its accounts.
    func nextSubmissionDraft() -> SubmissionDraft {
        let gap = gaps[Int(random.next() % UInt64(gaps.count))]
        let account = Int(random.next() % UInt64(Shape.accountCount))
        return Shape.submissionDraft(gap: gap, account: account, &random)
    }
}

// MARK: - The large store

/// A store of 100,000 gaps and 1,000,000 submissions from 2,000 accounts (each with one
/// opportunity), in a persistent directory under /tmp reused while its shape matches.
///
/// Built as 100 batches, each creating 1,000 gaps and then filing 10,000 submissions against
/// them. Within a batch, submissions pick a gap by Zipf's law (s = 1) over the batch's 1,000
/// gaps (rank r gets about 1,336 / r submissions; the ranks are scattered over the batch's
/// ids), and a customer uniformly among the 2,000 (10 % are internal, without a customer).
/// Gaps are spread uniformly over 10 categories and 10 teams; 40 % are open.
struct LargeStore: Sendable {
    static let path = "/tmp/gapstore-bench-100k-1m"
    static let gapCount = 100_000
    static let submissionCount = 1_000_000
    static let batches = 100
    static let gapsPerBatch = gapCount / batches
    static let submissionsPerBatch = submissionCount / batches
    /// Change it whenever the generator or the store's write path changes (such as the search
    /// index segments the store now keeps), so an old store is rebuilt.
    static let generatorVersion = "gapstore-bench-100k-1m v2"
    static let markerFile = "bench-shape.txt"

    /// Opened (or built) on first use, once per process.
    static let shared: Result<LargeStore, any Error> = Result { try LargeStore.openOrBuild() }

    let store: GapStore
    /// The gap with the most submissions.
    let busiestGap: GapID

    private static var options: GapStore.Options {
        var options = GapStore.Options()
        options.mapSize = 4 << 30  // room for the whole store, so no batch is retried to grow the map
        return options
    }

    private static func openOrBuild() throws -> LargeStore {
        let marker = path + "/" + markerFile
        if let text = try? String(contentsOfFile: marker, encoding: .utf8) {
            let lines = text.split(separator: "\n").map(String.init)
            if lines.count >= 2, lines[0] == generatorVersion, let number = UInt64(lines[1]) {
                let store = try GapStore(path: path, options: options)
                let stats = try store.statistics()
                if stats.gaps == gapCount, stats.submissions == submissionCount, stats.accounts == Shape.accountCount,
                    stats.opportunities == Shape.accountCount
                {
                    return LargeStore(store: store, busiestGap: GapID(number))
                }
            }
        }
        removeDirectory(path)

        let clock = ContinuousClock()
        let started = clock.now
        let built = try build()
        let elapsed = clock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        try "\(generatorVersion)\n\(built.busiestGap.number)\nbuilt in \(String(format: "%.1f", seconds)) s\n"
            .write(toFile: marker, atomically: true, encoding: .utf8)
        FileHandle.standardError.write(
            Data("GapStoreBenchmarks: built \(path) in \(String(format: "%.1f", seconds)) s\n".utf8))
        return built
    }

    private static func build() throws -> LargeStore {
        let store = try GapStore(path: path, options: options)
        var random = SplitMix64(seed: 0x5EED_2000)
        try Shape.addTaxonomyAndAccounts(store, accounts: Shape.accountCount, &random)

        // Zipf (s = 1) over the ranks of a batch's gaps, as a cumulative distribution.
        var cumulative: [Double] = []
        var sum = 0.0
        for rank in 1...gapsPerBatch {
            sum += 1 / Double(rank)
            cumulative.append(sum)
        }
        cumulative = cumulative.map { $0 / sum }

        var submissionsPerGap: [UInt64: Int] = [:]
        for batch in 0..<batches {
            let gapDrafts = (0..<gapsPerBatch).map { offset in
                let index = batch * gapsPerBatch + offset + 1
                return Shape.gapDraft(index, &random, createdAt: Shape.start.addingTimeInterval(Double(index) * 300))
            }
            // Draw the submissions by rank and customer first (the body may run more than once).
            let picks: [(position: Int, account: Int, random: SplitMix64)] = (0..<submissionsPerBatch).map { _ in
                let rank = zipfRank(random.next(), cumulative)
                let position = (rank * 389) % gapsPerBatch  // scatter the ranks over the batch's ids
                let account = Int(random.next() % UInt64(Shape.accountCount))
                return (position, account, SplitMix64(seed: random.next()))
            }
            let ids: [GapID] = try store.batch { writer in
                let ids = try gapDrafts.map { try writer.createGap($0, by: Shape.actor).gap.id }
                for pick in picks {
                    var draw = pick.random
                    try writer.submit(Shape.submissionDraft(gap: ids[pick.position], account: pick.account, &draw))
                }
                return ids
            }
            for pick in picks { submissionsPerGap[ids[pick.position].number, default: 0] += 1 }
        }
        let busiest = submissionsPerGap.max { ($0.value, $1.key) < ($1.value, $0.key) }!.key
        return LargeStore(store: store, busiestGap: GapID(busiest))
    }

    /// The rank (0-based) whose cumulative probability first reaches the draw.
    private static func zipfRank(_ draw: UInt64, _ cumulative: [Double]) -> Int {
        let u = Double(draw >> 11) / Double(1 << 53)
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] < u { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// Deterministic random gap ids of the large store, drawn before the measurement.
final class RandomGaps: @unchecked Sendable {
    // @unchecked: used by one benchmark, whose iterations run one after another.
    private var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    func draw(_ count: Int) -> [GapID] {
        (0..<count).map { _ in GapID(1 + random.next() % UInt64(LargeStore.gapCount)) }
    }
}

// MARK: - Support

struct SetupError: Error, CustomStringConvertible {
    let description: String
}

/// A new directory under /tmp, made with mkdtemp.
func makeTemporaryDirectory(_ prefix: String) throws -> String {
    var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
    let created: String? = template.withUnsafeMutableBufferPointer { buffer in
        guard let path = mkdtemp(buffer.baseAddress!) else { return nil }
        return String(cString: path)
    }
    guard let created else { throw SetupError(description: "mkdtemp failed: errno \(errno)") }
    return created
}

/// Deletes a directory and everything in it; a store that is still open keeps working (an
/// unlinked, still-mapped file is fine on Linux and macOS).
func removeDirectory(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

/// SplitMix64 (Steele, Lea and Flood): a tiny, fast, deterministic generator.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
