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

    var count: Int { Int(latency.totalCount) }

    mutating func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = max(1, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        latency.record(UInt64(nanoseconds))
    }

    mutating func merge(_ other: OperationStats) {
        latency.add(other.latency)
        errors += other.errors
        unsent += other.unsent
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
