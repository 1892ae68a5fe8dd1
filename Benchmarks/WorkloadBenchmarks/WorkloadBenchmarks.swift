import Benchmark
import Foundation
import GapCorpus
import GapIndex
import GapStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Benchmarks on the text the tools use (GapCorpus, the generator behind gapcorpus, gapload and
// the demo), filling in what the other suites leave out:
//
// - analyzer throughput in MB/s;
// - single writes on a store of 20,000 gaps, with the search index maintained after every
//   write (the default: each write looks at the index, and every 256 changes rebuilds its tail
//   segment inside the writing call) and with maintenance off, so the cost and the latency
//   spikes of that upkeep show;
// - impact reports over 20,000 gaps and 100,000 submissions, whole and for one team.
//
// Stores live in new directories under /tmp (mkdtemp), built by the setup hooks (outside any
// measurement) and removed by the teardown hooks.

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal, .throughput],
        warmupIterations: 1,
        maxDuration: .seconds(5),
        maxIterations: 10_000
    )

    // MARK: Analysis

    // `Analyzer.analyze` over exactly 1,000,000 bytes of gapcorpus titles and descriptions per
    // iteration (one call per title or description), so the throughput metric (iterations per
    // second) reads as MB/s.
    Benchmark(
        "Workload analyzer throughput, 1 MB of gapcorpus text (throughput = MB/s)",
        configuration: .init(timeUnits: .milliseconds, maxDuration: .seconds(5), maxIterations: 200),
        closure: { benchmark in
            let texts = analyzerText.texts
            let analyzer = analyzerText.analyzer

            benchmark.startMeasurement()
            var terms = 0
            for text in texts {
                analyzer.analyze(text) { _, _, _ in terms += 1 }
            }
            benchmark.stopMeasurement()

            blackHole(terms)
        },
        setup: { _ = analyzerText }
    )

    // MARK: Writes while the search index is maintained

    // One `createGap` per iteration, each its own transaction (and disk flush), on a store that
    // starts with 20,000 gaps. With maintenance on, the iterations that complete 256 changes
    // also rebuild the index's tail segment: compare p50 with p99 and max, and with the
    // maintenance-off benchmark below. Iterations are capped at 2,000 so both grow the tail
    // equally.
    // The same writes with `indexUpkeep = .manual`: searches then cover the new gaps from the
    // in-memory delta until someone calls `maintainSearchIndex()`.
    for (name, upkeep) in [
        ("Workload create gap on 20k gaps, index maintained after every write", GapStore.IndexUpkeep.afterWrites),
        ("Workload create gap on 20k gaps, index maintenance off", .manual),
    ] {
        let fixture = IndexedStore(upkeep: upkeep)
        Benchmark(
            name,
            configuration: .init(timeUnits: .microseconds, maxDuration: .seconds(10), maxIterations: 2_000),
            closure: { benchmark in
                let store = try fixture.store()
                let draft = fixture.nextDraft()

                benchmark.startMeasurement()
                let created = try store.createGap(draft, by: "bench")
                benchmark.stopMeasurement()

                blackHole(created)
            },
            setup: { try fixture.setUp() },
            teardown: { fixture.tearDown() }
        )
    }

    // One `maintainSearchIndex()` after 256 new gaps (created before the measurement, with
    // maintenance off): the rebuild a write pays every 256 changes. The gaps accumulate, so
    // each rebuild covers 256 more gaps than the one before, as a tail, until more than 2,500
    // (an eighth of the store) have changed since the base; then that rebuild is of the base,
    // from every gap, and the tail starts over. The samples are tails of 256 to about 2,500
    // gaps and two base rebuilds (p99 and max).
    let rebuilt = IndexedStore(upkeep: .manual)
    Benchmark(
        "Workload search index rebuild after 256 new gaps on 20k gaps",
        configuration: .init(timeUnits: .milliseconds, maxDuration: .seconds(10), maxIterations: 20),
        closure: { benchmark in
            let store = try rebuilt.store()
            let drafts = (0..<256).map { _ in rebuilt.nextDraft() }
            try store.batch(isolatingOperations: false) { writer in
                for draft in drafts { try writer.createGap(draft, by: "bench") }
            }

            benchmark.startMeasurement()
            try store.maintainSearchIndex()
            benchmark.stopMeasurement()
        },
        setup: { try rebuilt.setUp() },
        teardown: { rebuilt.tearDown() }
    )

    // MARK: Reports

    // The impact report over every gap (20,000; 100,000 submissions from 500 customers).
    let reports = ReportStore()
    Benchmark(
        "Workload impact report, 20k gaps / 100k submissions",
        configuration: .init(timeUnits: .milliseconds, maxDuration: .seconds(5), maxIterations: 50),
        closure: { benchmark in
            let store = try reports.store()

            benchmark.startMeasurement()
            let report = try store.impactReport(GapQuery(limit: 20))
            benchmark.stopMeasurement()

            blackHole(report)
            if report.total.gaps != ReportStore.gapCount { benchmark.error("the report counted \(report.total.gaps) gaps") }
        },
        setup: { try reports.setUp() },
        teardown: { reports.tearDown() }
    )

    // The report a team's product manager asks for: one team's gaps (about a tenth of them).
    let teamReports = ReportStore()
    Benchmark(
        "Workload impact report of one team, 20k gaps / 100k submissions",
        configuration: .init(timeUnits: .milliseconds, maxDuration: .seconds(5), maxIterations: 50),
        closure: { benchmark in
            let store = try teamReports.store()

            benchmark.startMeasurement()
            let report = try store.impactReport(GapQuery(teams: [ReportStore.team], limit: 20))
            benchmark.stopMeasurement()

            blackHole(report)
            if report.total.gaps == 0 { benchmark.error("no gap of team \(ReportStore.team)") }
        },
        setup: { try teamReports.setUp() },
        teardown: { teamReports.tearDown() }
    )
}

// MARK: - Fixtures

/// About 1 MB of gapcorpus text: titles and descriptions of GapCorpus seed 1 in order, the
/// last one cut so the total is exactly 1,000,000 bytes (the text is ASCII).
struct AnalyzerText: Sendable {
    let analyzer = Analyzer()
    let texts: [String]
}

let analyzerText: AnalyzerText = {
    var generator = CorpusGenerator(seed: 1)
    var texts: [String] = []
    var bytes = 0
    while bytes < 1_000_000 {
        let gap = generator.next()
        for text in [gap.title, gap.description] where bytes < 1_000_000 {
            let kept = String(decoding: text.utf8.prefix(1_000_000 - bytes), as: UTF8.self)
            texts.append(kept)
            bytes += kept.utf8.count
        }
    }
    precondition(bytes == 1_000_000, "the analyzer input must be exactly 1 MB")
    return AnalyzerText(texts: texts)
}()

/// The gaps of GapCorpus seed 1, as drafts (the taxonomy comes with them).
func corpusDrafts(_ count: Int, seed: UInt64) -> [GapDraft] {
    var generator = CorpusGenerator(seed: seed)
    return generator.generate(count).map {
        GapDraft(title: $0.title, description: $0.description, category: $0.category, subcategory: $0.subcategory, team: $0.team)
    }
}

/// Creates the GapCorpus taxonomy, then `drafts` in batches of 1,000, then the search index.
func load(_ drafts: [GapDraft], into store: GapStore) throws -> [GapID] {
    try store.batch(isolatingOperations: false) { writer in
        for area in CorpusGenerator.taxonomy { try writer.addCategory(area.category, subcategories: area.subcategories) }
    }
    var ids: [GapID] = []
    for chunk in stride(from: 0, to: drafts.count, by: 1000) {
        ids += try store.batch(isolatingOperations: false) { writer in
            try drafts[chunk..<min(drafts.count, chunk + 1000)].map { try writer.createGap($0, by: "bench").gap.id }
        }
    }
    try store.maintainSearchIndex()
    return ids
}

/// A store of 20,000 GapCorpus gaps with its search index built, for one write benchmark;
/// new gaps come from another seed.
final class IndexedStore: @unchecked Sendable {
    // @unchecked: used by one benchmark, whose hooks and iterations run one after another.
    static let gapCount = 20_000
    private let upkeep: GapStore.IndexUpkeep
    private var current: (store: GapStore, directory: String)?
    private var generator = CorpusGenerator(seed: 2)

    init(upkeep: GapStore.IndexUpkeep) { self.upkeep = upkeep }

    func setUp() throws {
        let directory = try makeTemporaryDirectory("workload-bench")
        do {
            var options = GapStore.Options()
            options.indexUpkeep = .manual
            let loading = try GapStore(path: directory, options: options)
            _ = try load(corpusDrafts(Self.gapCount, seed: 1), into: loading)
        }
        var options = GapStore.Options()
        options.indexUpkeep = upkeep
        generator = CorpusGenerator(seed: 2)
        current = (try GapStore(path: directory, options: options), directory)
    }

    func tearDown() {
        if let current { removeDirectory(current.directory) }
        current = nil
    }

    func store() throws -> GapStore {
        guard let current else { throw SetupError(description: "the setup hook did not run") }
        return current.store
    }

    func nextDraft() -> GapDraft {
        let gap = generator.next()
        return GapDraft(title: gap.title, description: gap.description, category: gap.category, subcategory: gap.subcategory, team: gap.team)
    }
}

/// 20,000 GapCorpus gaps with 100,000 submissions from 500 customers (each with one
/// opportunity), five per gap on average, drawn uniformly (seeded).
final class ReportStore: @unchecked Sendable {
    // @unchecked: used by one benchmark, whose hooks and iterations run one after another.
    static let gapCount = 20_000
    static let submissionCount = 100_000
    static let customers = 500
    static let team = CorpusGenerator.taxonomy[0].team
    private var current: (store: GapStore, directory: String)?

    func setUp() throws {
        let directory = try makeTemporaryDirectory("workload-bench")
        var options = GapStore.Options()
        options.indexUpkeep = .manual
        let store = try GapStore(path: directory, options: options)
        let ids = try load(corpusDrafts(Self.gapCount, seed: 1), into: store)
        var random = SeededRandom(seed: 3)
        let amounts = (0..<Self.customers).map { _ in Int64(1_000_000 + random.next() % 99_000_000) }
        try store.batch(isolatingOperations: false) { writer in
            for customer in 0..<Self.customers {
                try writer.saveAccount(id: "ACC\(customer)", name: "Customer \(customer)")
                try writer.saveOpportunity(
                    id: "OPP\(customer)", accountID: "ACC\(customer)", kind: customer % 3 == 0 ? .netNew : .renewal,
                    amount: amounts[customer], closeDate: Date(timeIntervalSince1970: 1_767_225_600))
            }
        }
        let severities = Severity.allCases
        let picks = (0..<Self.submissionCount).map { _ in
            (gap: ids[Int(random.next() % UInt64(ids.count))], customer: Int(random.next() % UInt64(Self.customers)),
             severity: severities[Int(random.next() % UInt64(severities.count))])
        }
        for chunk in stride(from: 0, to: picks.count, by: 10_000) {
            try store.batch(isolatingOperations: false) { writer in
                for pick in picks[chunk..<min(picks.count, chunk + 10_000)] {
                    try writer.submit(SubmissionDraft(
                        gapID: pick.gap, accountID: "ACC\(pick.customer)", severity: pick.severity, submitter: "bench"))
                }
            }
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

/// Deletes a directory and everything in it.
func removeDirectory(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}
