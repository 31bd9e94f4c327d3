import Foundation
import SCADAMQTT
import SCADATestSupport
import Testing

/// Runs `body`, failing the test if it takes longer than `seconds`.
func withTimeout<T: Sendable>(_ seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        guard let first = try await group.next(), let value = first else {
            group.cancelAll()
            throw MQTTTestTimeout(what: what, seconds: seconds)
        }
        group.cancelAll()
        return value
    }
}

struct MQTTTestTimeout: Error, CustomStringConvertible {
    let what: String
    let seconds: Double
    var description: String { "timed out after \(seconds) s waiting for \(what)" }
}

/// A connected client on `broker`.
func connectedClient(_ broker: MosquittoServer, id: String = "test-\(UUID().uuidString.prefix(8))",
                     configure: (inout MQTTConfiguration) -> Void = { _ in }) async throws -> MQTTClient {
    var configuration = try MQTTConfiguration(url: broker.url, clientID: id)
    configuration.reconnect = MQTTReconnectPolicy(minimumDelay: .seconds(1), maximumDelay: .seconds(2))
    configure(&configuration)
    let client = try MQTTClient(configuration: configuration)
    try await client.connect()
    return client
}

/// Collects `count` messages from `client`, failing after `seconds`.
func receive(_ count: Int, from client: MQTTClient, within seconds: Double = 10) async throws -> [MQTTMessage] {
    try await withTimeout(seconds, "\(count) messages") {
        var received: [MQTTMessage] = []
        for await message in client.messages {
            received.append(message)
            if received.count == count { break }
        }
        return received
    }
}
