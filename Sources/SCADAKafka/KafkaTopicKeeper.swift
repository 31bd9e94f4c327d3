import Logging
import Synchronization

/// A topic as it should exist: name, partition count and topic configuration (e.g. `cleanup.policy`).
public struct KafkaTopicSpec: Sendable, Hashable {
    public var name: String
    public var partitions: Int32
    public var config: [String: String]

    public init(name: String, partitions: Int32, config: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.config = config
    }
}

/// Keeps a set of topics in place: creates each one the cluster does not have.
///
/// A broker that lost its state (tansu on memory storage after a restart, a wiped cluster) would
/// otherwise get its topics back only by auto-creation, with the broker's default partition count: keyed
/// order and co-partitioning broken, records queued for the missing partitions failed. A topic the keeper
/// has seen keeps the partition count it had then, so a deployment that chose more partitions gets them back.
public final class KafkaTopicKeeper: Sendable {
    private let admin: KafkaAdmin
    private let topics: [KafkaTopicSpec]
    private let seenPartitions = Mutex<[String: Int32]>([:])
    private let recreated = Atomic<Int>(0)
    private let logger: Logger

    public init(admin: KafkaAdmin, topics: [KafkaTopicSpec], logger: Logger) {
        self.admin = admin
        self.topics = topics
        self.logger = logger
    }

    /// Topics the keeper created so far.
    public var topicsCreated: Int { recreated.load(ordering: .relaxed) }

    /// Creates the missing topics once; returns their names.
    @discardableResult
    public func ensure() async throws -> [String] {
        let existing = try await admin.listTopics()
        let counts = Dictionary(existing.map { ($0.name, Int32($0.partitionCount)) }, uniquingKeysWith: { first, _ in first })
        let wanted = Set(topics.map(\.name))
        let known = seenPartitions.withLock { seen in
            for (name, count) in counts where wanted.contains(name) && count > 0 { seen[name] = count }
            return seen
        }
        var created: [String] = []
        for spec in topics where (counts[spec.name] ?? 0) == 0 {
            let partitions = known[spec.name] ?? spec.partitions
            try await admin.createTopic(spec.name, partitions: partitions, config: spec.config, ifNotExists: true)
            recreated.add(1, ordering: .relaxed)
            created.append(spec.name)
            logger.warning("Kafka topic was missing: created it", metadata: ["topic": "\(spec.name)", "partitions": "\(partitions)"])
        }
        return created
    }

    /// Checks every `interval` until the task is cancelled; failures (broker away) are retried at the next check.
    public func run(every interval: Duration = .seconds(2)) async {
        while !Task.isCancelled {
            do { try await ensure() } catch {
                logger.debug("topic check failed; retrying", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
