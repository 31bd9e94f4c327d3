import CRdKafka
import Logging

/// A topic as the cluster's metadata describes it.
public struct KafkaTopicMetadata: Sendable, Hashable {
    public var name: String
    public var partitionCount: Int

    public init(name: String, partitionCount: Int) {
        self.name = name
        self.partitionCount = partitionCount
    }
}

/// Cluster administration: create and list topics. Requests run on a dedicated thread.
public final class KafkaAdmin: Sendable {
    private let handle: RDKafkaHandle
    private let worker: BlockingWorker

    /// `extra` holds further librdkafka properties, applied verbatim.
    public init(bootstrapServers: String, logger: Logger, extra: [String: String] = [:]) throws {
        try KafkaRuntime.requireSupportedVersion()
        let properties = [("bootstrap.servers", bootstrapServers)] + extra.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let handle = try RDKafkaHandle(type: RD_KAFKA_PRODUCER, properties: properties, context: RDKafkaContext(logger: logger))
        self.handle = handle
        worker = BlockingWorker(name: "kafka-admin-\(handle.name)",
                                idle: { _ = rd_kafka_poll(handle.pointer, 100) },
                                wake: { rd_kafka_yield(handle.pointer) })
    }

    deinit {
        worker.stop(after: { [handle] in handle.destroy() })
    }

    /// Creates topic `name`. Throws ``KafkaError/Kind/topicAlreadyExists`` if it exists, unless `ifNotExists`.
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int16 = 1,
                            config: [String: String] = [:], ifNotExists: Bool = false,
                            timeout: Duration = .seconds(30)) async throws {
        do {
            try await worker.run { [handle] () throws(KafkaError) in
                try RDKafkaAdmin.createTopic(handle.pointer, name: name, partitions: partitions,
                                             replicationFactor: replicationFactor, config: config, timeout: timeout)
            }
        } catch {
            guard ifNotExists, error.kind == .topicAlreadyExists else { throw error }
        }
    }

    /// Every topic the cluster reports, with its partition count.
    public func listTopics(timeout: Duration = .seconds(10)) async throws -> [KafkaTopicMetadata] {
        try await worker.run { [handle] () throws(KafkaError) in
            try RDKafkaAdmin.listTopics(handle.pointer, timeout: timeout)
        }
    }

    /// Destroys the client. Later calls throw ``KafkaError/Kind/closed``.
    public func close() async {
        worker.stop(after: { [handle] in handle.destroy() })
        await worker.waitUntilStopped()
    }
}
