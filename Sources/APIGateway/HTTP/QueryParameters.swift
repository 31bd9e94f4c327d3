import Foundation
import Hummingbird

/// Typed readers of query parameters; a malformed value is a 400 ``Problem`` naming the parameter.
struct QueryParameters: Sendable {
    let values: [String: String]
    /// Names this route understands; any other one is rejected (a typo would otherwise be silently ignored).
    let known: Set<String>

    init(_ request: Request, known: Set<String>) throws(Problem) {
        var values: [String: String] = [:]
        for (name, value) in request.uri.queryParameters {
            let key = String(name)
            guard known.contains(key) || key == "access_token" else {
                throw Problem.invalid(key, "unknown parameter (known: \(known.sorted().joined(separator: ", ")))")
            }
            guard values[key] == nil else { throw Problem.invalid(key, "given more than once") }
            values[key] = String(value)
        }
        self.values = values
        self.known = known
    }

    func string(_ name: String) throws(Problem) -> String? {
        guard let value = values[name] else { return nil }
        guard !value.isEmpty else { throw Problem.invalid(name, "must not be empty") }
        guard value.utf8.count <= 256 else { throw Problem.invalid(name, "longer than 256 bytes") }
        return value
    }

    func choice(_ name: String, _ allowed: [String]) throws(Problem) -> String? {
        guard let value = try string(name) else { return nil }
        guard allowed.contains(value) else { throw Problem.invalid(name, "'\(value)' is not one of \(allowed.joined(separator: ", "))") }
        return value
    }

    func bool(_ name: String) throws(Problem) -> Bool? {
        guard let value = try string(name) else { return nil }
        switch value {
        case "true", "1": return true
        case "false", "0": return false
        default: throw Problem.invalid(name, "'\(value)' is not true or false")
        }
    }

    func integer(_ name: String, range: ClosedRange<Int>) throws(Problem) -> Int? {
        guard let value = try string(name) else { return nil }
        guard let number = Int(value), range.contains(number) else {
            throw Problem.invalid(name, "'\(value)' is not an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    /// A time as ISO-8601 (`2026-01-02T03:04:05Z`, fractional seconds and offsets allowed) or epoch
    /// milliseconds; UTC ms.
    func time(_ name: String) throws(Problem) -> Int64? {
        guard let value = try string(name) else { return nil }
        guard let milliseconds = TimeParser.milliseconds(value) else {
            throw Problem.invalid(name, "'\(value)' is neither an ISO-8601 time nor epoch milliseconds")
        }
        return milliseconds
    }

    /// A duration such as `90s`, `5m`, `1h`, `7d`, or plain seconds; in ms.
    func duration(_ name: String, max: Int64) throws(Problem) -> Int64? {
        guard let value = try string(name) else { return nil }
        guard let milliseconds = TimeParser.durationMilliseconds(value), milliseconds > 0, milliseconds <= max else {
            throw Problem.invalid(name, "'\(value)' is not a duration like 30s, 5m, 1h, 7d (at most \(max / 3_600_000) h)")
        }
        return milliseconds
    }

    /// A page size: `limit`, 1...max, default `fallback`.
    func limit(default fallback: Int, max: Int) throws(Problem) -> Int {
        try integer("limit", range: 1...max) ?? fallback
    }

    /// The opaque `cursor` of the previous page, decoded.
    func cursor() throws(Problem) -> String? {
        guard let value = try string("cursor") else { return nil }
        guard let decoded = Cursor.decode(value) else { throw Problem.invalid("cursor", "not a cursor this API returned") }
        return decoded
    }
}

/// Opaque page cursors: base64url of a position string only the gateway interprets.
enum Cursor {
    static func encode(_ position: String) -> String {
        Data(position.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ cursor: String) -> String? {
        var text = cursor.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), let position = String(data: data, encoding: .utf8),
              position.hasPrefix("c1:") else { return nil }
        return String(position.dropFirst(3))
    }

    /// A cursor for `position`, versioned so old cursors can be recognised.
    static func make(_ position: String) -> String { encode("c1:" + position) }
}

/// Parses the time formats the API accepts.
enum TimeParser {
    static func milliseconds(_ text: String) -> Int64? {
        if let number = Int64(text) {
            return (0...253_402_300_799_999).contains(number) ? number : nil
        }
        return iso8601(text)
    }

    /// `YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)`, or a date alone (midnight UTC).
    static func iso8601(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += count
            return value
        }
        func expect(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0, fraction = 0, offsetMinutes = 0
        if index < bytes.count {
            guard expect("T") || expect("t") || expect(" "), let h = digits(2), expect(":"), let m = digits(2) else { return nil }
            hour = h; minute = m
            if expect(":") {
                guard let s = digits(2) else { return nil }
                second = s
                if expect(".") || expect(",") {
                    var scale = 100
                    var any = false
                    while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                        fraction += Int(bytes[index] - UInt8(ascii: "0")) * scale
                        scale /= 10
                        index += 1
                        any = true
                    }
                    guard any else { return nil }
                }
            }
            guard hour < 24, minute < 60, second < 61 else { return nil }
            if expect("Z") || expect("z") {
            } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
                guard let oh = digits(2) else { return nil }
                _ = expect(":")
                guard let om = digits(2), oh < 24, om < 60 else { return nil }
                offsetMinutes = sign * (oh * 60 + om)
            } else if index < bytes.count {
                return nil
            }
        }
        guard index == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetMinutes * 60)
        return seconds * 1000 + Int64(fraction)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func durationMilliseconds(_ text: String) -> Int64? {
        guard let last = text.last else { return nil }
        let units: [Character: Int64] = ["s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000]
        if let unit = units[last] {
            guard let number = Int64(text.dropLast()), number >= 0, number < 1_000_000 else { return nil }
            return number * unit
        }
        guard let seconds = Int64(text), seconds >= 0, seconds < 100_000_000 else { return nil }
        return seconds * 1000
    }
}
