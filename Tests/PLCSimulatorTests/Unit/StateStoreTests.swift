import Foundation
import Testing
@testable import PLCSimulator

@Suite struct StateStoreTests {
    func scratch() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("plcsim-store-\(UUID().uuidString.prefix(8))").path
    }

    func message(_ seq: Int64, device: Int = 0) -> OutgoingMessage {
        OutgoingMessage(device: device, topic: "t/\(device)", payload: Array("{\"seq\":\(seq)}".utf8), qos: 1, seq: seq)
    }

    @Test func keepsOrderAndBoundsPerDeviceDroppingTheOldest() throws {
        let directory = scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try StateStore(directory: directory, capacity: 5)
        #expect(try store.enqueue((1...3).map { ("a", message($0)) }) == 0)
        #expect(try store.enqueue((4...8).map { ("a", message($0)) } + [("b", message(1, device: 1))]) == 3)
        #expect(store.depth(deviceID: "a") == 5 && store.depth(deviceID: "b") == 1)
        #expect(try store.peek(deviceID: "a", limit: 10).map(\.seq) == [4, 5, 6, 7, 8])
        #expect(try store.peek(deviceID: "a", limit: 2).map(\.payload) == [Array("{\"seq\":4}".utf8), Array("{\"seq\":5}".utf8)])
        try store.remove(deviceID: "a", through: 6)
        #expect(try store.peek(deviceID: "a", limit: 10).map(\.seq) == [7, 8])
        #expect(store.totalDepth == 3)
        // Queuing the same message twice keeps one copy.
        #expect(try store.enqueue([("a", message(7))]) == 0)
        #expect(store.depth(deviceID: "a") == 2)
    }

    @Test func queueAndSequencesSurviveAReopen() throws {
        let directory = scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let store = try StateStore(directory: directory, capacity: 100)
            try store.enqueue([("a", message(41)), ("a", message(42))])
            try store.saveSequences([("a", 40), ("b", 7)])
            try store.close()
        }
        let reopened = try StateStore(directory: directory, capacity: 100)
        #expect(reopened.previousShutdownWasClean)
        #expect(reopened.depth(deviceID: "a") == 2)
        #expect(reopened.backloggedDevices == ["a"])
        #expect(try reopened.lastSequences() == ["a": 42, "b": 7])
        // Not closed: the next open knows the run crashed.
        let third = try StateStore(directory: directory, capacity: 100)
        #expect(!third.previousShutdownWasClean)
    }

    @Test func seqContinuesAfterARestartAndJumpsAfterACrash() async throws {
        let directory = scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = SimulatorConfiguration()
        configuration.devices = [DeviceGroup(profile: "vehicle", count: 1)]
        let plans = try FleetPlan.devices(configuration)
        func simulation(_ store: StateStore) throws -> Simulation {
            let outbox = Outbox(connections: [], deviceLinks: [], store: nil, metrics: .discarding, logger: .init(label: "t"))
            return try Simulation(configuration: configuration, plans: plans, seed: 1, outbox: outbox, store: store,
                                  faultLog: FaultLog(logger: .init(label: "t")), metrics: .discarding, logger: .init(label: "t"))
        }
        do {
            let store = try StateStore(directory: directory, capacity: 10)
            try store.saveSequences([("vehicle_01", 500)])
            try store.close()
        }
        let clean = try StateStore(directory: directory, capacity: 10)
        let afterClean = try simulation(clean)
        #expect(await afterClean.seq(of: "vehicle_01") == 500)
        // `clean` was never closed: treated as a crash, seq jumps by a checkpoint's worth (1 s / 1 s + 1).
        let crashed = try StateStore(directory: directory, capacity: 10)
        let afterCrash = try simulation(crashed)
        #expect(await afterCrash.seq(of: "vehicle_01") == 502)
    }
}
