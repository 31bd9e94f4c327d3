import Foundation
import SCADAMQTT
import SCADATestSupport
import Testing

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
