/// The one JSON writer of the platform's hot paths: strings, integers and numbers appended straight to bytes,
/// without Foundation's encoders (the simulator's payloads and the preprocessor's canonical records).
public enum JSONBytes {
    /// `text` as a JSON string: quotes, backslashes and control characters escaped, everything else verbatim UTF-8.
    @inlinable
    public static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let copied = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if copied != true { appendEscaped(text, to: &out) }
        out.append(UInt8(ascii: "\""))
    }

    @usableFromInline
    static func appendEscaped(_ text: String, to out: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                hex.withUTF8Buffer { digits in
                    out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                            digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
                }
            default: out.append(byte)
            }
        }
    }

    /// A decimal integer.
    @inlinable
    public static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value >= 0 && value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var magnitude = value.magnitude
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            if value < 0 { out.append(UInt8(ascii: "-")) }
            out.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// Integral values (below 2^53) as integers, others in Swift's shortest round-trip form, which is valid JSON
    /// (`0.1`, `1e-05`, `1.5e+20`); NaN and infinities, which JSON cannot carry, as `null`.
    @inlinable
    public static func appendDouble(_ value: Double, to out: inout [UInt8]) {
        if value.rounded(.towardZero) == value && abs(value) < 9_007_199_254_740_992 {
            appendInteger(Int64(value), to: &out)
        } else if value.isFinite {
            out.append(contentsOf: value.description.utf8)
        } else {
            out.append(contentsOf: "null".utf8)
        }
    }

    /// A fixed-point number with `decimals` places (0-9), as a PLC sends it (`23.20`); NaN, infinities and
    /// magnitudes beyond 9e17 units as `null`.
    @inlinable
    public static func appendFixed(_ value: Double, decimals: Int, to out: inout [UInt8]) {
        let places = min(max(decimals, 0), 9)
        var scale: Double = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = (value * scale).rounded()
        guard value.isFinite, abs(scaled) < 9.0e17 else {
            out.append(contentsOf: "null".utf8)
            return
        }
        var units = Int64(scaled)
        if units < 0 {
            out.append(UInt8(ascii: "-"))
            units = -units
        }
        let divisor = Int64(scale)
        appendInteger(units / divisor, to: &out)
        guard places > 0 else { return }
        out.append(UInt8(ascii: "."))
        var fraction = units % divisor
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            for position in stride(from: places - 1, through: 0, by: -1) {
                buffer[position] = UInt8(ascii: "0") + UInt8(fraction % 10)
                fraction /= 10
            }
            out.append(contentsOf: buffer[..<places])
        }
    }
}
