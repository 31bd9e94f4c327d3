import Foundation
import Logging
import SCADACore
import SCADAKafka
import Synchronization

/// Hands records to the Kafka producer in order, waiting (and so pausing MQTT intake) while the
/// producer already holds `maxInFlight` unacknowledged records.
final class KafkaOutput: Sendable {
    let producer: KafkaProducer
    let metrics: PreprocessorMetrics
    let logger: Logger
    let maxInFlight: Int
    let deadLetterMaxBytes: Int
    private let outstanding = Atomic<Int>(0)
    private let lastAcknowledgement = Atomic<Int64>(0)
    private let stalled = Atomic<Bool>(false)

    init(producer: KafkaProducer, metrics: PreprocessorMetrics, logger: Logger, maxInFlight: Int, deadLetterMaxBytes: Int) {
        self.producer = producer
        self.metrics = metrics
        self.logger = logger
        self.maxInFlight = maxInFlight
        self.deadLetterMaxBytes = deadLetterMaxBytes
        lastAcknowledgement.store(Clock.milliseconds(), ordering: .relaxed)
    }

    /// Records handed to Kafka and not yet acknowledged.
    var inFlight: Int { outstanding.load(ordering: .relaxed) }

    /// When Kafka last acknowledged a record (UTC ms).
    var lastAcknowledgedAt: Int64 { lastAcknowledgement.load(ordering: .relaxed) }

    func sendTelemetry(deviceID: String, json: [UInt8], eventTime: Int64, receiveTime: Int64) async {
        let record = KafkaProducerRecord(topic: Topics.telemetry, key: Array(deviceID.utf8), value: json)
        await send(record) { [metrics] result in
            guard case .success = result else { return }
            let now = Clock.milliseconds()
            metrics.publishToAck.recordNanoseconds(max(0, now - eventTime) * 1_000_000)
            metrics.receiveToAck.recordNanoseconds(max(0, now - receiveTime) * 1_000_000)
        }
    }

    func sendStatus(_ status: DeviceStatusRecord) async {
        guard let value = try? status.jsonBytes() else { return }
        await send(KafkaProducerRecord(topic: Topics.deviceStatus, key: Array(status.deviceId.utf8), value: value)) { _ in }
    }

    func sendDeadLetter(original: [UInt8], rejection: Rejection, source: String, key: [UInt8]?) async {
        var headers = [
            KafkaHeader(key: DeadLetter.reasonHeader, value: rejection.reason.rawValue),
            KafkaHeader(key: DeadLetter.detailHeader, value: String(rejection.detail.prefix(1024))),
            KafkaHeader(key: DeadLetter.sourceHeader, value: source),
            KafkaHeader(key: DeadLetter.serviceHeader, value: PreprocessorService.name),
            KafkaHeader(key: DeadLetter.rejectedAtHeader, value: String(Clock.milliseconds())),
        ]
        var value = original
        if value.count > deadLetterMaxBytes {
            headers.append(KafkaHeader(key: "scada-original-size", value: String(value.count)))
            value = Array(value.prefix(deadLetterMaxBytes))
        }
        await send(KafkaProducerRecord(topic: Topics.deadLetter, key: key, value: value, headers: headers)) { _ in }
    }

    /// Enqueues `record`, waiting while too much is in flight or librdkafka's queue is full.
    private func send(_ record: KafkaProducerRecord,
                      onSuccess: @escaping @Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void) async {
        var waited = false
        while true {
            if outstanding.load(ordering: .relaxed) < maxInFlight {
                do {
                    outstanding.add(1, ordering: .relaxed)
                    try producer.enqueue(record) { [self] result in
                        outstanding.subtract(1, ordering: .relaxed)
                        completed(record, result)
                        onSuccess(result)
                    }
                    break
                } catch {
                    outstanding.subtract(1, ordering: .relaxed)
                    if error.kind != .queueFull {
                        completed(record, .failure(error))
                        return
                    }
                }
            }
            if !waited {
                waited = true
                metrics.backpressureWaits.increment()
                if !stalled.exchange(true, ordering: .relaxed) {
                    logger.warning("Kafka is not keeping up: pausing MQTT intake", metadata: ["in_flight": "\(inFlight)"])
                }
            }
            try? await Task.sleep(for: .milliseconds(2))
        }
        if waited, stalled.exchange(false, ordering: .relaxed) {
            logger.info("Kafka caught up: MQTT intake resumed")
        }
    }

    private func completed(_ record: KafkaProducerRecord, _ result: Result<KafkaDeliveryReport, KafkaError>) {
        switch result {
        case .success:
            lastAcknowledgement.store(Clock.milliseconds(), ordering: .relaxed)
            if record.topic == Topics.deadLetter { metrics.deadLettersProduced.increment() } else { metrics.produced.increment() }
        case .failure(let error):
            metrics.deliveryFailures.increment()
            logger.error("Kafka refused a record", metadata: ["topic": "\(record.topic)", "error": "\(error)"])
            // Keep the record: a telemetry or status record Kafka refuses goes to the dead-letter topic.
            if record.topic != Topics.deadLetter {
                let rejection = Rejection(.deliveryFailed, "\(record.topic): \(error.message)")
                Task { await self.sendDeadLetter(original: record.value, rejection: rejection, source: record.topic, key: record.key) }
            }
        }
    }

    /// Waits until everything handed over is acknowledged or failed, up to `timeout`.
    func flush(timeout: Duration) async {
        do {
            try await producer.flush(timeout: timeout)
        } catch {
            logger.error("flush on shutdown did not finish", metadata: ["error": "\(error)", "in_flight": "\(inFlight)"])
        }
    }
}

/// Wall-clock UTC milliseconds.
enum Clock {
    static func milliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
