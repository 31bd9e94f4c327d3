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

    /// Appends the document of `record` to `batch`, written straight to BSON bytes (the hot path: no
    /// document tree). `id` is its ``id(of:)``. Every key is unique: fixed names, and encoded names of
    /// dictionary keys. Throws when a name holds a NUL byte (the record cannot be stored).
    public static func append(_ record: TelemetryRecord, id: String, to batch: inout BSONDocumentBatch) throws(MongoError) {
        try batch.append { document in
            document.append("_id", string: id)
            document.append("device_id", string: record.deviceId)
            document.append("device_type", string: record.deviceType)
            document.append("ts", datetimeMilliseconds: record.eventTime)
            document.append("receive_time", datetimeMilliseconds: record.receiveTime)
            document.append("source_topic", string: record.sourceTopic)
            if let seq = record.seq { document.append("seq", int64: seq) }
            if let site = record.site { document.append("site", string: site) }
            if let line = record.line { document.append("line", string: line) }
            document.appendDocument("metrics") { metrics in
                for (name, value) in record.metrics { metrics.append(FieldNames.encode(name), double: value) }
            }
            if !record.states.isEmpty {
                document.appendDocument("states") { states in
                    for (name, value) in record.states {
                        switch value {
                        case .bool(let flag): states.append(FieldNames.encode(name), bool: flag)
                        case .string(let text): states.append(FieldNames.encode(name), string: text)
                        }
                    }
                }
            }
            if !record.tags.isEmpty {
                document.appendDocument("tags") { tags in
                    for (name, value) in record.tags { tags.append(FieldNames.encode(name), string: value) }
                }
            }
        }
    }

    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
}
