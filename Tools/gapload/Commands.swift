import ArgumentParser
import Foundation
import GapStore
import Synchronization

extension GapLoadCommand {
    /// Runs a load test and reports it.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a load test (the default subcommand).",
            discussion: """
                Exits 0 when every operation succeeded and every acknowledged gap was found
                again, 1 otherwise (the report says which), 64 for a wrong command line.
                """)

        @Option(help: ArgumentHelp(
            "The store to load-test. When it holds no store yet, one is built there from --corpus or --gaps (and kept). Without --store, a temporary store is built and removed afterwards.",
            valueName: "path"))
        var store: String?

        @OptionGroup(title: "Building a store") var corpus: CorpusOptions

        @Option(help: ArgumentHelp(
            "A gapcorpus query file to check. Without it, --query-count drafts of --kind are generated from the GapCorpus corpus of --seed (matching a store gapload or gapcorpus built with that seed).",
            valueName: "file"))
        var queries: String?
        @Option(help: "The kind of generated drafts: paraphrase (drafts with typos) or prefix (as-you-type).")
        var kind: QueryKind = .paraphrase
        @Option(help: "How many drafts to generate.") var queryCount = 1000

        @Option(help: "Checking threads per process.") var threads = 2
        @Option(help: "Processes checking the same store (gapload starts the extra ones as workers).") var processes = 1
        @Option(help: "Open loop: checks per second in all (across processes and threads). Without it, closed loop: every thread as fast as it can.")
        var rate: Double?
        @Option(help: "Gaps created per second by a writer thread in this process (0: none). They are added to the store.")
        var writeRate: Double = 0
        @Option(help: "Submissions filed per second by a second writer thread (default: --write-rate).")
        var submitRate: Double?
        @Option(help: "Rebuild the search index's tail segment after this many changes (GapStore.Options.tailRebuildChanges; default: the store's default, 256).")
        var tailRebuildChanges: UInt64?
        @Option(help: "The most gaps the search index's recent segment holds before the tail takes them in (GapStore.Options.recentSegmentLimit; 0: none, the tail takes every rebuild; default: the store's default, 2048).")
        var recentSegmentLimit: Int?
        @Option(help: "When the persisted search index is brought up to date after writes (GapStore.Options.indexUpkeep): after-writes (within the write that completes --tail-rebuild-changes changes), background (a thread of the store), or manual (never during the run: searches cover new gaps from memory).")
        var indexUpkeep = UpkeepChoice.afterWrites
        @Option(help: "Seconds of load before measuring.") var warmup: Double = 2
        @Option(help: "Seconds measured.") var duration: Double = 10
        @Option(help: "Candidates asked for per check.") var limit = 10
        @Option(help: ArgumentHelp("Also write the results as JSON to this file.", valueName: "file")) var jsonReport: String?

        func validate() throws {
            guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256 (got \(threads))") }
            guard (1...64).contains(processes) else { throw ValidationError("--processes must be between 1 and 64 (got \(processes))") }
            if let rate, !(rate > 0 && rate.isFinite) { throw ValidationError("--rate must be a positive number of checks per second (got \(rate))") }
            for (name, value) in [("--write-rate", writeRate), ("--submit-rate", submitRate ?? 0)] where !(value >= 0 && value <= 100_000) {
                throw ValidationError("\(name) must be between 0 and 100,000 per second (got \(value))")
            }
            guard warmup >= 0 && warmup.isFinite else { throw ValidationError("--warmup must be 0 or more seconds (got \(warmup))") }
            guard duration > 0 && duration <= 86_400 else { throw ValidationError("--duration must be more than 0 and at most 86,400 seconds (got \(duration))") }
            guard (1...100).contains(limit) else { throw ValidationError("--limit must be between 1 and 100 (got \(limit))") }
            if let tailRebuildChanges, tailRebuildChanges < 1 { throw ValidationError("--tail-rebuild-changes must be at least 1") }
            if let recentSegmentLimit, recentSegmentLimit < 0 { throw ValidationError("--recent-segment-limit must be 0 or more") }
            guard (1...1_000_000).contains(queryCount) else { throw ValidationError("--query-count must be between 1 and 1,000,000 (got \(queryCount))") }
            if let queries, !FileManager.default.isReadableFile(atPath: queries) {
                throw ValidationError("cannot read the query file \(queries); write one with `gapcorpus queries`")
            }
            if let store, StoreSetup.holdsStore(store), corpus.asksToBuild || corpus.ageDays > 0 {
                throw ValidationError(
                    "\(store) already holds a store, and --gaps/--corpus/--age-days ask to build one: give a new --store path to build, or drop them to load-test the store as it is")
            }
            if store == nil || !StoreSetup.holdsStore(store!), !corpus.asksToBuild {
                throw ValidationError(
                    store.map { "\($0) holds no store: give --gaps N or --corpus FILE to build one there" }
                        ?? "give --store PATH (an existing store), or --gaps N / --corpus FILE to build a temporary one")
            }
            if let jsonReport {
                let directory = (jsonReport as NSString).deletingLastPathComponent
                guard FileManager.default.isWritableFile(atPath: directory.isEmpty ? "." : directory) else {
                    throw ValidationError("cannot write the JSON report to \(jsonReport): its directory does not exist or is not writable")
                }
            }
        }

        func run() throws {
            signal(SIGPIPE, SIG_IGN)  // a worker that dies must not take gapload with it
            let scratch = try makeScratchDirectory()
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let path = store ?? (scratch as NSString).appendingPathComponent("store")
            let built = !StoreSetup.holdsStore(path)
            if built { try StoreSetup.build(at: path, from: corpus) }
            var options = GapStore.Options()
            options.indexUpkeep = indexUpkeep.upkeep
            if let tailRebuildChanges { options.tailRebuildChanges = tailRebuildChanges }
            if let recentSegmentLimit { options.recentSegmentLimit = recentSegmentLimit }
            let gapStore = try GapStore(path: path, options: options)
            let before = try gapStore.statistics()

            let querySet: QuerySet
            if let queries {
                querySet = try QuerySet.read(queries)
            } else {
                printError("Generating \(number(queryCount)) \(kind.rawValue) queries…")
                querySet = QuerySet.generate(kind: kind, count: queryCount, corpusCount: max(1, before.gaps), seed: corpus.seed)
            }
            let writePlan = WritePlan(gapRate: writeRate, submissionRate: submitRate ?? writeRate, seed: corpus.seed)
            let plan = CheckPlan(
                threads: threads, processes: processes, processIndex: 0, rate: rate, limit: limit, asYouType: querySet.asYouType)

            let workers = try startWorkers(storePath: path, querySet: querySet, scratch: scratch)
            defer { for worker in workers { worker.stop() } }
            for worker in workers { try worker.waitUntilReady(timeout: .seconds(300)) }

            let startedAt = Date()
            for worker in workers { try worker.send("start") }
            let window = Window(startingAt: .now, warmup: .seconds(warmup), duration: .seconds(duration))
            let counters = LiveCounters()
            let progress = ProgressLine(window: window, counters: counters, workers: workers)
            let (outcome, acknowledged) = LoadDriver.run(
                store: gapStore, queries: querySet, plan: plan, writes: writePlan, window: window, counters: counters)
            progress.finish()

            // Every process searches for every acknowledged gap.
            let acknowledgedPath = (scratch as NSString).appendingPathComponent("acknowledged.json")
            try JSONEncoder().encode(acknowledged).write(to: URL(fileURLWithPath: acknowledgedPath))
            for worker in workers { try worker.send("verify \(acknowledged.isEmpty ? "-" : acknowledgedPath)") }
            if !acknowledged.isEmpty { printError("Searching for the \(number(acknowledged.count)) acknowledged gaps again…") }
            var verifications = acknowledged.isEmpty ? [] : [Verification.run(acknowledged, in: gapStore, process: 0)]
            var merged = outcome
            var processSummaries = [summary(of: outcome, process: 0, pid: getpid(), peakResidentBytes: peakResidentBytes())]
            for worker in workers {
                let report = try worker.report(timeout: .seconds(600))
                merged.merge(report.outcome)
                processSummaries.append(
                    summary(of: report.outcome, process: report.process, pid: report.pid, peakResidentBytes: report.peakResidentBytes))
                if let verification = report.verification { verifications.append(verification) }
            }
            let after = try gapStore.statistics()

            var errorSamples = merged.errorSamples
            for verification in verifications { errorSamples.merge(verification.errors) }
            let measured = duration
            let report = LoadReport(
                startedAt: startedAt,
                store: .init(
                    path: path, built: built, gapsAtStart: before.gaps, gapsAtEnd: after.gaps, submissionsAtEnd: after.submissions,
                    bytesAtStart: before.usedBytes, bytesAtEnd: after.usedBytes),
                settings: .init(
                    mode: rate == nil ? "closed" : "open", rate: rate, threads: threads, processes: processes,
                    writeRate: writePlan.gapRate, submitRate: writePlan.submissionRate,
                    indexMaintenance: indexUpkeep == .manual
                        ? "off"
                        : "\(indexUpkeep.rawValue), newest segment rebuilt every \(options.tailRebuildChanges) changes, recent segment up to \(options.recentSegmentLimit) gaps",
                    warmupSeconds: warmup,
                    durationSeconds: duration, limit: limit, queries: querySet.drafts.count, querySource: querySet.source,
                    asYouType: querySet.asYouType),
                measuredSeconds: measured,
                operations: Dictionary(uniqueKeysWithValues: merged.stats.map { ($0.key.rawValue, LoadReport.summary($0.value, seconds: measured)) }),
                processes: processSummaries,
                lostWrites: .init(
                    acknowledged: acknowledged.count,
                    lost: Array(Set(verifications.flatMap(\.notFound))).sorted(),
                    missingRecords: Array(Set(verifications.flatMap(\.missingRecords))).sorted(),
                    verifications: verifications),
                totalErrors: merged.stats.values.reduce(0) { $0 + $1.errors } + verifications.reduce(0) { $0 + $1.errorCount },
                errors: errorSamples.messages)
            print(report.text)
            if let jsonReport { try report.writeJSON(to: jsonReport) }
            if !report.passed { throw ExitCode.failure }
        }

        private func summary(of outcome: LoadOutcome, process: Int, pid: Int32, peakResidentBytes: Int) -> LoadReport.ProcessSummary {
            let checks = outcome.stats[.check]
            return .init(
                process: process, pid: pid, checks: checks?.count ?? 0, errors: outcome.stats.values.reduce(0) { $0 + $1.errors },
                peakResidentMib: mebibytes(peakResidentBytes))
        }

        /// Starts processes 1…processes−1 as workers on the same store and query set.
        private func startWorkers(storePath: String, querySet: QuerySet, scratch: String) throws -> [WorkerProcess] {
            guard processes > 1 else { return [] }
            let queryPath = (scratch as NSString).appendingPathComponent("queries.jsonl")
            try querySet.write(to: queryPath)
            let executable = Bundle.main.executablePath ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
            return try (1..<processes).map { index in
                var arguments = [
                    "worker", "--store", storePath, "--queries", queryPath, "--threads", String(threads),
                    "--processes", String(processes), "--process-index", String(index), "--warmup", String(warmup),
                    "--duration", String(duration), "--limit", String(limit),
                ]
                if let rate { arguments += ["--rate", String(rate)] }
                if querySet.asYouType { arguments.append("--as-you-type") }
                return try WorkerProcess(executable: executable, arguments: arguments, index: index, directory: scratch)
            }
        }
    }

    /// Builds a store to load-test later.
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build a store from a gapcorpus corpus or generated gaps, for later runs.",
            discussion: """
                Example:
                  gapload build --store /tmp/load-100k --gaps 100000
                  gapload build --store /tmp/load-100k --corpus /tmp/gapcorpus/corpus-100000.jsonl
                """)

        @Option(help: ArgumentHelp("Where to build the store (must not hold one yet).", valueName: "path")) var store: String
        @OptionGroup var corpus: CorpusOptions

        func validate() throws {
            if StoreSetup.holdsStore(store) { throw ValidationError("\(store) already holds a store; give a new path") }
            if !corpus.asksToBuild { throw ValidationError("give --gaps N or --corpus FILE: what to build the store from") }
        }

        func run() throws {
            try StoreSetup.build(at: store, from: corpus)
            let statistics = try GapStore(path: store).statistics()
            print("\(store): \(number(statistics.gaps)) gaps")
        }
    }

    /// One of the extra processes of `run --processes N`; see WorkerProcess.swift for the
    /// conversation with the parent.
    struct Worker: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Internal: an extra checking process that `gapload run --processes N` starts.", shouldDisplay: false)

        @Option var store: String
        @Option var queries: String
        @Option var threads: Int
        @Option var processes: Int
        @Option var processIndex: Int
        @Option var rate: Double?
        @Option var warmup: Double
        @Option var duration: Double
        @Option var limit: Int
        @Flag var asYouType = false

        func run() throws {
            let output = Locked(())
            @Sendable func send(_ line: String) {
                output.withLock { _ in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
            }
            let gapStore = try GapStore(path: store)
            var querySet = try QuerySet.read(queries)
            querySet.asYouType = asYouType
            send("ready")
            guard readLine() == "start" else { throw LoadError("expected `start` from the parent gapload") }
            let window = Window(startingAt: .now, warmup: .seconds(warmup), duration: .seconds(duration))
            let counters = LiveCounters()
            let finished = Locked(false)
            let reporter = Thread {
                while !finished.withLock({ $0 }) {
                    send("progress \(counters.checks.load(ordering: .relaxed)) \(counters.errors.load(ordering: .relaxed))")
                    Thread.sleep(forTimeInterval: 1)
                }
            }
            reporter.start()
            let plan = CheckPlan(
                threads: threads, processes: processes, processIndex: processIndex, rate: rate, limit: limit, asYouType: asYouType)
            let (outcome, _) = LoadDriver.run(store: gapStore, queries: querySet, plan: plan, writes: nil, window: window, counters: counters)
            finished.withLock { $0 = true }

            guard let line = readLine(), line.hasPrefix("verify ") else { throw LoadError("expected `verify PATH` from the parent gapload") }
            let path = String(line.dropFirst("verify ".count))
            var verification: Verification?
            if path != "-" {
                let acknowledged = try JSONDecoder().decode([AcknowledgedGap].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
                verification = Verification.run(acknowledged, in: gapStore, process: processIndex)
            }
            let report = WorkerReport(
                process: processIndex, pid: getpid(), outcome: outcome, verification: verification,
                peakResidentBytes: peakResidentBytes())
            send("result " + String(decoding: try JSONEncoder().encode(report), as: UTF8.self))
        }
    }
}

/// The live progress line on standard error, when it is a terminal.
final class ProgressLine: Sendable {
    private let finished = Atomic<Bool>(false)
    private let stopped = DispatchSemaphore(value: 0)

    init(window: Window, counters: LiveCounters, workers: [WorkerProcess]) {
        guard isatty(STDERR_FILENO) == 1 else {
            finished.store(true, ordering: .relaxed)
            stopped.signal()
            return
        }
        let thread = Thread { [self] in
            while !self.finished.load(ordering: .relaxed) {
                let now = ContinuousClock.now
                let phase = now < window.measureFrom
                    ? String(format: "warm-up %.0f/%.0f s", (now - window.start).inSeconds, (window.measureFrom - window.start).inSeconds)
                    : String(format: "measuring %.0f/%.0f s", (now - window.measureFrom).inSeconds, (window.end - window.measureFrom).inSeconds)
                let others = workers.map(\.progress)
                let checks = counters.checks.load(ordering: .relaxed) + others.reduce(0) { $0 + $1.checks }
                let errors = counters.errors.load(ordering: .relaxed) + others.reduce(0) { $0 + $1.errors }
                let line = "\(phase) | checks \(number(checks)) | errors \(number(errors)) | gaps \(number(counters.gaps.load(ordering: .relaxed))) | submissions \(number(counters.submissions.load(ordering: .relaxed)))"
                FileHandle.standardError.write(Data("\r\u{1B}[K\(line)".utf8))
                Thread.sleep(forTimeInterval: 0.5)
            }
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            self.stopped.signal()
        }
        thread.start()
    }

    /// Stops the line and clears it.
    func finish() {
        finished.store(true, ordering: .relaxed)
        stopped.wait()
    }
}

/// A private scratch directory for the run's temporary store and files.
func makeScratchDirectory() throws -> String {
    var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("gapload-XXXXXX").utf8CString)
    guard let created = mkdtemp(&template) else { throw LoadError("cannot create a temporary directory: \(String(cString: strerror(errno)))") }
    return String(cString: created)
}

/// `--index-upkeep` values.
enum UpkeepChoice: String, ExpressibleByArgument, CaseIterable {
    case afterWrites = "after-writes"
    case background
    case manual

    var upkeep: GapStore.IndexUpkeep {
        switch self {
        case .afterWrites: .afterWrites
        case .background: .background
        case .manual: .manual
        }
    }
}
