/// Why a Kafka message value is not a valid record.
public struct RecordDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}

/// A strict, single-pass reader of the canonical telemetry record straight from its JSON bytes.
///
/// It accepts exactly what `JSONDecoder` accepts for ``TelemetryRecord`` (any key order, whitespace,
/// escapes, unknown keys skipped, `null` for optional fields) at a fraction of the cost: no `Data`, no
/// intermediate JSON tree, no `Codable` machinery. Strings are checked to be UTF-8; numbers to be finite.
struct TelemetryRecordReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    static func read(_ input: [UInt8]) throws(RecordDecodingError) -> TelemetryRecord {
        try input.withUnsafeBufferPointer { (buffer) throws(RecordDecodingError) -> TelemetryRecord in
            var reader = TelemetryRecordReader(bytes: buffer)
            return try reader.readRecord()
        }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    // MARK: the record

    private mutating func readRecord() throws(RecordDecodingError) -> TelemetryRecord {
        var schemaVersion: Int?, deviceID: String?, deviceType: String?, sourceTopic: String?
        var site: String?, line: String?, seq: Int64?, eventTime: Int64?, receiveTime: Int64?
        var metrics: [String: Double] = [:], states: [String: StateValue] = [:], tags: [String: String] = [:]
        try readObject { (reader, key) throws(RecordDecodingError) in
            switch key {
            case "schema_version": schemaVersion = Int(try reader.readInteger(key))
            case "device_id": deviceID = try reader.readString(key)
            case "device_type": deviceType = try reader.readString(key)
            case "source_topic": sourceTopic = try reader.readString(key)
            case "site": site = try reader.readOptional { (r) throws(RecordDecodingError) in try r.readString(key) }
            case "line": line = try reader.readOptional { (r) throws(RecordDecodingError) in try r.readString(key) }
            case "event_time": eventTime = try reader.readInteger(key)
            case "receive_time": receiveTime = try reader.readInteger(key)
            case "seq": seq = try reader.readOptional { (r) throws(RecordDecodingError) in try r.readInteger(key) }
            case "metrics": metrics = try reader.readMap(key) { (r, name) throws(RecordDecodingError) in try r.readDouble("metrics.\(name)") }
            case "states": states = try reader.readMap(key) { (r, name) throws(RecordDecodingError) in try r.readState("states.\(name)") }
            case "tags": tags = try reader.readMap(key) { (r, name) throws(RecordDecodingError) in try r.readString("tags.\(name)") }
            default: try reader.skipValue(depth: 1)
            }
        }
        skipWhitespace()
        guard index == bytes.count else { throw syntax("unexpected data after the record") }
        guard let schemaVersion else { throw missing("schema_version") }
        guard let deviceID else { throw missing("device_id") }
        guard let deviceType else { throw missing("device_type") }
        guard let eventTime else { throw missing("event_time") }
        guard let receiveTime else { throw missing("receive_time") }
        guard let sourceTopic else { throw missing("source_topic") }
        return TelemetryRecord(schemaVersion: schemaVersion, deviceId: deviceID, deviceType: deviceType, site: site, line: line,
                               eventTime: eventTime, receiveTime: receiveTime, seq: seq, metrics: metrics, states: states,
                               sourceTopic: sourceTopic, tags: tags)
    }

    /// `null` (or an absent key) for an optional field, otherwise `read`.
    private mutating func readOptional<T>(_ read: (inout Self) throws(RecordDecodingError) -> T) throws(RecordDecodingError) -> T? {
        skipWhitespace()
        if consumeLiteral("null") { return nil }
        return try read(&self)
    }

    /// An object of values (`null` for the whole object means empty, as an absent key does).
    private mutating func readMap<T>(_ key: String, _ read: (inout Self, String) throws(RecordDecodingError) -> T)
        throws(RecordDecodingError) -> [String: T] {
        skipWhitespace()
        if consumeLiteral("null") { return [:] }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { throw typeMismatch(key, expected: "an object") }
        var map: [String: T] = [:]
        try readObject { (reader, name) throws(RecordDecodingError) in map[name] = try read(&reader, name) }
        return map
    }

    private mutating func readState(_ key: @autoclosure () -> String) throws(RecordDecodingError) -> StateValue {
        skipWhitespace()
        if consumeLiteral("true") { return .bool(true) }
        if consumeLiteral("false") { return .bool(false) }
        return .string(try readString(key()))
    }

    // MARK: JSON values

    /// Calls `field` for each key of an object; `field` must read the key's value.
    private mutating func readObject(_ field: (inout Self, String) throws(RecordDecodingError) -> Void) throws(RecordDecodingError) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { throw syntax("expected an object") }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return }
        while true {
            skipWhitespace()
            let key = try readString("a field name")
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw syntax("expected ':' after \"\(key)\"") }
            index += 1
            try field(&self, key)
            skipWhitespace()
            guard index < bytes.count else { throw syntax("unterminated object") }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return
            default: throw syntax("expected ',' or '}'")
            }
        }
    }

    private mutating func readString(_ key: @autoclosure () -> String) throws(RecordDecodingError) -> String {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw typeMismatch(key(), expected: "a string") }
        index += 1
        do {
            return try JSONStringReader.read(bytes, at: &index)
        } catch {
            switch error {
            case .syntax(let what): throw syntax(what)
            case .notUTF8: throw RecordDecodingError("'\(key())' is not valid UTF-8")
            }
        }
    }

    private mutating func readNumber(_ key: @autoclosure () -> String) throws(RecordDecodingError) -> JSONNumberReader.Number {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "-") || isDigit(bytes[index]) else {
            throw typeMismatch(key(), expected: "a number")
        }
        do {
            return try JSONNumberReader.read(bytes, at: &index)
        } catch {
            switch error {
            case .syntax(let what): throw syntax(what)
            case .nonFinite: throw RecordDecodingError("'\(key())' is not a finite number")
            }
        }
    }

    private mutating func readDouble(_ key: @autoclosure () -> String) throws(RecordDecodingError) -> Double {
        try readNumber(key()).value
    }

    /// An integer field: an integer literal, or a number with an exact integer value (`1.0e3`), as `JSONDecoder` takes it.
    private mutating func readInteger(_ key: @autoclosure () -> String) throws(RecordDecodingError) -> Int64 {
        let number = try readNumber(key())
        if let integer = number.integer { return integer }
        if number.value.rounded() == number.value, let exact = Int64(exactly: number.value) { return exact }
        throw RecordDecodingError("'\(key())' is not an integer that fits in 64 bits")
    }

    /// Skips any JSON value of an unknown field.
    private mutating func skipValue(depth: Int) throws(RecordDecodingError) {
        guard depth <= 64 else { throw syntax("nesting too deep") }
        skipWhitespace()
        guard index < bytes.count else { throw syntax("unexpected end of the record") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            try readObject { (reader, _) throws(RecordDecodingError) in try reader.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return }
            while true {
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard index < bytes.count else { throw syntax("unterminated array") }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return }
                guard bytes[index] == UInt8(ascii: ",") else { throw syntax("expected ',' or ']'") }
                index += 1
            }
        case UInt8(ascii: "\""): _ = try readString("a skipped field")
        case UInt8(ascii: "t"): guard consumeLiteral("true") else { throw syntax("unexpected character") }
        case UInt8(ascii: "f"): guard consumeLiteral("false") else { throw syntax("unexpected character") }
        case UInt8(ascii: "n"): guard consumeLiteral("null") else { throw syntax("unexpected character") }
        default: _ = try readNumber("a skipped field")
        }
    }

    // MARK: bytes

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
            default: return
            }
        }
    }

    private mutating func consumeLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let matches = literal.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[index + $0] == expected[$0] }
        }
        if matches { index += count }
        return matches
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private func syntax(_ what: String) -> RecordDecodingError {
        RecordDecodingError("invalid JSON at byte \(index): \(what)")
    }

    private func missing(_ key: String) -> RecordDecodingError {
        RecordDecodingError("missing required field '\(key)'")
    }

    private func typeMismatch(_ key: String, expected: String) -> RecordDecodingError {
        RecordDecodingError("'\(key)' must be \(expected)")
    }
}
