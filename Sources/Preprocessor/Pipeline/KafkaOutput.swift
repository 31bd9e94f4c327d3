import Foundation
import Logging
import SCADAConcurrency
import SCADACore
import SCADAKafka
import Synchronization

/// Hands records to the Kafka producer in order, waiting (and so pausing MQTT intake) while the
/// producer already holds `maxInFlight` unacknowledged records. The waiting is resumed by the delivery
/// reports themselves (an ``AsyncSemaphore`` of in-flight permits, the producer's delivery pulse for a
/// full local queue): nothing polls. Each send takes a `delivered` callback, called once Kafka has the record
/// or, when Kafka refused it, its dead letter (the MQTT message is acknowledged then).
final class KafkaOutput: Sendable {
    let producer: KafkaProducer
    let metrics: PreprocessorMetrics
    let logger: Logger
    let maxInFlight: Int
    let deadLetterMaxBytes: Int
    private let permits: AsyncSemaphore
    private let lastAcknowledgement = Atomic<Int64>(0)
    private let stalled = Atomic<Bool>(false)
    /// Dead letters for records Kafka refused, raised in a delivery callback and handed over by the next
    /// `send` or `flush` (a callback must not wait for room in the queue).
    private let refused = Mutex<[(record: KafkaProducerRecord, delivered: Delivered)]>([])

    typealias Delivered = @Sendable () -> Void

    init(producer: KafkaProducer, metrics: PreprocessorMetrics, logger: Logger, maxInFlight: Int, deadLetterMaxBytes: Int) {
        self.producer = producer
        self.metrics = metrics
        self.logger = logger
        self.maxInFlight = max(1, maxInFlight)
        self.deadLetterMaxBytes = deadLetterMaxBytes
        permits = AsyncSemaphore(permits: max(1, maxInFlight))
        lastAcknowledgement.store(Clock.milliseconds(), ordering: .relaxed)
    }

    /// Records handed to Kafka and not yet acknowledged.
    var inFlight: Int { maxInFlight - permits.available }

    /// When Kafka last acknowledged a record (UTC ms).
    var lastAcknowledgedAt: Int64 { lastAcknowledgement.load(ordering: .relaxed) }

    func sendTelemetry(deviceID: String, json: [UInt8], eventTime: Int64, receiveTime: Int64, delivered: @escaping Delivered) async {
        let record = KafkaProducerRecord(topic: Topics.telemetry, key: Array(deviceID.utf8), value: json)
        await send(record, delivered: delivered) { [metrics] result in
            guard case .success = result else { return }
            let now = Clock.milliseconds()
            metrics.publishToAck.recordNanoseconds(max(0, now - eventTime) * 1_000_000)
            metrics.receiveToAck.recordNanoseconds(max(0, now - receiveTime) * 1_000_000)
        }
    }

    func sendStatus(_ status: DeviceStatusRecord, delivered: @escaping Delivered) async {
        guard let value = try? status.jsonBytes() else { return delivered() }
        await send(KafkaProducerRecord(topic: Topics.deviceStatus, key: Array(status.deviceId.utf8), value: value),
                   delivered: delivered) { _ in }
    }

    func sendDeadLetter(original: [UInt8], rejection: Rejection, source: String, key: [UInt8]?, delivered: @escaping Delivered) async {
        await send(deadLetter(original: original, rejection: rejection, source: source, key: key), delivered: delivered) { _ in }
    }

    private func deadLetter(original: [UInt8], rejection: Rejection, source: String, key: [UInt8]?) -> KafkaProducerRecord {
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
        return KafkaProducerRecord(topic: Topics.deadLetter, key: key, value: value, headers: headers)
    }

    /// Enqueues `record`, waiting while too much is in flight or librdkafka's queue is full.
    private func send(_ record: KafkaProducerRecord, delivered: @escaping Delivered,
                      onSuccess: @escaping @Sendable (Result<KafkaDeliveryReport, KafkaError>) -> Void) async {
        await sendRefused()
        var waited = false
        if !permits.tryAcquire() {
            waited = true
            noteStall()
            do { try await permits.acquire() } catch { return dropOnCancel(record) }
        }
        while true {
            let seen = producer.deliveryGeneration
            do {
                try producer.enqueue(record) { [self] result in
                    permits.release()
                    completed(record, result, delivered: delivered)
                    onSuccess(result)
                }
                break
            } catch where error.kind == .queueFull {
                if !waited { waited = true; noteStall() }
                do { try await producer.waitForDelivery(after: seen) } catch { permits.release(); return dropOnCancel(record) }
            } catch {
                permits.release()
                completed(record, .failure(error), delivered: delivered)
                return
            }
        }
        if waited, stalled.exchange(false, ordering: .relaxed) {
            logger.info("Kafka caught up: MQTT intake resumed")
        }
    }

    private func noteStall() {
        metrics.backpressureWaits.increment()
        if !stalled.exchange(true, ordering: .relaxed) {
            logger.warning("Kafka is not keeping up: pausing MQTT intake", metadata: ["in_flight": "\(inFlight)"])
        }
    }

    /// Only a cancelled task (an aborted service) stops waiting: the record was never acknowledged over
    /// MQTT (`delivered` is not called), so the broker's session still holds it.
    private func dropOnCancel(_ record: KafkaProducerRecord) {
        logger.warning("cancelled while waiting for Kafka; record not handed over", metadata: ["topic": "\(record.topic)"])
    }

    /// Hands over the dead letters of records Kafka refused.
    private func sendRefused() async {
        let pending = refused.withLock { records in
            defer { records.removeAll() }
            return records
        }
        for letter in pending { await send(letter.record, delivered: letter.delivered) { _ in } }
    }

    private func completed(_ record: KafkaProducerRecord, _ result: Result<KafkaDeliveryReport, KafkaError>, delivered: @escaping Delivered) {
        switch result {
        case .success:
            lastAcknowledgement.store(Clock.milliseconds(), ordering: .relaxed)
            if record.topic == Topics.deadLetter { metrics.deadLettersProduced.increment() } else { metrics.produced.increment() }
            delivered()
        case .failure(let error):
            metrics.deliveryFailures.increment()
            logger.error("Kafka refused a record", metadata: ["topic": "\(record.topic)", "error": "\(error)"])
            // Keep the record: a telemetry or status record Kafka refuses goes to the dead-letter topic.
            if record.topic != Topics.deadLetter {
                let rejection = Rejection(.deliveryFailed, "\(record.topic): \(error.message)")
                let letter = deadLetter(original: record.value, rejection: rejection, source: record.topic, key: record.key)
                refused.withLock { $0.append((letter, delivered)) }
            } else {
                // A dead letter Kafka refused too: logged and counted; the message is not held back for ever.
                delivered()
            }
        }
    }

    /// Waits until everything handed over is acknowledged or failed, up to `timeout`.
    func flush(timeout: Duration) async {
        await sendRefused()
        do {
            try await producer.flush(timeout: timeout)
            // Records refused during the flush have their dead letters still to go.
            if refused.withLock({ !$0.isEmpty }) {
                await sendRefused()
                try await producer.flush(timeout: timeout)
            }
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
