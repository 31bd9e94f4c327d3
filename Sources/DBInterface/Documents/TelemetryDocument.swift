import Foundation
import SCADACore
import SCADAMongo

/// How a ``TelemetryRecord`` is stored in `scada.telemetry`.
///
/// `_id` is deterministic — `<device>:<seq>` or, without a seq, `<device>:t<event time ms>` — so a
/// redelivered record is a duplicate key, never a second document. `ts` (a date) carries the TTL index.
public enum TelemetryDocument {
    public static func id(of record: TelemetryRecord) -> String {
        if let seq = record.seq { return "\(record.deviceId):\(seq)" }
        return "\(record.deviceId):t\(record.eventTime)"
    }

    /// The document of `record`; `id` is its ``id(of:)`` when the caller has it already. Built with
    /// `append` (every key is unique: fixed names, and encoded names of dictionary keys), on the hot path.
    public static func make(_ record: TelemetryRecord, id knownID: String? = nil) -> BSONDocument {
        var document = BSONDocument()
        document.append("_id", .string(knownID ?? id(of: record)))
        document.append("device_id", .string(record.deviceId))
        document.append("device_type", .string(record.deviceType))
        document.append("ts", .datetime(date(record.eventTime)))
        document.append("receive_time", .datetime(date(record.receiveTime)))
        document.append("source_topic", .string(record.sourceTopic))
        if let seq = record.seq { document.append("seq", .int64(seq)) }
        if let site = record.site { document.append("site", .string(site)) }
        if let line = record.line { document.append("line", .string(line)) }
        var metrics = BSONDocument()
        for (name, value) in record.metrics.sorted(by: { $0.key < $1.key }) {
            metrics.append(FieldNames.encode(name), .double(value))
        }
        document.append("metrics", .document(metrics))
        if !record.states.isEmpty {
            var states = BSONDocument()
            for (name, value) in record.states.sorted(by: { $0.key < $1.key }) {
                switch value {
                case .bool(let flag): states.append(FieldNames.encode(name), .bool(flag))
                case .string(let text): states.append(FieldNames.encode(name), .string(text))
                }
            }
            document.append("states", .document(states))
        }
        if !record.tags.isEmpty {
            var tags = BSONDocument()
            for (name, value) in record.tags.sorted(by: { $0.key < $1.key }) { tags.append(FieldNames.encode(name), .string(value)) }
            document.append("tags", .document(tags))
        }
        return document
    }

    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
}
