import Foundation
import Logging
import SCADAKafka

/// Kafka clients for tests, configured for the local tansu broker (short session timeout: tansu needs
/// about half of it to complete a group join).
extension KafkaServer {
    /// A consumer in its own group (unless `group` is given) reading `topics` from the beginning.
    public func consumer(topics: [String], group: String = "test-\(UUID().uuidString.prefix(8))",
                         logger: Logger = TestLogging.logger) throws -> KafkaConsumer {
        try KafkaConsumer(configuration: KafkaConsumerConfiguration(
            bootstrapServers: bootstrapServers, groupID: group, topics: topics, sessionTimeout: .milliseconds(6000)), logger: logger)
    }

    /// An idempotent producer.
    public func producer(messageTimeout: Duration = .seconds(30), logger: Logger = TestLogging.logger) throws -> KafkaProducer {
        try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: bootstrapServers,
                                                                    messageTimeout: messageTimeout),
                          logger: logger)
    }
}

extension KafkaConsumer {
    /// Polls until `count` messages arrived (never more are asked for) or `timeout` passed. Count by
    /// consuming: tansu's watermarks can under-report.
    public func consume(count: Int, timeout: Duration = .seconds(60)) async throws -> [KafkaConsumerMessage] {
        let deadline = ContinuousClock.now + timeout
        var messages: [KafkaConsumerMessage] = []
        while messages.count < count && ContinuousClock.now < deadline {
            messages += try await poll(maxMessages: min(1000, count - messages.count), timeout: .milliseconds(300))
        }
        return messages
    }

    /// Everything that arrives within `window` (to show that nothing more is coming).
    public func drain(for window: Duration) async throws -> [KafkaConsumerMessage] {
        let deadline = ContinuousClock.now + window
        var messages: [KafkaConsumerMessage] = []
        while ContinuousClock.now < deadline {
            messages += try await poll(maxMessages: 1000, timeout: .milliseconds(200))
        }
        return messages
    }
}

extension KafkaConsumerMessage {
    /// The value of header `name` as text.
    public func header(_ name: String) -> String? {
        headers.first { $0.key == name }?.value.map { String(decoding: $0, as: UTF8.self) }
    }
}

/// Logging for tests: quiet unless `SCADA_TEST_LOG=debug|info|...` says otherwise.
public enum TestLogging {
    public static let logger: Logger = {
        var logger = Logger(label: "scada.test")
        logger.logLevel = ProcessInfo.processInfo.environment["SCADA_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        return logger
    }()
}
