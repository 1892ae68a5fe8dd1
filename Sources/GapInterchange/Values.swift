public import Foundation

/// How field values are written as text, in both directions.
public enum InterchangeValue {
    /// Parses an ISO 8601 time (`2026-03-01T09:30:00Z`, with or without fractional seconds or
    /// an offset) or a calendar date (`2026-03-01`, midnight UTC).
    public static func date(_ text: String) -> Date? { DateCodec().date(text) }

    /// A time as ISO 8601 in UTC with milliseconds, the precision the store keeps.
    public static func format(_ date: Date) -> String { DateCodec().format(date) }

    /// A date as YYYY-MM-DD (UTC).
    public static func formatDay(_ date: Date) -> String { DateCodec().formatDay(date) }

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

/// ISO 8601 formatters, made once per import or export: making one costs far more than using
/// it (a locale lookup each), which dominated imports of many records.
final class DateCodec {
    private let internet = ISO8601DateFormatter()
    private let fractional: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
    private let day: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter
    }()

    func date(_ text: String) -> Date? {
        if let date = Self.utcDate(text) { return date }
        if let date = internet.date(from: text) ?? fractional.date(from: text) { return date }
        return text.utf8.count == 10 ? day.date(from: text) : nil
    }

    /// The forms exports and most sources write — `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM:SSZ` and
    /// `YYYY-MM-DDTHH:MM:SS.sssZ` — read directly: the formatters cost tens of microseconds a
    /// date. Anything else (offsets, other precisions) goes to them.
    static func utcDate(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                guard index < bytes.count, (0x30...0x39).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            return value
        }
        guard bytes.count >= 10, bytes[4] == 0x2D, bytes[7] == 0x2D,
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var seconds = 0
        var millis = 0
        if bytes.count > 10 {
            guard bytes.count == 20 || bytes.count == 24, bytes[10] == 0x54, bytes[13] == 0x3A, bytes[16] == 0x3A, bytes.last == 0x5A,
                let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
                hour < 24, minute < 60, second < 60
            else { return nil }
            if bytes.count == 24 {
                guard bytes[19] == 0x2E, let fraction = number(20..<23) else { return nil }
                millis = fraction
            }
            seconds = hour * 3600 + minute * 60 + second
        }
        // Days from 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        // Day 31 of a 30-day month would silently roll over: check by formatting back.
        let date = Date(timeIntervalSince1970: Double(days * 86_400 + seconds) + Double(millis) / 1000)
        guard day <= 28 || Calendar.gregorianUTC.component(.day, from: date) == day else { return nil }
        return date
    }

    func format(_ date: Date) -> String { fractional.string(from: date) }

    func formatDay(_ date: Date) -> String { day.string(from: date) }
}

extension Calendar {
    /// The Gregorian calendar in UTC.
    static let gregorianUTC: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
