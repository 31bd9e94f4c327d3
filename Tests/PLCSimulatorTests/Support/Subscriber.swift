import Foundation
import Logging
import SCADAMQTT
import Synchronization

/// A test MQTT subscriber that records every message with its arrival time.
final class Subscriber: Sendable {
    struct Received: Sendable {
        var message: MQTTMessage
        var arrived: ContinuousClock.Instant
    }

    let client: MQTTClient
    private let log = Mutex<[Received]>([])
    private let consumer = Mutex<Task<Void, Never>?>(nil)

    init(url: String, clientID: String = "test-sub-\(UUID().uuidString.prefix(8))", persistent: Bool = false) throws {
        var configuration = try MQTTConfiguration(url: url, clientID: clientID)
        configuration.cleanSession = !persistent
        configuration.reconnect = MQTTReconnectPolicy(minimumDelay: .seconds(1), maximumDelay: .seconds(1))
        client = try MQTTClient(configuration: configuration, logger: Logger(label: "test-subscriber"))
    }

    /// Connects, subscribes and starts recording.
    static func start(url: String, filters: [String], clientID: String? = nil, persistent: Bool = false) async throws -> Subscriber {
        let subscriber = try clientID.map { try Subscriber(url: url, clientID: $0, persistent: persistent) }
            ?? Subscriber(url: url, persistent: persistent)
        try await subscriber.client.connect()
        for filter in filters { try await subscriber.client.subscribe(filter, qos: .atLeastOnce) }
        let task = Task { [client = subscriber.client] in
            for await message in client.messages {
                subscriber.log.withLock { $0.append(Received(message: message, arrived: .now)) }
            }
        }
        subscriber.consumer.withLock { $0 = task }
        return subscriber
    }

    var received: [Received] { log.withLock { $0 } }

    func messages(on topic: String) -> [MQTTMessage] {
        received.map(\.message).filter { $0.topic == topic }
    }

    /// JSON objects received on `topic`, in arrival order (payloads that are not JSON objects skipped).
    func objects(on topic: String) -> [[String: Any]] {
        messages(on: topic).compactMap { (try? JSONSerialization.jsonObject(with: Data($0.payload))) as? [String: Any] }
    }

    /// Waits until `condition` holds over the received messages; false after `timeout`.
    func wait(_ timeout: Duration = .seconds(15), until condition: ([Received]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(received) { return true }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return condition(received)
    }

    func stop() async {
        await client.disconnect()
        consumer.withLock { $0?.cancel() }
    }
}
