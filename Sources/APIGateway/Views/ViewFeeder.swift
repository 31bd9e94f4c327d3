import Foundation
import Logging
import SCADACore
import SCADAKafka
import SCADAMongo

/// Keeps the in-memory views current from Kafka, and warms them from MongoDB at start-up.
struct ViewFeeder: Sendable {
    let latest: LatestView
    let alarms: AlarmView
    let analytics: AnalyticsView
    let deadLetters: DeadLetterRing
    let telemetryHub: EventHub
    let metrics: GatewayMetrics
    let logger: Logger

    /// Applies one message of any of the gateway's topics; a record that does not decode is logged and skipped
    /// (the gateway only reads: the writer's own checks dead-letter bad records).
    func apply(_ message: KafkaConsumerMessage) {
        metrics.viewUpdates.increment()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        do {
            switch message.topic {
            case Topics.telemetry:
                let record = try TelemetryRecord(jsonBytes: message.value)
                if let entry = latest.apply(record) {
                    telemetryHub.publish(name: "telemetry", key: entry.deviceID, data: entry.jsonBytes)
                }
            case Topics.deviceStatus:
                let record = try DeviceStatusRecord(jsonBytes: message.value)
                if let entry = latest.apply(record) {
                    telemetryHub.publish(name: "status", key: entry.deviceID, data: entry.jsonBytes)
                }
            case Topics.alerts: alarms.apply(try AlertRecord(jsonBytes: message.value), transition: true)
            case Topics.alarmState:
                // A compacted topic: an empty value (tombstone) removes nothing we keep.
                guard !message.value.isEmpty else { return }
                alarms.apply(try AlertRecord(jsonBytes: message.value), transition: false)
            case Topics.analytics:
                let key = message.key.map { String(decoding: $0, as: UTF8.self) } ?? "plant"
                if !analytics.apply(key: key, value: message.value, receivedAt: now) {
                    logger.debug("analytics message is not JSON", metadata: ["offset": "\(message.offset)"])
                }
            case Topics.deadLetter: deadLetters.apply(message, now: now)
            default: break
            }
        } catch {
            logger.debug("skipping a record that does not decode",
                         metadata: ["topic": "\(message.topic)", "offset": "\(message.offset)", "error": "\(error)"])
        }
    }

    /// Seeds the latest view from the registry (`devices`: last values, status) and each device's newest sample
    /// (its topic and states). Returns the number of devices.
    func warm(_ database: MongoDatabase, maxDevices: Int = 10_000) async throws(MongoError) -> Int {
        let devices = try await database.collection(Collections.devices).find([:], options: MongoFindOptions(sort: ["_id": 1], limit: maxDevices))
        for document in devices {
            guard case .string(let id)? = document["_id"] else { continue }
            var entry = LatestView.Entry(deviceID: id, deviceType: document["device_type"]?.stringValue ?? "")
            entry.site = document["site"]?.stringValue
            entry.line = document["line"]?.stringValue
            entry.status = document["status"]?.stringValue
            entry.statusSince = Self.milliseconds(document["status_since"])
            entry.eventTime = Self.milliseconds(document["last_values_at"])
            if case .document(let values)? = document["last_values"] {
                for (field, value) in values { if let number = value.asDouble { entry.metrics[FieldName.decode(field)] = number } }
            }
            if let newest = try await database.collection(Collections.telemetry).findOne(["device_id": .string(id)],
                                                                                         options: MongoFindOptions(sort: ["ts": -1])) {
                entry.sourceTopic = newest["source_topic"]?.stringValue
                entry.seq = newest["seq"]?.int64Value
                entry.receiveTime = Self.milliseconds(newest["receive_time"])
                if let time = Self.milliseconds(newest["ts"]), time >= (entry.eventTime ?? .min) {
                    entry.eventTime = time
                    if case .document(let metrics)? = newest["metrics"] {
                        entry.metrics = [:]
                        for (field, value) in metrics { if let number = value.asDouble { entry.metrics[FieldName.decode(field)] = number } }
                    }
                }
                if case .document(let states)? = newest["states"] {
                    for (field, value) in states {
                        switch value {
                        case .bool(let flag): entry.states[FieldName.decode(field)] = .bool(flag)
                        case .string(let text): entry.states[FieldName.decode(field)] = .string(text)
                        default: break
                        }
                    }
                }
            }
            latest.warm(entry)
        }
        return devices.count
    }

    static func milliseconds(_ value: BSONValue?) -> Int64? { BSONConversion.milliseconds(value) }
}
