import Foundation
import GapStore

#if canImport(Glibc)
import Glibc
#endif

/// Styling for terminal output: only when standard output is a terminal and NO_COLOR is not
/// set.
enum Style {
    static let enabled: Bool = isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

    static func bold(_ text: String) -> String { enabled ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    static func dim(_ text: String) -> String { enabled ? "\u{1B}[2m\(text)\u{1B}[0m" : text }
    static func yellow(_ text: String) -> String { enabled ? "\u{1B}[33m\(text)\u{1B}[0m" : text }
}

/// Money in minor units as major units with thousands separators: 2500000 → "25,000".
func formatMoney(_ minor: Int64, currency: String) -> String {
    let whole = minor / 100
    let cents = minor % 100
    var digits = String(whole)
    var grouped = ""
    while digits.count > 3 {
        grouped = "," + digits.suffix(3) + grouped
        digits.removeLast(3)
    }
    grouped = digits + grouped
    return cents == 0 ? "\(currency) \(grouped)" : "\(currency) \(grouped).\(String(format: "%02d", cents))"
}

/// A date as YYYY-MM-DD HH:MM UTC.
func formatDate(_ date: Date) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd HH:mm"
    return formatter.string(from: date)
}

/// Renders rows as aligned columns; the last column is left unpadded.
func renderTable(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
    let all = [header] + rows
    let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    var lines: [String] = []
    for (index, row) in all.enumerated() {
        let cells = row.enumerated().map { column, cell in
            if column == row.count - 1 && !rightAligned.contains(column) { return cell }
            let padding = String(repeating: " ", count: widths[column] - cell.count)
            return rightAligned.contains(column) ? padding + cell : cell + padding
        }
        let line = cells.joined(separator: "  ")
        lines.append(index == 0 ? Style.bold(line) : line)
    }
    return lines.joined(separator: "\n")
}

/// A bar of up to `width` blocks for `value` out of `maximum`.
func bar(_ value: Double, of maximum: Double, width: Int = 20) -> String {
    guard maximum > 0 else { return "" }
    let filled = Int((value / maximum * Double(width)).rounded())
    return String(repeating: "█", count: max(value > 0 ? 1 : 0, filled))
}

/// Shortens text to `limit` characters with an ellipsis.
func truncate(_ text: String, _ limit: Int) -> String {
    text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// "1 customer", "2 customers".
func plural(_ count: Int, _ noun: String) -> String { count == 1 ? "1 \(noun)" : "\(count) \(noun)s" }
