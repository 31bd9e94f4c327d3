import Foundation
import SCADAMQTT
import SCADAOps
import SCADATestSupport
import Testing
@testable import PLCSimulator

extension IntegrationTests {
    /// The simulator against a real mosquitto: what a subscriber sees on the wire.
    @Suite(.timeLimit(.minutes(2)))
    struct WireTests {
        @Test func everyProfilePublishesItsContractShape() async throws {
            let harness = try await SimulatorHarness.start()
            defer { harness.shutdown() }
            let subscriber = try await Subscriber.start(url: harness.broker.url, filters: ["factory/#"])
            let registry = MetricsRegistry()
            let simulator = try await harness.startSimulator(harness.configuration(
                DeviceProfiles.names.map { DeviceGroup(profile: $0, count: 1, interval: 0.1) }), metrics: SimulatorMetrics(factory: registry.factory))
            let topics = ["factory/line1", "factory/energy", "factory/environment", "factory/cnc/CNC001",
                          "factory/vehicles/vehicle_01", "factory/fishtank/tank_01"]
            let complete = await subscriber.wait { received in
                topics.allSatisfy { topic in received.filter { $0.message.topic == topic }.count >= 3 }
            }
            #expect(complete)
            for (profile, topic) in zip(["manufacturing", "energy", "environment", "cnc", "vehicle", "fish_tank"], topics) {
                let object = try #require(subscriber.objects(on: topic).last, "\(topic)")
                #expect(Set(object.keys) == ProfileTests.expectedKeys[profile], "\(topic)")
                #expect((object["timestamp"] as? Int64).map { abs($0 - Int64(Date().timeIntervalSince1970 * 1000)) < 60_000 } == true)
            }
            let range = try #require(subscriber.messages(on: "factory/fishtank/tank_01/range").first)
            let ranges = try #require(jsonObject(range.payload)?["ranges"] as? [String: Any])
            #expect(Set(ranges.keys) == Set(TankRanges.measurements))
            let metrics = String(decoding: registry.render(), as: UTF8.self)
            #expect(metrics.contains("plc_simulator_messages_acked_total"))
            #expect(metrics.contains("plc_simulator_messages_published_total"))
            await simulator.stop()
            await subscriber.stop()
        }

        @Test func seqIsContinuousPerDevice() async throws {
            let harness = try await SimulatorHarness.start()
            defer { harness.shutdown() }
            let subscriber = try await Subscriber.start(url: harness.broker.url, filters: ["factory/vehicles/#"])
            let simulator = try await harness.startSimulator(harness.configuration([DeviceGroup(profile: "vehicle", count: 5, interval: 0.01)]))
            try await Task.sleep(for: .seconds(3))
            await simulator.stop()
            for n in 1...5 {
                let id = String(format: "vehicle_%02d", n)
                let last = try #require(await simulator.simulation.seq(of: id))
                let topic = "factory/vehicles/\(id)"
                #expect(await subscriber.wait(.seconds(10)) { _ in subscriber.messages(on: topic).count >= Int(last) })
                let seqs = sequences(subscriber.objects(on: topic))
                #expect(last > 100)
                #expect(seqs == Array(1...Int(last)), "\(id): \(seqs.count) messages, last seq \(last)")
            }
            await subscriber.stop()
        }

        @Test func birthIsRetainedAndLastWillFollowsAnAbnormalDrop() async throws {
            let harness = try await SimulatorHarness.start()
            defer { harness.shutdown() }
            let simulator = try await harness.startSimulator(harness.configuration([DeviceGroup(profile: "vehicle", count: 1, interval: 0.2)]))
            let watcher = try await Subscriber.start(url: harness.broker.url, filters: ["status/#"])
            #expect(await watcher.wait { _ in watcher.messages(on: "status/vehicle_01").last?.payloadString == "online" })
            // A subscriber arriving later gets the birth as a retained message.
            let late = try await Subscriber.start(url: harness.broker.url, filters: ["status/vehicle_01"])
            #expect(await late.wait { _ in !late.messages(on: "status/vehicle_01").isEmpty })
            let retained = try #require(late.messages(on: "status/vehicle_01").first)
            #expect(retained.retain && retained.payloadString == "online")
            // The connection dies without DISCONNECT: the broker publishes the last will...
            let before = watcher.messages(on: "status/vehicle_01").count
            simulator.links[0].client.simulateConnectionDrop()
            #expect(await watcher.wait { _ in watcher.messages(on: "status/vehicle_01").dropFirst(before).contains { $0.payloadString == "offline" } })
            // ...and the device reconnects by itself and is born again.
            #expect(await watcher.wait { _ in watcher.messages(on: "status/vehicle_01").last?.payloadString == "online" })
            await simulator.stop()
            #expect(await watcher.wait { _ in watcher.messages(on: "status/vehicle_01").last?.payloadString == "offline" })
            await late.stop()
            await watcher.stop()
        }

        @Test func storeAndForwardDeliversEverythingInOrderAfterABrokerRestart() async throws {
            let harness = try await SimulatorHarness.start()
            defer { harness.shutdown() }
            let subscriber = try await Subscriber.start(url: harness.broker.url, filters: ["factory/vehicles/#"],
                                                        clientID: "persistent-historian", persistent: true)
            let simulator = try await harness.startSimulator(harness.configuration([DeviceGroup(profile: "vehicle", count: 2, interval: 0.05)]))
            #expect(await subscriber.wait { _ in subscriber.messages(on: "factory/vehicles/vehicle_02").count >= 10 })
            harness.broker.stop()
            try await Task.sleep(for: .seconds(2))
            #expect(simulator.store.totalDepth >= 40)  // ~20 messages a second per device went to the queue
            try await harness.broker.restart()
            // The simulator reconnects (libmosquitto backs off up to a few seconds) and drains its queue.
            #expect(await subscriber.wait(.seconds(30)) { _ in simulator.connectedCount == simulator.links.count && simulator.store.totalDepth == 0 })
            try await Task.sleep(for: .milliseconds(500))
            await simulator.stop()
            for id in ["vehicle_01", "vehicle_02"] {
                let last = try #require(await simulator.simulation.seq(of: id))
                let topic = "factory/vehicles/\(id)"
                #expect(await subscriber.wait(.seconds(20)) { _ in Set(sequences(subscriber.objects(on: topic))).count >= Int(last) })
                let seqs = sequences(subscriber.objects(on: topic))
                var firstSeen: [Int] = []
                var seen = Set<Int>()
                for seq in seqs where seen.insert(seq).inserted { firstSeen.append(seq) }
                #expect(firstSeen == Array(1...Int(last)), "\(id): \(seqs.count) received, last \(last)")
            }
            #expect(simulator.store.totalDepth == 0)
            await subscriber.stop()
        }

        @Test func queuedMessagesSurviveASimulatorRestart() async throws {
            let harness = try await SimulatorHarness.start()
            defer { harness.shutdown() }
            let configuration = harness.configuration([DeviceGroup(profile: "vehicle", count: 1, interval: 0.05)])
            harness.broker.stop()
            let first = try await harness.startSimulator(configuration)
            try await Task.sleep(for: .seconds(1))
            await first.stop()
            let queued = first.store.totalDepth
            let lastSeq = try #require(await first.simulation.seq(of: "vehicle_01"))
            #expect(queued >= 10 && queued == Int(lastSeq))
            try await harness.broker.restart()
            let subscriber = try await Subscriber.start(url: harness.broker.url, filters: ["factory/vehicles/#"])
            let second = try await harness.startSimulator(configuration)
            #expect(await subscriber.wait { _ in sequences(subscriber.objects(on: "factory/vehicles/vehicle_01")).contains(Int(lastSeq) + 5) })
            await second.stop()
            let seqs = sequences(subscriber.objects(on: "factory/vehicles/vehicle_01"))
            #expect(Array(seqs.prefix(Int(lastSeq) + 5)) == Array(1...Int(lastSeq) + 5))
            await subscriber.stop()
        }
    }
}
