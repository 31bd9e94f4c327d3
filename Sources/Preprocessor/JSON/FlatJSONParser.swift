import SCADACore

/// Limits a payload must respect before it is decoded.
public struct JSONLimits: Sendable, Equatable {
    /// Largest number of leaf values.
    public var maxFields: Int
    /// Deepest nesting of objects and arrays (the top-level object is depth 1).
    public var maxDepth: Int

    public init(maxFields: Int = 256, maxDepth: Int = 8) {
        self.maxFields = maxFields
        self.maxDepth = maxDepth
    }
}

/// A strict, allocation-light JSON parser that flattens an object payload into its leaves.
///
/// It works on the raw bytes, validates UTF-8, and reports precise reasons: `invalid_json`,
/// `not_utf8`, `non_finite_number` (NaN/Infinity literals or out-of-range numbers), `too_deep`,
/// `too_many_fields`, and `wrong_type` for a top level that is not an object.
public enum FlatJSONParser {
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = JSONLimits()) throws(Rejection) -> FlatDocument {
        try bytes.withUnsafeBufferPointer { (buffer) throws(Rejection) -> FlatDocument in
            var cursor = Cursor(bytes: buffer, limits: limits)
            return try cursor.parseDocument()
        }
    }
}

private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    let limits: JSONLimits
    var index = 0
    var document = FlatDocument()

    init(bytes: UnsafeBufferPointer<UInt8>, limits: JSONLimits) {
        self.bytes = bytes
        self.limits = limits
        document.fields.reserveCapacity(16)
    }

    mutating func parseDocument() throws(Rejection) -> FlatDocument {
        skipWhitespace()
        guard index < bytes.count else { throw Rejection(.invalidJSON, "empty payload") }
        let first = bytes[index]
        if first != UInt8(ascii: "{") {
            // Parse it anyway so that plain text is told apart from a JSON array or scalar.
            try parseValue(path: "", depth: 1)
            skipWhitespace()
            guard index == bytes.count else { throw syntaxError("unexpected data after the JSON value") }
            throw Rejection(.wrongType, "payload must be a JSON object, not \(Self.kindName(first))")
        }
        try parseObject(path: "", depth: 1)
        skipWhitespace()
        guard index == bytes.count else { throw syntaxError("unexpected data after the JSON object") }
        return document
    }

    static func kindName(_ byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "["): "an array"
        case UInt8(ascii: "\""): "a string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): "a boolean"
        case UInt8(ascii: "n"): "null"
        default: "a number"
        }
    }

    // MARK: values

    mutating func parseValue(path: String, depth: Int) throws(Rejection) {
        guard index < bytes.count else { throw syntaxError("unexpected end of payload") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            try parseObject(path: path, depth: depth)
            if depth > 1 { document.objectPaths.append(path) }
        case UInt8(ascii: "["):
            try parseArray(path: path, depth: depth)
            document.arrayPaths.append(path)
        case UInt8(ascii: "\""):
            let text = try parseString()
            try append(path, .string(text))
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            try append(path, .bool(true))
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            try append(path, .bool(false))
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            try append(path, .null)
        case UInt8(ascii: "N"):
            if matches("NaN") { throw Rejection(.nonFiniteNumber, "'\(path)' is NaN") }
            throw syntaxError("unexpected character")
        case UInt8(ascii: "I"):
            if matches("Infinity") { throw Rejection(.nonFiniteNumber, "'\(path)' is Infinity") }
            throw syntaxError("unexpected character")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let number = try parseNumber(path: path)
            try append(path, number)
        default:
            throw syntaxError("unexpected character")
        }
    }

    mutating func append(_ path: String, _ value: JSONScalar) throws(Rejection) {
        guard document.fields.count < limits.maxFields else {
            throw Rejection(.tooManyFields, "more than \(limits.maxFields) fields")
        }
        document.fields.append((path, value))
    }

    mutating func parseObject(path: String, depth: Int) throws(Rejection) {
        guard depth <= limits.maxDepth else { throw Rejection(.tooDeep, "nesting deeper than \(limits.maxDepth) at '\(path)'") }
        index += 1  // {
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") { index += 1; return }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw syntaxError("expected a field name") }
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw syntaxError("expected ':' after field name") }
            index += 1
            skipWhitespace()
            try parseValue(path: path.isEmpty ? key : path + "." + key, depth: depth + 1)
            skipWhitespace()
            guard index < bytes.count else { throw syntaxError("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return }
            throw syntaxError("expected ',' or '}'")
        }
    }

    mutating func parseArray(path: String, depth: Int) throws(Rejection) {
        guard depth <= limits.maxDepth else { throw Rejection(.tooDeep, "nesting deeper than \(limits.maxDepth) at '\(path)'") }
        index += 1  // [
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") { index += 1; return }
        var position = 0
        while true {
            skipWhitespace()
            let item = path.isEmpty ? String(position) : path + "." + String(position)
            try parseValue(path: item, depth: depth + 1)
            position += 1
            skipWhitespace()
            guard index < bytes.count else { throw syntaxError("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return }
            throw syntaxError("expected ',' or ']'")
        }
    }

    // MARK: strings

    mutating func parseString() throws(Rejection) -> String {
        index += 1  // opening quote
        do {
            return try JSONStringReader.read(bytes, at: &index)
        } catch {
            switch error {
            case .syntax(let what): throw syntaxError(what)
            case .notUTF8(let what): throw Rejection(.notUTF8, what)
            }
        }
    }

    // MARK: numbers

    mutating func parseNumber(path: String) throws(Rejection) -> JSONScalar {
        if bytes[index] == UInt8(ascii: "-") {
            index += 1
            if matches("Infinity") { throw Rejection(.nonFiniteNumber, "'\(path)' is -Infinity") }
            index -= 1
        }
        do {
            let number = try JSONNumberReader.read(bytes, at: &index)
            return .number(number.value, integer: number.integer)
        } catch {
            switch error {
            case .syntax(let what): throw syntaxError(what)
            case .nonFinite: throw Rejection(.nonFiniteNumber, "'\(path)' is out of the range of a double")
            }
        }
    }

    // MARK: helpers

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    func matches(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        let pointer = literal.utf8Start
        for offset in 0..<count where bytes[index + offset] != pointer[offset] { return false }
        return true
    }

    mutating func expectLiteral(_ literal: StaticString) throws(Rejection) {
        guard matches(literal) else { throw syntaxError("invalid literal") }
        index += literal.utf8CodeUnitCount
    }

    /// A syntax error, or `not_utf8` when the payload is not UTF-8 at all (binary data).
    func syntaxError(_ what: String) -> Rejection {
        if String(validating: bytes, as: UTF8.self) == nil {
            return Rejection(.notUTF8, "payload is not valid UTF-8")
        }
        return Rejection(.invalidJSON, "\(what) at byte \(index)")
    }
}
