import Foundation
import GapCorpus
import GapStore
import Synchronization

/// The time line every thread of a run follows: warm-up from `start`, measurement from
/// `measureFrom` until `end`.
struct Window: Sendable {
    let start: ContinuousClock.Instant
    let measureFrom: ContinuousClock.Instant
    let end: ContinuousClock.Instant

    init(startingAt start: ContinuousClock.Instant, warmup: Duration, duration: Duration) {
        self.start = start
        measureFrom = start + warmup
        end = measureFrom + duration
    }
}

/// How the checking threads of one process run.
struct CheckPlan: Sendable {
    var threads: Int
    var processes: Int
    /// This process's position among `processes` (0 is the one that started the others).
    var processIndex: Int
    /// Checks per second across every thread of every process; `nil` runs closed loop.
    var rate: Double?
    /// Candidates asked for per check.
    var limit: Int
    var asYouType: Bool
}

/// How the writer threads run (only in the first process).
struct WritePlan: Sendable {
    /// Gaps created per second (0: none).
    var gapRate: Double
    /// Submissions filed per second (0: none).
    var submissionRate: Double
    /// The seed of the generated gaps.
    var seed: UInt64
}

/// Counters the progress line reads while the threads run.
final class LiveCounters: Sendable {
    let checks = Atomic<Int>(0)
    let errors = Atomic<Int>(0)
    let gaps = Atomic<Int>(0)
    let submissions = Atomic<Int>(0)
}

/// A gap a writer created and the store acknowledged (the call returned).
struct AcknowledgedGap: Codable, Sendable {
    var id: String
    var title: String
    var description: String
}

/// What one thread (or, merged, one process) measured.
struct LoadOutcome: Codable, Sendable {
    var stats: StatsByOperation = [:]
    var errorSamples = ErrorSamples()

    mutating func merge(_ other: LoadOutcome) {
        stats.merge(other.stats)
        errorSamples.merge(other.errorSamples)
    }
}

enum LoadDriver {
    /// Runs the checking threads of one process (and the writers, when `writes` is given)
    /// through `window`, and returns what they measured merged, plus the gaps the writers had
    /// acknowledged.
    static func run(
        store: GapStore, queries: QuerySet, plan: CheckPlan, writes: WritePlan?, window: Window, counters: LiveCounters
    ) -> (outcome: LoadOutcome, acknowledged: [AcknowledgedGap]) {
        let acknowledged = Locked<[AcknowledgedGap]>([])
        var bodies: [@Sendable () -> LoadOutcome] = (0..<plan.threads).map { thread in
            { checkLoop(store: store, queries: queries, plan: plan, thread: thread, window: window, counters: counters) }
        }
        if let writes {
            if writes.gapRate > 0 {
                let drafts = generatedDrafts(store: store, seed: writes.seed, count: dueCount(rate: writes.gapRate, window: window))
                bodies.append {
                    gapWriter(store: store, drafts: drafts, rate: writes.gapRate, window: window, counters: counters, acknowledged: acknowledged)
                }
            }
            if writes.submissionRate > 0 {
                bodies.append {
                    submissionWriter(
                        store: store, rate: writes.submissionRate, seed: writes.seed, window: window, counters: counters,
                        acknowledged: acknowledged)
                }
            }
        }
        var merged = LoadOutcome()
        for outcome in onThreads(bodies) { merged.merge(outcome) }
        return (merged, acknowledged.withLock { $0 })
    }

    /// One checking thread. In open loop the process's threads take turns on one global
    /// schedule: thread k of process p handles the checks due at (p·threads + k + n·all)/rate.
    private static func checkLoop(
        store: GapStore, queries: QuerySet, plan: CheckPlan, thread: Int, window: Window, counters: LiveCounters
    ) -> LoadOutcome {
        let allThreads = plan.threads * plan.processes
        let position = plan.processIndex * plan.threads + thread
        var next = position
        var samples = ErrorSamples()
        let schedule = plan.rate.map { rate in
            (interval: Duration.seconds(Double(allThreads) / rate), offset: Duration.seconds(Double(position) / rate))
        }
        let stats = runSchedule(window, schedule) { () -> Bool in
            let draft = queries.drafts[next % queries.drafts.count]
            next += allThreads
            do {
                let candidates = try store.findDuplicates(
                    DuplicateQuery(title: draft.title, description: draft.description, limit: plan.limit, asYouType: plan.asYouType))
                withExtendedLifetime(candidates) {}
                counters.checks.add(1, ordering: .relaxed)
                return true
            } catch {
                samples.add("check: \(error)")
                counters.errors.add(1, ordering: .relaxed)
                return false
            }
        }
        return LoadOutcome(stats: [.check: stats], errorSamples: samples)
    }

    /// Creates the prepared gaps on a fixed schedule, recording each acknowledged one.
    private static func gapWriter(
        store: GapStore, drafts: [GapDraft], rate: Double, window: Window, counters: LiveCounters,
        acknowledged: Locked<[AcknowledgedGap]>
    ) -> LoadOutcome {
        var samples = ErrorSamples()
        var next = 0
        let stats = runSchedule(window, (interval: .seconds(1 / rate), offset: .zero)) { () -> Bool in
            guard next < drafts.count else { return true }
            let draft = drafts[next]
            next += 1
            do {
                let created = try store.createGap(draft, by: "gapload")
                acknowledged.withLock {
                    $0.append(AcknowledgedGap(id: created.gap.id.description, title: draft.title, description: draft.description))
                }
                counters.gaps.add(1, ordering: .relaxed)
                return true
            } catch {
                samples.add("create gap: \(error)")
                counters.errors.add(1, ordering: .relaxed)
                return false
            }
        }
        return LoadOutcome(stats: [.createGap: stats], errorSamples: samples)
    }

    /// Files submissions on a fixed schedule, each for a gap the gap writer created in this run
    /// or, until there is one, an existing open gap; customers come from a pool of 200.
    private static func submissionWriter(
        store: GapStore, rate: Double, seed: UInt64, window: Window, counters: LiveCounters,
        acknowledged: Locked<[AcknowledgedGap]>
    ) -> LoadOutcome {
        var samples = ErrorSamples()
        var random = SeededRandom(seed: seed &+ 2)
        let existing: [GapID]
        do {
            existing = try store.listGaps(GapQuery(limit: 500)).items.map(\.gap.id)
        } catch {
            samples.add("submit: listing gaps to submit to: \(error)")
            existing = []
        }
        let severities = Severity.allCases
        let stats = runSchedule(window, (interval: .seconds(1 / rate), offset: .seconds(0.5 / rate))) { () -> Bool in
            let created = acknowledged.withLock { gaps in
                gaps.isEmpty ? nil : GapID(gaps[Int(random.next() % UInt64(gaps.count))].id)
            }
            guard let gapID = created ?? (existing.isEmpty ? nil : existing[Int(random.next() % UInt64(existing.count))]) else {
                samples.add("submit: no gap to submit to yet (the store is empty and no gap was created)")
                counters.errors.add(1, ordering: .relaxed)
                return false
            }
            let customer = Int(random.next() % 200) + 1
            let draft = SubmissionDraft(
                gapID: gapID, accountID: "LOAD\(customer)", accountName: "Load test customer \(customer)",
                severity: severities[Int(random.next() % UInt64(severities.count))],
                impact: "Raised in a load test", workaround: .unknown, submitter: "gapload")
            do {
                try store.submit(draft)
                counters.submissions.add(1, ordering: .relaxed)
                return true
            } catch {
                samples.add("submit: \(error)")
                counters.errors.add(1, ordering: .relaxed)
                return false
            }
        }
        return LoadOutcome(stats: [.submit: stats], errorSamples: samples)
    }

    /// New gaps from GapCorpus (another seed than the store's), prepared before the run so
    /// generating them is not timed. A category the store does not know is left out.
    private static func generatedDrafts(store: GapStore, seed: UInt64, count: Int) -> [GapDraft] {
        let taxonomy = try? store.taxonomy()
        var generator = CorpusGenerator(seed: seed &+ 1)
        return (0..<count).map { _ in
            let gap = generator.next()
            let known = taxonomy?.category(named: gap.category)
            let subcategory = known?.subcategories.contains { $0.name == gap.subcategory } == true ? gap.subcategory : nil
            return GapDraft(
                title: gap.title, description: gap.description, category: known == nil ? nil : gap.category,
                subcategory: subcategory, team: gap.team)
        }
    }

    /// How many operations a schedule at `rate` has due before the window ends.
    private static func dueCount(rate: Double, window: Window) -> Int {
        let (seconds, attoseconds) = (window.end - window.start).components
        return Int((Double(seconds) + Double(attoseconds) / 1e18) * rate) + 1
    }

    /// Runs `operation` until the window ends, recording the latency of those started in the
    /// measured part. With a schedule, the n-th operation is due at start + offset + n·interval
    /// and its latency counts from that moment (a late start is part of it); without one,
    /// operations run back to back and latency counts from the call.
    private static func runSchedule(
        _ window: Window, _ schedule: (interval: Duration, offset: Duration)?, _ operation: () -> Bool
    ) -> OperationStats {
        let clock = ContinuousClock()
        var stats = OperationStats()
        guard let schedule else {
            while true {
                let started = clock.now
                if started >= window.end { break }
                let succeeded = operation()
                if started >= window.measureFrom {
                    if succeeded {
                        stats.record(clock.now - started, second: Int((started - window.measureFrom).inSeconds))
                    } else {
                        stats.errors += 1
                    }
                }
            }
            return stats
        }
        var due = window.start + schedule.offset
        while due < window.end {
            let now = clock.now
            if now >= window.end { break }
            if now < due { sleep(for: due - now) }
            let succeeded = operation()
            if due >= window.measureFrom {
                if succeeded {
                    stats.record(clock.now - due, second: Int((due - window.measureFrom).inSeconds))
                } else {
                    stats.errors += 1
                }
            }
            due += schedule.interval
        }
        // Behind schedule when the window closed: what was due but never started.
        while due < window.end {
            if due >= window.measureFrom { stats.unsent += 1 }
            due += schedule.interval
        }
        return stats
    }
}

/// Blocks the calling thread for `duration`.
func sleep(for duration: Duration) {
    let (seconds, attoseconds) = duration.components
    Thread.sleep(forTimeInterval: Double(seconds) + Double(attoseconds) / 1e18)
}

/// Runs each body on a thread of its own (real OS threads, so that blocking LMDB calls never
/// starve a shared pool) and returns their results in order.
func onThreads<T: Sendable>(_ bodies: [@Sendable () -> T]) -> [T] {
    let results = Locked<[Int: T]>([:])
    let group = DispatchGroup()
    for (index, body) in bodies.enumerated() {
        group.enter()
        let thread = Thread {
            let result = body()
            results.withLock { $0[index] = result }
            group.leave()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
    group.wait()
    return results.withLock { results in bodies.indices.map { results[$0]! } }
}

/// A value shared between threads behind a lock (a class, so escaping closures can share it).
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R {
        mutex.withLock { body(&$0) }
    }
}

extension Duration {
    /// Seconds as a floating-point number.
    var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
