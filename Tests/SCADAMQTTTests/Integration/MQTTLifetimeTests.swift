import Foundation
@testable import SCADAMQTT
import SCADATestSupport
import Testing

/// The client's lifetime and session rules: graceful stops lose and duplicate nothing, released clients end
/// their connection wherever they are released, re-subscriptions leave no stale acknowledgement behind,
/// and a full receive buffer pauses reading without losing the connection.
@Suite(.serialized) struct MQTTLifetimeTests {
    /// A persistent-session consumer stopped gracefully several times in the middle of a stream, then
    /// resumed with the same client id: every message arrives exactly once. (Before the fix, messages read
    /// after DISCONNECT was queued were handed over but never acknowledged, so the broker sent them again.)
    @Test func gracefulStopsInAStreamLoseAndDuplicateNothing() async throws {
        let broker = try await MosquittoServer.start()
        defer { broker.shutdown() }
        let total = 20_000
        let publisher = try await connectedClient(broker)
        let consumerID = "resume-\(UUID().uuidString.prefix(6))"
        // The session keeps the subscription: a resumed consumer does not subscribe again (a SUBACK would
        // wait behind the backlog the broker sends at once, which nobody takes until this returns).
        func consumer(subscribing: Bool = false) async throws -> MQTTClient {
            let client = try await connectedClient(broker, id: consumerID) {
                $0.cleanSession = false
                $0.receiveBufferCapacity = 2_000
            }
            if subscribing { try await client.subscribe("stream/#", qos: .atLeastOnce) }
            return client
        }
        var received: [Int] = []
        var client = try await consumer(subscribing: true)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for index in 0..<total {
                    try await publisher.publish(topic: "stream/d1", payload: Array(String(index).utf8), qos: .atLeastOnce)
                }
            }
            for stop in 1...4 {
                let before = received.count
                for await message in client.messages {
                    received.append(Int(message.payloadString) ?? -1)
                    if received.count - before >= 2_500 { break }
                }
                await client.disconnect()
                // What was read before the stop is still delivered, then the stream ends.
                for await message in client.messages { received.append(Int(message.payloadString) ?? -1) }
                if stop < 4 { client = try await consumer() }
            }
            try await group.waitForAll()
        }
        client = try await consumer()
        // The rest of the stream: until every index was seen, or nothing more came for 15 s.
        var seen = Set(received)
        while seen.count < total {
            let batch = try await withTimeout(.seconds(15), "more of the stream (\(seen.count) of \(total) seen)") { [client] in
                await client.messages.nextBatch(max: 1_000)
            }
            if batch.isEmpty { break }
            for message in batch {
                let index = Int(message.payloadString) ?? -1
                received.append(index)
                seen.insert(index)
            }
        }
        #expect(Set(received).count == total, "nothing lost")
        #expect(received.count == total, "no duplicates: \(received.count - Set(received).count)")
        await client.disconnect()
        await publisher.disconnect()
    }

    /// Clients released from their own network thread (inside a callback), from another thread, and from
    /// the test task, over and over: each one's connection ends and nothing crashes. (Before the fix a client
    /// released on its network thread leaked its handle and socket.)
    @Test func releasedClientsEndTheirConnectionWhereverTheyAreReleased() async throws {
        let broker = try await MosquittoServer.start()
        defer { broker.shutdown() }
        let rounds = 40
        var loops: [WeakLoop] = []
        for round in 0..<rounds {
            // From a publish completion, which runs on the client's own network thread.
            let box = Locked<MQTTClient?>(try await connectedClient(broker))
            loops.append(WeakLoop(box.value?.connection.loop))
            let (done, signal) = AsyncStream<Void>.makeStream()
            let client = box.value
            client?.publish(MQTTMessage(topic: "life/\(round)", string: "x", qos: .atLeastOnce)) { _ in
                box.withLock { $0 = nil }
                signal.yield()
            }
            _ = client   // the test task's reference ends here
            for await _ in done { break }

            // From another thread.
            let other = Locked<MQTTClient?>(try await connectedClient(broker))
            loops.append(WeakLoop(other.value?.connection.loop))
            try await other.value?.subscribe("life/#")
            let thread = Thread { other.withLock { $0 = nil } }
            thread.start()

            // From the test task, right after connecting.
            loops.append(WeakLoop(try await connectedClient(broker).connection.loop))
        }
        try await eventually("every released client's socket closed", timeout: .seconds(20)) {
            Loopback.establishedConnections(toPort: broker.port) == 0
        }
        // And freed, with its libmosquitto handle (which the loop destroys when it goes).
        try await eventually("every released client's network loop freed", timeout: .seconds(20)) { [loops] in
            loops.allSatisfy { $0.loop == nil }
        }
    }

    /// After reconnects every re-subscription's SUBACK is matched to it: nothing is left behind for a later
    /// subscribe() that reuses a message id. (Before the fix they piled up as unclaimed acknowledgements.)
    @Test func resubscriptionAcknowledgementsAreTrackedNotLeftOver() async throws {
        let broker = try await MosquittoServer.start()
        defer { broker.shutdown() }
        let client = try await connectedClient(broker) {
            $0.reconnect = MQTTReconnectPolicy(minimumDelay: .milliseconds(50), maximumDelay: .milliseconds(100))
        }
        try await client.subscribe([("a/#", .atLeastOnce), ("b/#", .atLeastOnce), ("c/#", .atMostOnce)])
        let (events, _) = (client.events, ())
        var iterator = events.makeAsyncIterator()
        for _ in 0..<5 {
            client.simulateConnectionDrop()
            while let event = await iterator.next() {
                if case .connected = event { break }
            }
        }
        try await eventually("every re-subscription acknowledged") {
            client.connection.state.withLock { $0.resubscriptions.isEmpty }
        }
        #expect(client.connection.state.withLock { $0.earlySubscribeAcks.isEmpty }, "no unclaimed SUBACK left behind")
        // And a new subscription gets its own answer.
        try await client.subscribe("d/#", qos: .atLeastOnce)
        let publisher = try await connectedClient(broker)
        try await publisher.publish(topic: "d/1", payload: [1])
        try await publisher.publish(topic: "a/1", payload: [2])
        let messages = try await receive(2, from: client)
        #expect(Set(messages.map(\.topic)) == ["d/1", "a/1"])
        await publisher.disconnect()
        await client.disconnect()
    }

    /// A consumer that takes nothing for longer than 1.5 × its keepalive while more messages than its buffer
    /// holds are waiting: the connection stays up (the loop stops reading but keeps pinging), and afterwards
    /// every message arrives, in order. (Before the fix the network thread blocked and the broker dropped it.)
    @Test func aFullBufferPausesReadingWithoutLosingTheConnection() async throws {
        let broker = try await MosquittoServer.start()
        defer { broker.shutdown() }
        let total = 3_000
        let consumer = try await connectedClient(broker, id: "paused-\(UUID().uuidString.prefix(6))") {
            $0.keepAlive = 5
            $0.cleanSession = false
            $0.receiveBufferCapacity = 200
        }
        try await consumer.subscribe("pause/#", qos: .atLeastOnce)
        let disconnects = Locked(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in consumer.events {
                    if case .disconnected = event { disconnects.withLock { $0 += 1 } }
                }
            }
            let publisher = try await connectedClient(broker)
            for index in 0..<total {
                try await publisher.publish(topic: "pause/d1", payload: Array(String(index).utf8), qos: .atLeastOnce)
            }
            try await eventually("the buffer is full") { consumer.bufferedMessageCount >= 200 }
            // The outage under test: 12 s without taking anything, more than 1.5 × the 5 s keepalive.
            try await Task.sleep(for: .seconds(12))
            #expect(consumer.bufferedMessageCount < 400, "reading stopped while the buffer was full: \(consumer.bufferedMessageCount)")
            let received = try await receive(total, from: consumer, within: 30)
            #expect(received.map { Int($0.payloadString) } == Array(0..<total), "every message, in order")
            #expect(disconnects.value == 0, "the connection stayed up")
            #expect(consumer.isConnected)
            await publisher.disconnect()
            await consumer.disconnect()
            group.cancelAll()
        }
    }
}

/// A network loop that a test watches being freed.
private struct WeakLoop: @unchecked Sendable {
    weak var loop: NetworkLoop?
    init(_ loop: NetworkLoop?) { self.loop = loop }
}

