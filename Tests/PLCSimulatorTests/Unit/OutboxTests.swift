import Foundation
import Logging
import SCADAOps
import Synchronization
import Testing
@testable import PLCSimulator

/// A connection that can be switched off and records what was published.
final class FakeConnection: SimulatorConnection {
    private let state = Mutex<(up: Bool, published: [String])>((false, []))

    var isConnected: Bool { state.withLock { $0.up } }
    var published: [String] { state.withLock { $0.published } }
    func set(up: Bool) { state.withLock { $0.up = up } }

    func publish(topic: String, payload: [UInt8], qos: Int, retain: Bool) async throws {
        try state.withLock { state in
            guard state.up else { throw CommandRejection("down") }
            state.published.append(String(decoding: payload, as: UTF8.self))
        }
    }
}

@Suite struct OutboxTests {
    func message(_ seq: Int64) -> OutgoingMessage {
        OutgoingMessage(device: 0, topic: "t", payload: Array("\(seq)".utf8), qos: 1, seq: seq)
    }

    func waitFor(_ condition: () async -> Bool) async -> Bool {
        for _ in 0..<300 {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test func queuesWhileDownDropsTheOldestAndResendsInOrder() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plcsim-outbox-\(UUID().uuidString.prefix(8))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try StateStore(directory: directory, capacity: 5)
        let registry = MetricsRegistry()
        let connection = FakeConnection()
        let outbox = Outbox(connections: [connection], deviceLinks: [("dev", 0)], store: store,
                            metrics: SimulatorMetrics(factory: registry.factory), logger: Logger(label: "test"))
        await outbox.submit((1...8).map(message))
        await outbox.submit([message(9)])
        #expect(store.depth(deviceID: "dev") == 5)
        let metrics = String(decoding: registry.render(), as: UTF8.self)
        #expect(metrics.contains("plc_simulator_messages_dropped_from_queue_total 4"))
        #expect(metrics.contains("plc_simulator_messages_queued_total 9"))
        #expect(await outbox.backloggedDeviceCount == 1)

        connection.set(up: true)
        await outbox.connectionUp(0)
        #expect(await waitFor { connection.published.count == 5 })
        #expect(connection.published == ["5", "6", "7", "8", "9"])
        #expect(await waitFor { await outbox.backloggedDeviceCount == 0 })
        // Backlog gone: straight through.
        await outbox.submit([message(10)])
        #expect(await waitFor { connection.published.last == "10" })
        #expect(store.totalDepth == 0)
    }
}
