import SCADACore

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

    static func writeNumber(_ value: Double, decimals: Int, into out: inout [UInt8]) {
        JSONBytes.appendFixed(value, decimals: decimals, to: &out)
    }

    static func writeInteger(_ value: Int64, into out: inout [UInt8]) { JSONBytes.appendInteger(value, to: &out) }

    static func writeString(_ text: String, into out: inout [UInt8]) { JSONBytes.appendString(text, to: &out) }
}
