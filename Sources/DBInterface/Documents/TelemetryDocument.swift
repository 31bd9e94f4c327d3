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

    /// The document of `record`; `id` is its ``id(of:)`` when the caller has it already.
    public static func make(_ record: TelemetryRecord, id knownID: String? = nil) -> BSONDocument {
        var document: BSONDocument = [
            "_id": .string(knownID ?? id(of: record)),
            "device_id": .string(record.deviceId),
            "device_type": .string(record.deviceType),
            "ts": .datetime(date(record.eventTime)),
            "receive_time": .datetime(date(record.receiveTime)),
            "source_topic": .string(record.sourceTopic),
        ]
        if let seq = record.seq { document["seq"] = .int64(seq) }
        if let site = record.site { document["site"] = .string(site) }
        if let line = record.line { document["line"] = .string(line) }
        document["metrics"] = .document(BSONDocument(record.metrics.sorted { $0.key < $1.key }
            .map { (FieldNames.encode($0.key), BSONValue.double($0.value)) }))
        if !record.states.isEmpty {
            document["states"] = .document(BSONDocument(record.states.sorted { $0.key < $1.key }.map { entry in
                switch entry.value {
                case .bool(let flag): (FieldNames.encode(entry.key), BSONValue.bool(flag))
                case .string(let text): (FieldNames.encode(entry.key), BSONValue.string(text))
                }
            }))
        }
        if !record.tags.isEmpty {
            document["tags"] = .document(BSONDocument(record.tags.sorted { $0.key < $1.key }
                .map { (FieldNames.encode($0.key), BSONValue.string($0.value)) }))
        }
        return document
    }

    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
}
