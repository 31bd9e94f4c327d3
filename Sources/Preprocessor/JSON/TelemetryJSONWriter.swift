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

    static func appendInteger(_ value: Int64, to out: inout [UInt8]) { JSONBytes.appendInteger(value, to: &out) }
    static func appendDouble(_ value: Double, to out: inout [UInt8]) { JSONBytes.appendDouble(value, to: &out) }
    static func appendString(_ text: String, to out: inout [UInt8]) { JSONBytes.appendString(text, to: &out) }
}
