import SCADACore

/// Writes a ``NormalisedRecord`` as the canonical telemetry JSON (the format of ``TelemetryRecord``,
/// keys sorted) straight into bytes, without Foundation's encoder: this is the hot path.
public enum TelemetryJSONWriter {
    public static func write(_ record: NormalisedRecord) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160 + record.sample.metrics.count * 28 + record.sample.states.count * 24)
        let sample = record.sample
        out.append(contentsOf: #"{"device_id":"#.utf8)
        appendString(sample.deviceID, to: &out)
        out.append(contentsOf: #","device_type":"#.utf8)
        appendString(sample.deviceType, to: &out)
        out.append(contentsOf: #","event_time":"#.utf8)
        appendInteger(sample.eventTime, to: &out)
        if let line = record.line {
            out.append(contentsOf: #","line":"#.utf8)
            appendString(line, to: &out)
        }
        out.append(contentsOf: #","metrics":{"#.utf8)
        for (index, metric) in sample.metrics.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(metric.name, to: &out)
            out.append(UInt8(ascii: ":"))
            appendDouble(metric.value, to: &out)
        }
        out.append(contentsOf: #"},"receive_time":"#.utf8)
        appendInteger(record.receiveTime, to: &out)
        out.append(contentsOf: #","schema_version":"#.utf8)
        appendInteger(Int64(TelemetryRecord.currentSchemaVersion), to: &out)
        if let seq = sample.seq {
            out.append(contentsOf: #","seq":"#.utf8)
            appendInteger(seq, to: &out)
        }
        if let site = record.site {
            out.append(contentsOf: #","site":"#.utf8)
            appendString(site, to: &out)
        }
        out.append(contentsOf: #","source_topic":"#.utf8)
        appendString(record.sourceTopic, to: &out)
        out.append(contentsOf: #","states":{"#.utf8)
        for (index, state) in sample.states.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(state.name, to: &out)
            out.append(UInt8(ascii: ":"))
            switch state.value {
            case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
            case .string(let text): appendString(text, to: &out)
            }
        }
        out.append(contentsOf: #"},"tags":{"#.utf8)
        var first = true
        for (name, value) in record.extraTags.sorted(by: { $0.key < $1.key }) where !sample.tags.contains(where: { $0.name == name }) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            appendString(name, to: &out)
            out.append(UInt8(ascii: ":"))
            appendString(value, to: &out)
        }
        for tag in sample.tags {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            appendString(tag.name, to: &out)
            out.append(UInt8(ascii: ":"))
            appendString(tag.value, to: &out)
        }
        out.append(contentsOf: "}}".utf8)
        return out
    }

    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
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

    /// Integral values (below 2^53) as integers, others in Swift's shortest round-trip form,
    /// which is valid JSON (`0.1`, `1e-05`, `1.5e+20`). Values are finite: the parser rejects others.
    static func appendDouble(_ value: Double, to out: inout [UInt8]) {
        if value.rounded(.towardZero) == value && abs(value) < 9_007_199_254_740_992 {
            appendInteger(Int64(value), to: &out)
        } else if value.isFinite {
            out.append(contentsOf: value.description.utf8)
        } else {
            out.append(contentsOf: "null".utf8)
        }
    }

    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let copied = text.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if copied == true {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                        hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
