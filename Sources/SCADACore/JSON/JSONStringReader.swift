/// Reads JSON strings (RFC 8259 §7) from raw bytes: escapes, surrogate pairs, UTF-8 validation.
/// Shared by the JSON readers of the pipeline (the preprocessor's payload parser, the record reader).
public enum JSONStringReader {
    /// Why a string could not be read.
    public enum Failure: Error, Sendable, Equatable {
        /// A syntax error: unterminated string or escape, control character, unknown escape.
        case syntax(String)
        /// Not valid UTF-8, or an unpaired surrogate in a `\u` escape.
        case notUTF8(String)
    }

    /// Reads the string whose contents start at `index` (just after the opening quote) and leaves
    /// `index` just after the closing quote.
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) throws(Failure) -> String {
        let start = index
        var seen: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                // ASCII needs no validation (and skips the generic validating initialiser).
                if seen & 0x80 == 0 { return String(decoding: raw, as: UTF8.self) }
                guard let text = String(validating: raw, as: UTF8.self) else { throw .notUTF8("invalid UTF-8 in a string at byte \(start)") }
                return text
            }
            if byte == UInt8(ascii: "\\") { return try readEscaped(bytes, from: start, at: &index) }
            if byte < 0x20 { throw .syntax("control character in a string") }
            seen |= byte
            index += 1
        }
        throw .syntax("unterminated string")
    }

    /// The slow path for strings with escapes: decodes into a byte buffer, then validates.
    private static func readEscaped(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, at index: inout Int) throws(Failure) -> String {
        var decoded = Array(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") {
                guard let text = String(validating: decoded, as: UTF8.self) else { throw .notUTF8("invalid UTF-8 in a string at byte \(start)") }
                return text
            }
            if byte < 0x20 { throw .syntax("control character in a string") }
            guard byte == UInt8(ascii: "\\") else { decoded.append(byte); continue }
            guard index < bytes.count else { throw .syntax("unterminated escape") }
            let escape = bytes[index]
            index += 1
            if escape == UInt8(ascii: "u") {
                decoded.append(contentsOf: try readUnicodeEscape(bytes, at: &index))
            } else if let simple = simpleEscapes[escape] {
                decoded.append(simple)
            } else {
                throw .syntax("invalid escape")
            }
        }
        throw .syntax("unterminated string")
    }

    /// `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t` and the bytes they stand for.
    private static let simpleEscapes: [UInt8: UInt8] = [
        UInt8(ascii: "\""): UInt8(ascii: "\""), UInt8(ascii: "\\"): UInt8(ascii: "\\"), UInt8(ascii: "/"): UInt8(ascii: "/"),
        UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
    ]

    /// `XXXX` after `\u` (with the `\uXXXX` low surrogate that must follow a high one), as UTF-8.
    private static func readUnicodeEscape(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) throws(Failure) -> [UInt8] {
        var scalar = try readHex4(bytes, at: &index)
        if (0xD800..<0xDC00).contains(scalar) {
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                throw .notUTF8("unpaired surrogate in a \\u escape")
            }
            index += 2
            let low = try readHex4(bytes, at: &index)
            guard (0xDC00..<0xE000).contains(low) else { throw .notUTF8("unpaired surrogate in a \\u escape") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(scalar) {
            throw .notUTF8("unpaired surrogate in a \\u escape")
        }
        guard let unicode = Unicode.Scalar(scalar), let encoded = UTF8.encode(unicode) else { throw .notUTF8("invalid \\u escape") }
        return Array(encoded)
    }

    private static func readHex4(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw .syntax("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw .syntax("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}
