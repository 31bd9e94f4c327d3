import CRdKafka
import Foundation
import Logging

/// Reads chosen partitions from chosen offsets without joining a consumer group (manual assignment,
/// no commits): for restoring state from a compacted topic or replaying history.
///
/// librdkafka's blocking calls run on a dedicated thread. Close it with ``close()``.
public final class KafkaPartitionReader: Sendable {
    /// Where a partition starts.
    public enum Start: Sendable, Equatable {
        case beginning
        case end
        case offset(Int64)
    }

    private let handle: RDKafkaHandle
    private let worker: BlockingWorker
    private let logger: Logger

    /// Assigns `partitions` (each from `start`). `extra` holds further librdkafka properties.
    public init(bootstrapServers: String, partitions: [(topic: String, partition: Int32)], start: Start = .beginning,
                clientID: String = "scada-reader", prefetchKilobytes: Int = 4_096, extra: [String: String] = [:],
                logger: Logger) throws {
        try KafkaRuntime.requireSupportedVersion()
        let properties: [(key: String, value: String)] = [
            ("bootstrap.servers", bootstrapServers),
            ("group.id", "\(clientID)-\(UUID().uuidString.prefix(8))"),
            ("client.id", clientID),
            ("enable.partition.eof", "false"),
            ("queued.max.messages.kbytes", String(prefetchKilobytes)),
        ] + extra.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            + [("enable.auto.commit", "false"), ("enable.auto.offset.store", "false")]
        let handle = try RDKafkaHandle(type: RD_KAFKA_CONSUMER, properties: properties, context: RDKafkaContext(logger: logger))
        _ = rd_kafka_poll_set_consumer(handle.pointer)
        let offset: Int64 = switch start {
        case .beginning: Int64(RD_KAFKA_OFFSET_BEGINNING)
        case .end: Int64(RD_KAFKA_OFFSET_END)
        case .offset(let value): value
        }
        let assignment = partitions.map { KafkaTopicPartition(topic: $0.topic, partition: $0.partition, offset: offset) }
        guard let list = RDKafkaPartitionList.make(assignment) else {
            handle.destroy()
            throw KafkaError(.library(code: -1), message: "could not allocate a partition list")
        }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let code = rd_kafka_assign(handle.pointer, list)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            handle.destroy()
            throw KafkaError(rdkafka: code)
        }
        self.handle = handle
        self.logger = logger
        worker = BlockingWorker(name: "kafka-reader-\(handle.name)")
    }

    deinit {
        worker.stop(after: Self.finalJob(handle: handle))
    }

    /// Up to `maxMessages` messages: waits up to `timeout` for the first, then at most `linger` for more;
    /// empty after `timeout`.
    public func poll(maxMessages: Int, timeout: Duration, linger: Duration = .milliseconds(20)) async throws -> [KafkaConsumerMessage] {
        let logger = logger
        return try await worker.run { [handle] () throws(KafkaError) in
            try handle.withHandle { rk in
                let deadline = ContinuousClock.now + timeout
                // Once a message is there, the batch fills for at most `linger` more (fetches arrive in bursts).
                var lingerUntil = deadline
                var messages: [KafkaConsumerMessage] = []
                messages.reserveCapacity(min(maxMessages, 10_000))
                while messages.count < maxMessages {
                    let now = ContinuousClock.now
                    let wait = messages.isEmpty ? min(Int32(100), (deadline - now).rdkafkaMilliseconds)
                                                : min(Int32(5), (lingerUntil - now).rdkafkaMilliseconds)
                    guard let message = rd_kafka_consumer_poll(rk, max(0, wait)) else {
                        let after = ContinuousClock.now
                        if after >= deadline || (!messages.isEmpty && after >= lingerUntil) { break }
                        continue
                    }
                    if messages.isEmpty { lingerUntil = min(deadline, ContinuousClock.now + linger) }
                    defer { rd_kafka_message_destroy(message) }
                    guard message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                        logger.debug("partition reader: \(String(cString: rd_kafka_err2str(message.pointee.err)))")
                        continue
                    }
                    messages.append(KafkaConsumerMessage(rdkafka: message))
                }
                return messages
            }
        }
    }

    /// Stops reading and destroys the client. Idempotent.
    public func close() async {
        worker.stop(after: Self.finalJob(handle: handle))
        await worker.waitUntilStopped()
    }

    private static func finalJob(handle: RDKafkaHandle) -> @Sendable () -> Void {
        return {
            handle.closeAndWaitForUsers()
            _ = rd_kafka_consumer_close(handle.pointer)
            handle.destroy()
        }
    }
}
