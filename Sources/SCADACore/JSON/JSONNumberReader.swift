/// Reads JSON numbers (RFC 8259 §6) from raw bytes without building a string: exact integers, and
/// doubles by Clinger's fast path when it is exact (falling back to the standard library otherwise).
/// Shared by the JSON readers of the pipeline (the preprocessor's payload parser, the record reader).
public enum JSONNumberReader {
    /// A finite number; `integer` is set when the literal was an integer that fits in Int64.
    public struct Number: Sendable, Equatable {
        public var value: Double
        public var integer: Int64?
    }

    /// Why a number could not be read.
    public enum Failure: Error, Sendable, Equatable {
        /// Not a JSON number (leading zero, missing digits...).
        case syntax(String)
        /// A valid literal outside the range of a double (`1e999`).
        case nonFinite
    }

    /// Reads the number starting at `index` (a `-` or a digit) and leaves `index` just after it.
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>, at index: inout Int) throws(Failure) -> Number {
        let start = index
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < bytes.count, isDigit(bytes[index]) else { throw .syntax("invalid number") }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var droppedDigits = 0
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count && isDigit(bytes[index]) { throw .syntax("leading zero in a number") }
        } else {
            while index < bytes.count && isDigit(bytes[index]) {
                accumulate(bytes[index], into: &mantissa, significant: &significantDigits, dropped: &droppedDigits)
                index += 1
            }
        }
        var exponent = droppedDigits
        var isInteger = true
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw .syntax("invalid number") }
            while index < bytes.count && isDigit(bytes[index]) {
                var dropped = 0
                accumulate(bytes[index], into: &mantissa, significant: &significantDigits, dropped: &dropped)
                if dropped == 0 { exponent -= 1 }
                index += 1
            }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            isInteger = false
            index += 1
            var exponentNegative = false
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw .syntax("invalid number exponent") }
            var written = 0
            while index < bytes.count && isDigit(bytes[index]) {
                if written < 100_000 { written = written * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
                index += 1
            }
            exponent += exponentNegative ? -written : written
        }
        if isInteger && droppedDigits == 0 && mantissa <= UInt64(Int64.max) {
            let integer = negative ? -Int64(mantissa) : Int64(mantissa)
            return Number(value: Double(integer), integer: integer)
        }
        let value: Double
        if mantissa <= 1 << 53 && (-22...22).contains(exponent) {
            // Exact: both the mantissa and the power of ten are representable (Clinger's fast path).
            let magnitude = exponent < 0 ? Double(mantissa) / powersOfTen[-exponent] : Double(mantissa) * powersOfTen[exponent]
            value = negative ? -magnitude : magnitude
        } else {
            let literal = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            guard let parsed = Double(literal) else { throw .syntax("invalid number") }
            value = parsed
        }
        guard value.isFinite else { throw .nonFinite }
        return Number(value: value, integer: nil)
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// Adds a digit while 19 significant digits fit; later digits only scale the value.
    private static func accumulate(_ byte: UInt8, into mantissa: inout UInt64, significant: inout Int, dropped: inout Int) {
        let digit = UInt64(byte - UInt8(ascii: "0"))
        if significant < 19 {
            mantissa = mantissa * 10 + digit
            if mantissa != 0 { significant += 1 }
        } else {
            dropped += 1
        }
    }
}
