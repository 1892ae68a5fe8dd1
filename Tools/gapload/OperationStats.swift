import Histogram

/// What gapload measures.
enum Operation: String, CaseIterable, Codable, Sendable, CodingKeyRepresentable {
    /// A duplicate check (`GapStore.findDuplicates`).
    case check
    /// Creating a gap, one transaction (with the index maintenance that follows it).
    case createGap = "create_gap"
    /// Filing a submission, one transaction.
    case submit

    var label: String {
        switch self {
        case .check: "check"
        case .createGap: "create gap"
        case .submit: "submit"
        }
    }
}

/// The outcomes of one kind of operation in the measured window: latencies of the successful
/// ones, errors, and operations that fell due but were never started. Mergeable across threads
/// and processes (it is sent from worker processes as JSON).
struct OperationStats: Codable, Sendable {
    /// Latencies in nanoseconds, three significant digits.
    var latency = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
    /// Operations that failed (not in ``latency``).
    var errors = 0
    /// Open loop only: operations scheduled inside the measured window that were never started
    /// because the thread was still behind schedule when the window closed.
    var unsent = 0

    /// Per second of the measured window (by when each operation was due or started): the
    /// slowest latency in nanoseconds, so periodic stalls show when they happened.
    var slowestPerSecond: [UInt64] = []

    var count: Int { Int(latency.totalCount) }

    /// Records a successful operation that began (or fell due) `second` seconds into the
    /// measured window.
    mutating func record(_ duration: Duration, second: Int) {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = UInt64(max(1, seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
        latency.record(nanoseconds)
        if slowestPerSecond.count <= second { slowestPerSecond += repeatElement(0, count: second + 1 - slowestPerSecond.count) }
        slowestPerSecond[second] = max(slowestPerSecond[second], nanoseconds)
    }

    mutating func merge(_ other: OperationStats) {
        latency.add(other.latency)
        errors += other.errors
        unsent += other.unsent
        if slowestPerSecond.count < other.slowestPerSecond.count {
            slowestPerSecond += repeatElement(0, count: other.slowestPerSecond.count - slowestPerSecond.count)
        }
        for (second, slowest) in other.slowestPerSecond.enumerated() {
            slowestPerSecond[second] = max(slowestPerSecond[second], slowest)
        }
    }
}

/// Outcomes per operation.
typealias StatsByOperation = [Operation: OperationStats]

extension Dictionary where Key == Operation, Value == OperationStats {
    mutating func merge(_ other: StatsByOperation) {
        for (operation, stats) in other { self[operation, default: OperationStats()].merge(stats) }
    }
}

/// The first few distinct error messages, so a report shows what went wrong without
/// repeating one message thousands of times.
struct ErrorSamples: Codable, Sendable {
    static let limit = 5
    private(set) var messages: [String] = []

    mutating func add(_ message: String) {
        if messages.count < Self.limit && !messages.contains(message) { messages.append(message) }
    }

    mutating func merge(_ other: ErrorSamples) {
        for message in other.messages { add(message) }
    }
}
