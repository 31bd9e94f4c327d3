import Foundation
import Logging
import SCADACore
import SCADAKafka
import SCADAMQTT

/// Sends transitions out: each to `scada.alerts` (keyed by device) and the alarm's whole state to the
/// compacted `scada.alarm-state` (keyed by alarm id, on the device's telemetry partition), then to MQTT
/// (retained while the alarm needs attention, an empty retained message when it no longer does) and to webhooks.
struct AlarmPublisher: Sendable {
    let producer: KafkaProducer
    let mqtt: MQTTClient?
    let topicPrefix: String
    let alertsTopic: String
    /// nil: no alarm-state (replay).
    let stateTopic: String?
    let webhooks: WebhookSender?
    let metrics: AnomalyDetectorMetrics
    let logger: Logger

    /// Publishes `outputs`; returns once Kafka acknowledged them (MQTT and webhooks complete on their own).
    /// Returns false if some Kafka record failed (logged and counted).
    @discardableResult
    func publish(_ outputs: [AlarmOutput]) async -> Bool {
        guard !outputs.isEmpty else { return true }
        var records: [KafkaProducerRecord] = []
        records.reserveCapacity(outputs.count * 2)
        for output in outputs {
            guard let value = try? output.record.jsonBytes() else { continue }
            records.append(KafkaProducerRecord(topic: alertsTopic, key: Array(output.record.deviceId.utf8), value: value))
            if let stateTopic {
                records.append(KafkaProducerRecord(topic: stateTopic, key: Array(output.record.alertId.utf8), value: value,
                                                   partition: output.partition))
            }
            publishMQTT(output, payload: value)
            webhooks?.enqueue(value)
        }
        metrics.transitions.increment(by: Int64(outputs.count))
        var allDelivered = true
        for (index, result) in await producer.send(records).enumerated() {
            if case .failure(let error) = result {
                allDelivered = false
                metrics.publishFailures.increment()
                logger.error("alarm record not delivered", metadata: ["topic": "\(records[index].topic)", "error": "\(error)"])
            }
        }
        return allDelivered
    }

    private func publishMQTT(_ output: AlarmOutput, payload: [UInt8]) {
        guard let mqtt else { return }
        let record = output.record
        let logger = logger, metrics = metrics
        let done: @Sendable (Result<Void, any Error>) -> Void = { result in
            if case .failure(let error) = result {
                metrics.publishFailures.increment()
                logger.warning("MQTT alarm publish failed", metadata: ["alarm": "\(record.alertId)", "error": "\(error)"])
            }
        }
        if let old = output.clearSeverity {
            let topic = AlarmTopics.topic(prefix: topicPrefix, severity: old, deviceID: record.deviceId, alarmID: record.alertId)
            mqtt.publish(MQTTMessage(topic: topic, payload: [], qos: .atLeastOnce, retain: true), completion: done)
        }
        if output.retain {
            let topic = AlarmTopics.topic(prefix: topicPrefix, severity: record.severity, deviceID: record.deviceId, alarmID: record.alertId)
            mqtt.publish(MQTTMessage(topic: topic, payload: payload, qos: .atLeastOnce, retain: true), completion: done)
        }
    }
}
