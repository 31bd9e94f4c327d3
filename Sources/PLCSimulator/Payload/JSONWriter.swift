/// Writes fields as compact JSON bytes, without Foundation's encoders (cheap enough for
/// tens of thousands of messages a second).
public enum JSONWriter {
    /// The fields as one JSON object.
    public static func encode(_ fields: [Field], capacity: Int = 256) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(capacity)
        write(fields, into: &out)
        return out
    }

    public static func write(_ fields: [Field], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            writeString(field.key, into: &out)
            out.append(UInt8(ascii: ":"))
            write(field.value, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    static func write(_ value: FieldValue, into out: inout [UInt8]) {
        switch value {
        case .number(let number, let decimals): writeNumber(number, decimals: decimals, into: &out)
        case .integer(let integer): writeInteger(integer, into: &out)
        case .bool(let flag): if flag { out.append(contentsOf: "true".utf8) } else { out.append(contentsOf: "false".utf8) }
        case .string(let text): writeString(text, into: &out)
        case .object(let fields): write(fields, into: &out)
        }
    }

    /// A fixed-point number; NaN and infinities (which JSON cannot carry) become `null`.
    static func writeNumber(_ value: Double, decimals: Int, into out: inout [UInt8]) {
        let places = decimals.clamped(to: 0...9)
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
        writeInteger(units / divisor, into: &out)
        guard places > 0 else { return }
        out.append(UInt8(ascii: "."))
        var fraction = units % divisor
        var digits = [UInt8](repeating: UInt8(ascii: "0"), count: places)
        for position in stride(from: places - 1, through: 0, by: -1) {
            digits[position] = UInt8(ascii: "0") + UInt8(fraction % 10)
            fraction /= 10
        }
        out.append(contentsOf: digits)
    }

    static func writeInteger(_ value: Int64, into out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        if magnitude == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[index]) }
        }
    }

    static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                        hex[Int(byte >> 4)], hex[Int(byte & 0xf)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
