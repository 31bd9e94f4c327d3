import Foundation
@testable import SCADAMQTT
import SCADATestSupport
import Testing

/// ``MQTTAcknowledgement/afterProcessing``: the broker gets no acknowledgement for a message the application
/// has not processed, the session stays alive while acknowledgements are held, and a graceful stop writes
/// them once processing has caught up.
@Suite(.serialized) struct MQTTAcknowledgementTests {
    private func consumer(_ broker: MosquittoServer, id: String, keepAlive: Int = 30) async throws -> MQTTClient {
        try await connectedClient(broker, id: id) {
            $0.cleanSession = false
            $0.acknowledgement = .afterProcessing
            $0.keepAlive = keepAlive
            $0.processingDrainTimeout = .seconds(1)
        }
    }

    private func publish(_ count: Int, from start: Int = 0, topic: String, on broker: MosquittoServer) async throws {
        let publisher = try await connectedClient(broker)
        for index in start..<(start + count) {
            try await publisher.publish(topic: topic, payload: Array(String(index).utf8), qos: .atLeastOnce)
        }
        await publisher.disconnect()
    }

    /// Messages read but never acknowledged by the application come again to the next session; once
    /// acknowledged (in any order) and written by a graceful stop, they do not.
    @Test func unprocessedMessagesStayWithTheBroker() async throws {
        let broker = try await MosquittoServer.start()
        defer { broker.shutdown() }
        let id = "held-\(UUID().uuidString.prefix(6))"
        var client = try await consumer(broker, id: id)
        try await client.subscribe("held/#", qos: .atLeastOnce)
        try await publish(300, topic: "held/d1", on: broker)
        let unprocessed = try await receive(300, from: client)
        #expect(unprocessed.allSatisfy { $0.receipt != .none })
        // Half processed: nothing may be acknowledged yet (libmosquitto's queue is written as a whole).
        for message in unprocessed.prefix(150) { client.acknowledge(message) }
        await client.disconnect()

        client = try await consumer(broker, id: id)
        let again = try await receive(300, from: client)
        #expect(again.map { Int($0.payloadString) } == Array(0..<300), "every unprocessed message came again, in order")
        for message in again.reversed() { client.acknowledge(message) }
        await client.disconnect()

        client = try await consumer(broker, id: id)
        try await publish(1, from: 300, topic: "held/d1", on: broker)
        let next = try await receive(1, from: client)
        #expect(next.map(\.payloadString) == ["300"], "nothing acknowledged came again")
        client.acknowledge(next[0])
        // A receipt of an earlier connection, or a second acknowledgement, changes nothing.
        client.acknowledge(again[0])
        client.acknowledge(next[0])
        #expect(client.connection.ledger.outstanding == 0)
        await client.disconnect()
    }

    /// Acknowledgements held for longer than 1.5 × the keepalive (processing stalled, say a Kafka outage):
    /// the client keeps the session alive with its own PINGREQs; processing then releases them.
    @Test func heldAcknowledgementsKeepTheSessionAlive() async throws {
        let broker = try await MosquittoServer.start()
        defer { broker.shutdown() }
        let id = "stall-\(UUID().uuidString.prefix(6))"
        let client = try await consumer(broker, id: id, keepAlive: 5)
        try await client.subscribe("stall/#", qos: .atLeastOnce)
        let disconnects = Locked(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in client.events {
                    if case .disconnected = event { disconnects.withLock { $0 += 1 } }
                }
            }
            try await publish(50, topic: "stall/d1", on: broker)
            let held = try await receive(50, from: client)
            // The stall under test: 12 s holding every acknowledgement, more than 2 × the 5 s keepalive
            // (libmosquitto refuses a keepalive under 5 s).
            try await Task.sleep(for: .seconds(12))
            #expect(disconnects.value == 0 && client.isConnected, "the connection stayed up while acknowledgements were held")
            for message in held { client.acknowledge(message) }
            await client.disconnect()   // writes the released acknowledgements, then DISCONNECT
            group.cancelAll()
        }
        let resumed = try await consumer(broker, id: id)
        try await publish(1, from: 50, topic: "stall/d1", on: broker)
        #expect(try await receive(1, from: resumed).map(\.payloadString) == ["50"], "the held messages were acknowledged in the end")
        await resumed.disconnect()
    }
}
