import Foundation
import Histogram

/// The result of a run, as `--json-report` writes it (snake_case keys) and as the summary
/// prints it.
struct LoadReport: Codable {
    struct Store: Codable {
        var path: String
        /// Whether this run built the store.
        var built: Bool
        var gapsAtStart: Int
        var gapsAtEnd: Int
        var submissionsAtEnd: Int
        /// The bytes of the LMDB data file (`data.mdb`) in use when the load started and when
        /// it ended (``StoreStatistics/usedBytes``, as `gapsearch stats` shows it: the file's
        /// size). LMDB files only grow: freed pages are reused, not returned, so the end is the
        /// most the store needed during the run.
        var bytesAtStart: Int
        var bytesAtEnd: Int
    }

    struct Settings: Codable {
        /// `closed` (every thread flat out) or `open` (checks at `rate` per second).
        var mode: String
        var rate: Double?
        var threads: Int
        var processes: Int
        var writeRate: Double
        var submitRate: Double
        /// How the writing process keeps the persisted search index fresh.
        var indexMaintenance: String
        var warmupSeconds: Double
        var durationSeconds: Double
        var limit: Int
        var queries: Int
        var querySource: String
        var asYouType: Bool
    }

    struct Latency: Codable {
        var p50: Double
        var p90: Double
        var p99: Double
        var p99_9: Double
        var max: Double
        var mean: Double

        /// Milliseconds from a histogram of nanoseconds.
        init(_ histogram: Histogram<UInt64>) {
            func ms(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1e6 }
            p50 = ms(histogram.valueAtPercentile(50))
            p90 = ms(histogram.valueAtPercentile(90))
            p99 = ms(histogram.valueAtPercentile(99))
            p99_9 = ms(histogram.valueAtPercentile(99.9))
            max = ms(histogram.max)
            mean = histogram.mean / 1e6
        }
    }

    struct OperationSummary: Codable {
        var count: Int
        var errors: Int
        var unsent: Int
        var throughputPerSecond: Double
        /// Milliseconds; absent when nothing succeeded.
        var latencyMs: Latency?
        /// The slowest latency (ms) of each second of the measured window, 0 for a second in
        /// which none succeeded.
        var slowestMsPerSecond: [Double]
    }

    struct ProcessSummary: Codable {
        var process: Int
        var pid: Int32
        var checks: Int
        var errors: Int
        /// The process's peak resident memory (`ru_maxrss`) at the end of its run, in MiB,
        /// including the pages of the store's memory map it touched.
        var peakResidentMib: Double
    }

    struct LostWrites: Codable {
        /// Gaps the writer created and the store acknowledged.
        var acknowledged: Int
        /// Acknowledged gaps some process did not find again.
        var lost: [String]
        /// Of those, gaps whose record is gone.
        var missingRecords: [String]
        var verifications: [Verification]
    }

    var tool = "gapload"
    var startedAt: Date
    var store: Store
    var settings: Settings
    var measuredSeconds: Double
    /// Keyed by `check`, `create_gap`, `submit`.
    var operations: [String: OperationSummary]
    var processes: [ProcessSummary]
    var lostWrites: LostWrites
    /// Failed operations and failed verification searches, in all.
    var totalErrors: Int
    /// The first few distinct error messages.
    var errors: [String]

    /// Whether the run saw no failure and lost nothing.
    var passed: Bool { totalErrors == 0 && lostWrites.lost.isEmpty }

    static func summary(_ stats: OperationStats, seconds: Double) -> OperationSummary {
        OperationSummary(
            count: stats.count, errors: stats.errors, unsent: stats.unsent,
            throughputPerSecond: seconds > 0 ? Double(stats.count) / seconds : 0,
            latencyMs: stats.count > 0 ? Latency(stats.latency) : nil,
            slowestMsPerSecond: stats.slowestPerSecond.map { (Double($0) / 1e4).rounded() / 100 })
    }

    func writeJSON(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        do {
            try encoder.encode(self).write(to: URL(fileURLWithPath: path))
        } catch {
            throw LoadError("cannot write the JSON report to \(path): \(error.localizedDescription)")
        }
    }

    /// The human summary.
    var text: String {
        var lines: [String] = []
        let mode = settings.rate.map { "open loop at \(number($0)) checks/s" } ?? "closed loop"
        let writer = settings.writeRate > 0 || settings.submitRate > 0
            ? "writers: \(number(settings.writeRate)) gaps/s + \(number(settings.submitRate)) submissions/s"
            : "no writers"
        let maintenance = settings.writeRate > 0 || settings.submitRate > 0 ? "; index maintenance: \(settings.indexMaintenance)" : ""
        lines.append("gapload: \(store.path) (\(number(store.gapsAtStart)) gaps at start, \(number(store.gapsAtEnd)) at end)")
        lines.append(
            "  \(mode), \(settings.processes) process\(settings.processes == 1 ? "" : "es") × \(settings.threads) thread\(settings.threads == 1 ? "" : "s"), \(writer)\(maintenance)")
        lines.append(
            "  \(number(settings.warmupSeconds)) s warm-up, \(String(format: "%.1f", measuredSeconds)) s measured; \(number(settings.queries)) queries (\(settings.querySource))")
        lines.append("")
        let header = ["operation", "count", "errors", "unsent", "per s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms"]
        var rows = [header]
        for operation in Operation.allCases {
            guard let summary = operations[operation.rawValue] else { continue }
            let latency = summary.latencyMs
            func ms(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "-" }
            rows.append([
                operation.label, number(summary.count), number(summary.errors), number(summary.unsent),
                String(format: "%.1f", summary.throughputPerSecond), ms(latency?.p50), ms(latency?.p90), ms(latency?.p99),
                ms(latency?.p99_9), ms(latency?.max),
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            lines.append(row.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  "))
        }
        // When the worst stalls happened (for operations whose max is far above their median):
        // regular spacing points at periodic work.
        var stalls: [String] = []
        for operation in Operation.allCases {
            guard let summary = operations[operation.rawValue], let latency = summary.latencyMs, latency.max >= 10 * latency.p50 else { continue }
            let worst = summary.slowestMsPerSecond.enumerated().sorted { $0.element > $1.element }.prefix(5).sorted { $0.offset < $1.offset }
            stalls.append(
                "slowest \(operation.label) by second of the run: "
                    + worst.map { "\($0.offset) s: \(String(format: "%.1f", $0.element)) ms" }.joined(separator: ", "))
        }
        if !stalls.isEmpty { lines += [""] + stalls }
        if processes.count > 1 {
            lines.append("")
            lines.append("checks per process: " + processes.map { "#\($0.process) (pid \($0.pid)) \(number($0.checks))" }.joined(separator: ", "))
        }
        let memory = processes.map { process in
            String(format: "%.0f MiB", process.peakResidentMib) + (process.process == 0 ? " (driver)" : " (worker \(process.process))")
        }
        lines += [
            "",
            "memory: peak resident " + memory.joined(separator: ", "),
            String(format: "store size: data file %.1f MiB at start, %.1f MiB at end", mebibytes(store.bytesAtStart), mebibytes(store.bytesAtEnd)),
        ]
        if operations.values.contains(where: { $0.unsent > 0 }) {
            lines.append("")
            lines.append("Behind schedule: operations counted as unsent were due in the measured window but never started; lower --rate.")
        }
        lines.append("")
        let searchers = lostWrites.verifications.count
        if lostWrites.acknowledged == 0 {
            lines.append("lost writes: none to check (no gap was created)")
        } else if lostWrites.lost.isEmpty {
            lines.append(
                "lost writes: none — all \(number(lostWrites.acknowledged)) acknowledged gaps found again by searches from \(searchers) process\(searchers == 1 ? "" : "es")")
        } else {
            lines.append(
                "LOST WRITES: \(lostWrites.lost.count) of \(number(lostWrites.acknowledged)) acknowledged gaps not found again (\(lostWrites.missingRecords.count) records gone): "
                    + lostWrites.lost.prefix(10).joined(separator: ", "))
        }
        if totalErrors > 0 {
            lines.append("ERRORS: \(number(totalErrors)); first ones:")
            lines.append(contentsOf: errors.map { "  " + $0 })
        }
        return lines.joined(separator: "\n")
    }
}

/// A number with thousands separators (and no decimals when it is whole).
func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? number(Int(value)) : String(format: "%.1f", value)
}

func number(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var grouped = ""
    for (offset, character) in digits.enumerated() {
        if offset > 0 && (digits.count - offset) % 3 == 0 { grouped.append(",") }
        grouped.append(character)
    }
    return (value < 0 ? "-" : "") + grouped
}
