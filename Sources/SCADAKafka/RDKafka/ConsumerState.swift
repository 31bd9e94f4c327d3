import CRdKafka
import Foundation
import Logging

/// State shared by a consumer, its poll thread and librdkafka's callbacks: the offsets stored so far
/// (so a store only moves forward), messages buffered for the `messages` sequence, and the event stream.
final class ConsumerState: @unchecked Sendable {
    struct PartitionKey: Hashable {
        var topic: String
        var partition: Int32
    }

    let logger: Logger
    let events: AsyncStream<KafkaConsumerEvent>
    private let continuation: AsyncStream<KafkaConsumerEvent>.Continuation
    private let lock = NSLock()
    private var stored: [PartitionKey: Int64] = [:]
    private var buffer: [KafkaConsumerMessage] = []
    private var bufferHead = 0
    private var closing = false

    init(logger: Logger) {
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: KafkaConsumerEvent.self, bufferingPolicy: .bufferingNewest(1024))
    }

    // MARK: Closing

    var isClosing: Bool { lock.withLock { closing } }

    /// Marks the consumer as closing; returns false if it already was.
    func beginClosing() -> Bool {
        lock.withLock {
            defer { closing = true }
            return !closing
        }
    }

    func finishEvents() { continuation.finish() }

    func report(_ event: KafkaConsumerEvent) { continuation.yield(event) }

    // MARK: Buffer of the `messages` sequence

    func popBuffered() -> KafkaConsumerMessage? {
        lock.withLock {
            guard bufferHead < buffer.count else { return nil }
            defer {
                bufferHead += 1
                if bufferHead == buffer.count { buffer.removeAll(keepingCapacity: true); bufferHead = 0 }
            }
            return buffer[bufferHead]
        }
    }

    func takeBuffered(max: Int) -> [KafkaConsumerMessage] {
        lock.withLock {
            let end = min(buffer.count, bufferHead + max)
            defer {
                bufferHead = end
                if bufferHead == buffer.count { buffer.removeAll(keepingCapacity: true); bufferHead = 0 }
            }
            return Array(buffer[bufferHead..<end])
        }
    }

    func appendBuffered(_ messages: [KafkaConsumerMessage]) {
        lock.withLock { buffer.append(contentsOf: messages) }
    }

    // MARK: Offsets

    /// Stores `next` offsets (already +1) with `rd_kafka_offsets_store`, skipping any that would move back.
    func store(_ next: [PartitionKey: Int64], rk: OpaquePointer) {
        lock.withLock {
            let forward = next.filter { key, offset in offset > (stored[key] ?? Int64.min) }
            guard !forward.isEmpty else { return }
            let partitions = forward.map { KafkaTopicPartition(topic: $0.key.topic, partition: $0.key.partition, offset: $0.value) }
            guard let list = RDKafkaPartitionList.make(partitions) else { return }
            defer { rd_kafka_topic_partition_list_destroy(list) }
            _ = rd_kafka_offsets_store(rk, list)
            for index in 0..<Int(list.pointee.cnt) {
                guard let element = list.pointee.elems?[index], let topic = element.topic else { continue }
                let key = PartitionKey(topic: String(cString: topic), partition: element.partition)
                if element.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                    stored[key] = element.offset
                } else {
                    logger.debug("offset not stored (partition not assigned here any more)",
                                 metadata: ["kafka.partition": "\(key.topic)/\(key.partition)",
                                            "kafka.error": "\(String(cString: rd_kafka_err2str(element.err)))"])
                }
            }
        }
    }

    /// Forgets stored offsets of partitions that were assigned anew or revoked.
    func forgetStored(_ partitions: [KafkaTopicPartition]) {
        lock.withLock {
            for partition in partitions {
                stored[PartitionKey(topic: partition.topic, partition: partition.partition)] = nil
            }
        }
    }

    // MARK: Rebalance (runs on the poll thread, inside rd_kafka_consumer_poll or rd_kafka_consumer_close)

    func rebalance(rk: OpaquePointer, code: rd_kafka_resp_err_t, list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) {
        let partitions = RDKafkaPartitionList.read(list)
        let cooperative = rd_kafka_rebalance_protocol(rk).map { String(cString: $0) } == "COOPERATIVE"
        switch code {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            forgetStored(partitions)
            let failure = cooperative ? takeError(rd_kafka_incremental_assign(rk, list)) : check(rd_kafka_assign(rk, list))
            if let failure {
                logger.error("assigning partitions failed: \(failure.message)")
                report(.error(failure))
            }
            logger.info("partitions assigned", metadata: ["kafka.partitions": "\(describe(partitions))"])
            report(.assigned(partitions))
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            if rd_kafka_assignment_lost(rk) == 0 {
                if let failure = Self.commitStored(rk) {
                    logger.warning("committing before giving up partitions failed: \(failure.message)")
                    report(.error(failure))
                }
            } else {
                logger.warning("partitions lost (not committing)", metadata: ["kafka.partitions": "\(describe(partitions))"])
            }
            forgetStored(partitions)
            let failure = cooperative ? takeError(rd_kafka_incremental_unassign(rk, list)) : check(rd_kafka_assign(rk, nil))
            if let failure { logger.error("unassigning partitions failed: \(failure.message)") }
            logger.info("partitions revoked", metadata: ["kafka.partitions": "\(describe(partitions))"])
            report(.revoked(partitions))
        default:
            let error = KafkaError(rdkafka: code)
            logger.error("rebalance failed: \(error.message)")
            _ = rd_kafka_assign(rk, nil)
            report(.error(error))
        }
    }

    /// Synchronously commits the stored offsets of the current assignment; nil on success or nothing to commit.
    static func commitStored(_ rk: OpaquePointer) -> KafkaError? {
        let code = rd_kafka_commit(rk, nil, 0)
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR, code != RD_KAFKA_RESP_ERR__NO_OFFSET else { return nil }
        return KafkaError(rdkafka: code, message: "commit failed: \(String(cString: rd_kafka_err2str(code)))", kind: .commitFailed)
    }

    private func check(_ code: rd_kafka_resp_err_t) -> KafkaError? {
        code == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(rdkafka: code)
    }

    private func takeError(_ error: OpaquePointer?) -> KafkaError? {
        guard let error else { return nil }
        defer { rd_kafka_error_destroy(error) }
        return KafkaError(rdkafka: rd_kafka_error_code(error), message: String(cString: rd_kafka_error_string(error)))
    }

    private func describe(_ partitions: [KafkaTopicPartition]) -> String {
        partitions.map { "\($0.topic)/\($0.partition)" }.joined(separator: ",")
    }
}
