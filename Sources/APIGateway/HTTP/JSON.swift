import SCADACore
import Foundation

/// A JSON value the gateway writes: ordered objects, exact integers, and already-encoded fragments
/// (`raw`) that are copied verbatim. Written by hand into bytes (no Foundation encoder on the hot path).
indirect enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])
    /// A complete JSON text, written as is.
    case raw([UInt8])

    static func == (lhs: JSON, rhs: JSON) -> Bool { lhs.bytes == rhs.bytes }

    static func optional(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }
    static func optional(_ value: Int64?) -> JSON { value.map(JSON.int) ?? .null }
    static func optional(_ value: Double?) -> JSON { value.map(JSON.double) ?? .null }

    /// The value as UTF-8 JSON text.
    var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out)
        return out
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .int(let number): JSONBytes.appendInteger(Int64(number), to: &out)
        case .double(let number): JSON.writeNumber(number, into: &out)
        case .string(let text): JSON.writeString(text, into: &out)
        case .raw(let bytes): out.append(contentsOf: bytes)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSON.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeNumber(_ number: Double, into out: inout [UInt8]) { JSONBytes.appendDouble(number, to: &out) }

    static func writeString(_ text: String, into out: inout [UInt8]) { JSONBytes.appendString(text, to: &out) }

    /// Parses JSON text (strict: `JSONDecoder`'s grammar); nil when it is not JSON.
    static func parse(_ bytes: [UInt8]) -> JSON? {
        try? JSONDecoder().decode(Decoded.self, from: Data(bytes)).value
    }

    /// Decodes any JSON value (object keys sorted, so output is stable).
    struct Decoded: Decodable {
        let value: JSON

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                value = .null
            } else if let flag = try? container.decode(Bool.self) {
                value = .bool(flag)
            } else if let integer = try? container.decode(Int64.self) {
                value = .int(integer)
            } else if let number = try? container.decode(Double.self) {
                value = .double(number)
            } else if let text = try? container.decode(String.self) {
                value = .string(text)
            } else if let items = try? container.decode([Decoded].self) {
                value = .array(items.map(\.value))
            } else {
                let fields = try container.decode([String: Decoded].self)
                value = .object(fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value.value) })
            }
        }
    }
}

/// ISO-8601 text of UTC milliseconds, e.g. `2026-01-02T03:04:05.678Z`.
enum ISOTime {
    static func string(milliseconds: Int64) -> String {
        let seconds = Int(floorDiv(milliseconds, 1000))
        let millis = Int(milliseconds - Int64(seconds) * 1000)
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }
}
