public import Foundation

/// How field values are written as text, in both directions.
public enum InterchangeValue {
    /// Parses an ISO 8601 time (`2026-03-01T09:30:00Z`, with or without fractional seconds or
    /// an offset) or a calendar date (`2026-03-01`, midnight UTC).
    public static func date(_ text: String) -> Date? {
        // Formatters are not Sendable; one set per call is cheap next to the rest of a row.
        let internet = ISO8601DateFormatter()
        if let date = internet.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = fractional.date(from: text) { return date }
        let day = ISO8601DateFormatter()
        day.formatOptions = [.withFullDate]
        return text.utf8.count == 10 ? day.date(from: text) : nil
    }

    /// A time as ISO 8601 in UTC with milliseconds, the precision the store keeps.
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// A date as YYYY-MM-DD (UTC).
    public static func formatDay(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: date)
    }

    /// Parses a money amount in major units (`25000`, `25,000.50`, `25000.5`) into minor
    /// units (cents); `nil` when it is not one or does not fit.
    public static func money(_ text: String) -> Int64? {
        let cleaned = text.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "_", with: "")
        let parts = cleaned.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && $0.isNumber }),
            let whole = Int64(parts[0]),
            parts.count == 1 || ((1...2).contains(parts[1].count) && parts[1].allSatisfy { $0.isASCII && $0.isNumber })
        else { return nil }
        let fraction = parts.count == 2 ? Int64(parts[1].padding(toLength: 2, withPad: "0", startingAt: 0))! : 0
        let (product, overflow) = whole.multipliedReportingOverflow(by: 100)
        guard !overflow, product <= Int64.max - fraction else { return nil }
        return product + fraction
    }

    /// Minor units as major units with two decimals when there are cents: `2500050` →
    /// `25000.50`, `2500000` → `25000`.
    public static func formatMoney(_ minor: Int64) -> String {
        let cents = minor % 100
        return cents == 0 ? String(minor / 100) : "\(minor / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// Parses `true`/`false`, `yes`/`no`, `1`/`0` (any case); empty is `false`.
    static func bool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "y", "1": true
        case "false", "no", "n", "0", "": false
        default: nil
        }
    }
}
