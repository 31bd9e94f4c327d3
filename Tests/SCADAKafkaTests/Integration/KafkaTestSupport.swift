import Foundation
import Logging
import SCADAKafka
import SCADATestSupport

/// A quiet logger for tests (librdkafka errors still show); `SCADA_KAFKA_TEST_LOG=debug|info|...` changes the level.
let testLogger: Logger = {
    var logger = Logger(label: "scada.kafka.test")
    logger.logLevel = ProcessInfo.processInfo.environment["SCADA_KAFKA_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
    return logger
}()

/// For clients that are meant to fail to connect (no broker on purpose).
let silentLogger: Logger = {
    var logger = Logger(label: "scada.kafka.test.offline")
    logger.logLevel = .critical
    return logger
}()

/// A name nobody else uses, for topics and groups.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
}

/// Runs `body` against a fresh tansu broker that is shut down afterwards.
func withBroker<T>(_ body: (KafkaServer) async throws -> T) async throws -> T {
    let server = try await KafkaServer.start()
    defer { server.shutdown() }
    return try await body(server)
}

/// A consumer with a short session timeout (tansu needs about half of it to complete a join).
func makeConsumer(_ server: KafkaServer, group: String, topics: [String]) throws -> KafkaConsumer {
    try KafkaConsumer(
        configuration: KafkaConsumerConfiguration(bootstrapServers: server.bootstrapServers, groupID: group, topics: topics,
                                                  sessionTimeout: .milliseconds(6000)),
        logger: testLogger)
}

func makeProducer(_ server: KafkaServer, messageTimeout: Duration = .seconds(30)) throws -> KafkaProducer {
    try KafkaProducer(
        configuration: KafkaProducerConfiguration(bootstrapServers: server.bootstrapServers,
                                                  messageTimeout: messageTimeout),
        logger: testLogger)
}

extension Array where Element == UInt8 {
    var text: String { String(decoding: self, as: UTF8.self) }
}

extension String {
    var bytes: [UInt8] { Array(utf8) }
}
