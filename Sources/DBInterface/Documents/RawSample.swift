import Foundation
import SCADACore
import SCADAMongo

/// Reads a stored telemetry document back as a record (for rollup recomputation).
enum RawSample {
    static func record(_ document: BSONDocument) -> TelemetryRecord? {
        guard case .string(let device)? = document["device_id"], case .datetime(let ts)? = document["ts"] else { return nil }
        var metrics: [String: Double] = [:]
        if case .document(let stored)? = document["metrics"] {
            for (field, value) in stored {
                if let number = value.asDouble { metrics[FieldNames.decode(field)] = number }
            }
        }
        let eventTime = Int64((ts.timeIntervalSince1970 * 1000).rounded())
        return TelemetryRecord(deviceId: device, deviceType: "", eventTime: eventTime, receiveTime: eventTime,
                               seq: document["seq"]?.int64Value, metrics: metrics, sourceTopic: "")
    }
}
