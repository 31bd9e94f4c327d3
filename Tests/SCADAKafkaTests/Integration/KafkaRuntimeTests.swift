import Foundation
import SCADAKafka
import SCADATestSupport
import Testing

/// Checks that need no broker: library version, configuration errors, local failures.
@Suite(.timeLimit(.minutes(1)))
struct KafkaRuntimeTests {
    @Test func runtimeLibraryIsSupported() throws {
        #expect(KafkaRuntime.versionString.hasPrefix("2."))
        #expect(KafkaRuntime.version >= KafkaRuntime.minimumVersion)
        try KafkaRuntime.requireSupportedVersion()
    }

    @Test func unknownPropertyIsAConfigurationError() throws {
        let configuration = KafkaProducerConfiguration(bootstrapServers: "127.0.0.1:1", extra: ["no.such.property": "1"])
        do {
            _ = try KafkaProducer(configuration: configuration, logger: silentLogger)
            Issue.record("expected a configuration error")
        } catch let error as KafkaError {
            guard case .configuration(let key, _) = error.kind else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(key == "no.such.property")
        }
    }

    @Test func consumerWithoutTopicsIsRejected() {
        #expect(throws: KafkaError.self) {
            try KafkaConsumer(configuration: .init(bootstrapServers: "127.0.0.1:1", groupID: "g", topics: []), logger: silentLogger)
        }
    }

    @Test func unacknowledgedSendTimesOut() async throws {
        let port = try Loopback.freePort()
        let producer = try KafkaProducer(
            configuration: .init(bootstrapServers: "127.0.0.1:\(port)", messageTimeout: .seconds(1)), logger: silentLogger)
        do {
            _ = try await producer.send(KafkaProducerRecord(topic: "nowhere", key: "k", value: [1]))
            Issue.record("send without a broker succeeded")
        } catch let error as KafkaError {
            #expect(error.kind == .messageTimedOut)
        }
        await producer.shutdown(timeout: .milliseconds(100))
    }

    /// A full local queue is reported as `.queueFull`; shutdown resolves every pending completion.
    @Test func fullQueueAndShutdownResolveEveryCompletion() async throws {
        let port = try Loopback.freePort()
        let producer = try KafkaProducer(
            configuration: .init(bootstrapServers: "127.0.0.1:\(port)", queueBufferingMaxMessages: 3), logger: silentLogger)
        let results = ResultLog()
        for index in 0..<3 {
            try producer.enqueue(KafkaProducerRecord(topic: "nowhere", key: nil, value: [UInt8(index)])) { results.append($0) }
        }
        #expect(throws: KafkaError.self) {
            try producer.enqueue(KafkaProducerRecord(topic: "nowhere", key: nil, value: [9])) { results.append($0) }
        }
        do {
            try producer.enqueue(KafkaProducerRecord(topic: "nowhere", key: nil, value: [9])) { _ in }
        } catch {
            #expect(error.kind == .queueFull)
        }
        await #expect(throws: KafkaError.self) { try await producer.flush(timeout: .milliseconds(100)) }
        await producer.shutdown(timeout: .milliseconds(100))
        #expect(results.count == 3)
        #expect(results.failures == 3)
        #expect(throws: KafkaError.self) {
            try producer.enqueue(KafkaProducerRecord(topic: "nowhere", key: nil, value: [9])) { _ in }
        }
    }
}

/// Thread-safe log of delivery results.
final class ResultLog: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<KafkaDeliveryReport, KafkaError>] = []

    func append(_ result: Result<KafkaDeliveryReport, KafkaError>) { lock.withLock { results.append(result) } }
    var count: Int { lock.withLock { results.count } }
    var failures: Int {
        lock.withLock { results.filter { if case .failure = $0 { true } else { false } }.count }
    }
}
