import Foundation
import SCADAMQTT
import SCADATestSupport
import Testing
@testable import PLCSimulator

extension IntegrationTests {
    /// Every fault kind, scheduled by configuration, as a subscriber sees it — and in the fault log.
    @Suite(.timeLimit(.minutes(2)))
    struct FaultWireTests {
        @Test func everyFaultKindAppearsOnTheWireAndInTheLog() async throws {
            let harness = try await SimulatorHarness.start()
            defer { harness.shutdown() }
            let subscriber = try await Subscriber.start(url: harness.broker.url, filters: ["factory/vehicles/#"])
            func device(_ n: Int) -> String { String(format: "vehicle_%02d", n) }
            let faults = [
                FaultSpec(kind: .spike, device: device(1), field: "speed", after: 0.5, magnitude: 500),
                FaultSpec(kind: .drift, device: device(2), field: "speed", after: 0.5, count: 15, rate: 1000),
                FaultSpec(kind: .stuck, device: device(3), field: "speed", after: 0.5, count: 15),
                FaultSpec(kind: .dropout, device: device(4), after: 0.5, duration: 1),
                FaultSpec(kind: .seqGap, device: device(5), after: 0.5, gap: 5),
                FaultSpec(kind: .malformed, device: device(6), after: 0.5),
                FaultSpec(kind: .oversize, device: device(7), after: 0.5, size: 300_000),
            ]
            let simulator = try await harness.startSimulator(harness.configuration(
                [DeviceGroup(profile: "vehicle", count: 7, interval: 0.05, parameters: ["noise": 2])], speed: 10, faults: faults))
            func longestDropoutPause() -> Duration {
                let arrivals = subscriber.received.filter { $0.message.topic == "factory/vehicles/\(device(4))" }.map(\.arrived)
                return zip(arrivals, arrivals.dropFirst()).map { $1 - $0 }.max() ?? .zero
            }
            try await Task.sleep(for: .seconds(2.5))
            // The dropout is over once its device publishes again (a slow start must not cut it short).
            try await eventually("vehicle_04 publishes again after its dropout", timeout: .seconds(20)) {
                longestDropoutPause() > .milliseconds(800)
            }
            await simulator.stop()
            // Everything sent arrives: the last seq of each device (the gap device skipped 5 numbers).
            for n in 1...7 {
                let last = try #require(await simulator.simulation.seq(of: device(n)))
                let expected = Int(last) - (n == 5 ? 5 : 0)
                #expect(await subscriber.wait { _ in subscriber.messages(on: "factory/vehicles/\(device(n))").count >= expected })
            }
            func speeds(_ n: Int) -> [Double] { subscriber.objects(on: "factory/vehicles/\(device(n))").compactMap { $0["speed"] as? Double } }

            // spike: one value far outside the 0-120 km/h a vehicle can do.
            #expect(speeds(1).filter { $0 > 400 }.count == 1)
            // drift: for 15 messages values climb beyond the physical maximum (1000 km/h per second of simulated time:
            // from the 4th message on above 130 km/h even for a vehicle standing still).
            let drifted = speeds(2).filter { $0 > 130 }
            #expect(drifted.count >= 10 && drifted.max()! > 250)
            // stuck: a run of 15 identical values (noise makes that impossible otherwise).
            let values = speeds(3)
            var longest = 1, run = 1
            for (a, b) in zip(values, values.dropFirst()) { run = a == b ? run + 1 : 1; longest = max(longest, run) }
            #expect(longest == 15)
            // dropout: a silence of about a second, with no sequence numbers lost.
            #expect(longestDropoutPause() > .milliseconds(800))
            let dropoutSeqs = sequences(subscriber.objects(on: "factory/vehicles/\(device(4))"))
            #expect(dropoutSeqs == Array(1...dropoutSeqs.count))
            // seq gap: one jump of 6.
            let gapSeqs = sequences(subscriber.objects(on: "factory/vehicles/\(device(5))"))
            #expect(zip(gapSeqs, gapSeqs.dropFirst()).map { $1 - $0 }.filter { $0 != 1 } == [6])
            // malformed: exactly one payload that is not JSON.
            let raw = subscriber.messages(on: "factory/vehicles/\(device(6))")
            #expect(raw.filter { jsonObject($0.payload) == nil }.count == 1)
            // oversize: one 300 kB payload, still valid JSON.
            let big = subscriber.messages(on: "factory/vehicles/\(device(7))").filter { $0.payload.count >= 300_000 }
            #expect(big.count == 1 && jsonObject(big[0].payload) != nil)

            // Each fault was logged with its device, kind and time.
            let started = simulator.faultLog.all.filter { $0.phase == .started }
            for (n, kind) in zip(1...7, [FaultKind.spike, .drift, .stuck, .dropout, .seqGap, .malformed, .oversize]) {
                #expect(started.contains { $0.deviceID == device(n) && $0.kind == kind && $0.timestampMs > 0 }, "\(kind)")
            }
            await subscriber.stop()
        }

        @Test func injectFaultByCommand() async throws {
            let harness = try await SimulatorHarness.start()
            defer { harness.shutdown() }
            let subscriber = try await Subscriber.start(url: harness.broker.url, filters: ["factory/line1", "factory/line1/commands/ack"])
            let simulator = try await harness.startSimulator(harness.configuration([DeviceGroup(profile: "manufacturing", count: 1, interval: 0.05)]))
            #expect(await subscriber.wait { _ in subscriber.objects(on: "factory/line1").count >= 5 })
            try await subscriber.client.publish(topic: "factory/line1/commands",
                                                payload: commandPayload("f-1", "inject_fault", ["kind": "spike", "field": "temperature", "magnitude": 100]))
            #expect(await subscriber.wait { _ in subscriber.objects(on: "factory/line1").contains { ($0["temperature"] as? Double ?? 0) > 100 } })
            #expect(subscriber.objects(on: "factory/line1/commands/ack").first?["result"] as? String == "accepted")
            #expect(simulator.faultLog.all.contains { $0.deviceID == "LINE1-PLC" && $0.kind == .spike })
            await simulator.stop()
            await subscriber.stop()
        }
    }
}
