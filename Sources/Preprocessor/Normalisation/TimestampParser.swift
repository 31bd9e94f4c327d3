import Foundation

/// Reads a device timestamp as UTC milliseconds since the epoch.
///
/// Accepted: epoch milliseconds or seconds as a number or a numeric string (seconds when below
/// 10^11, i.e. before 1973 in milliseconds), fractional seconds, and ISO-8601 / RFC 3339 text with
/// or without a zone (no zone means UTC), with a `T` or a space between date and time.
public enum TimestampParser {
    /// Smallest accepted time: 2000-01-01T00:00:00Z.
    public static let earliest: Int64 = 946_684_800_000

    public static func milliseconds(_ value: JSONScalar, field: String) throws(Rejection) -> Int64 {
        switch value {
        case .number(let number, let integer):
            return try fromEpoch(number, integer: integer, field: field)
        case .string(let text):
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if let number = Double(trimmed), number.isFinite {
                return try fromEpoch(number, integer: Int64(exactly: number), field: field)
            }
            guard let parsed = iso8601(trimmed) else {
                throw Rejection(.badTimestamp, "'\(field)' is not a timestamp: \(text.prefix(64))")
            }
            return try plausible(parsed, field: field)
        case .bool, .null:
            throw Rejection(.wrongType, "'\(field)' must be a number or a string, not \(value.typeName)")
        }
    }

    static func fromEpoch(_ number: Double, integer: Int64?, field: String) throws(Rejection) -> Int64 {
        guard number >= 0 else { throw Rejection(.badTimestamp, "'\(field)' is negative") }
        let milliseconds: Int64
        if number < 100_000_000_000 {
            milliseconds = Int64((number * 1000).rounded())
        } else if let integer {
            milliseconds = integer
        } else if number < 9e15 {
            milliseconds = Int64(number.rounded())
        } else {
            throw Rejection(.badTimestamp, "'\(field)' is out of range")
        }
        return try plausible(milliseconds, field: field)
    }

    static func plausible(_ milliseconds: Int64, field: String) throws(Rejection) -> Int64 {
        guard milliseconds >= earliest else { throw Rejection(.badTimestamp, "'\(field)' is before the year 2000") }
        return milliseconds
    }

    /// Parses `YYYY-MM-DD[T ]hh:mm[:ss[.fff…]][Z|±hh:mm|±hhmm]`.
    static func iso8601(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for _ in 0..<digits {
                let byte = bytes[index]
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
                index += 1
            }
            return value
        }
        func expect(_ character: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == character else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2) else { return nil }
        guard index < bytes.count, bytes[index] == 84 || bytes[index] == 116 || bytes[index] == 32 else { return nil }
        index += 1
        guard let hour = number(2), expect(58), let minute = number(2) else { return nil }
        var second = 0
        var fractionMilliseconds = 0
        if expect(58) {
            guard let parsed = number(2) else { return nil }
            second = parsed
            if expect(46) || expect(44) {
                var scale = 100
                var digits = 0
                while index < bytes.count, bytes[index] >= 48 && bytes[index] <= 57 {
                    fractionMilliseconds += Int(bytes[index] - 48) * scale
                    scale /= 10
                    digits += 1
                    index += 1
                }
                guard digits > 0 else { return nil }
            }
        }
        var offsetSeconds = 0
        if index < bytes.count {
            if bytes[index] == 90 || bytes[index] == 122 {
                index += 1
            } else if bytes[index] == 43 || bytes[index] == 45 {
                let sign = bytes[index] == 45 ? -1 : 1
                index += 1
                guard let hours = number(2) else { return nil }
                _ = expect(58)
                guard let minutes = number(2) else { return nil }
                offsetSeconds = sign * (hours * 3600 + minutes * 60)
            }
        }
        guard index == bytes.count else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        guard day <= daysIn(month: month, year: year) else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        return seconds * 1000 + Int64(fractionMilliseconds)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
