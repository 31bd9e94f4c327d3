import Foundation
import SCADAMQTT
import SCADATestSupport
import Testing
@testable import PLCSimulator

extension IntegrationTests {
    /// Commands and the fish-tank closed loop against a real mosquitto.
    @Suite(.timeLimit(.minutes(2)))
    struct ControlTests {
        static let tank = "factory/fishtank/tank_01"

        /// A fast tank: 30 simulated seconds per 50 ms message, short time constants. The heater alone would
        /// take the water 20 °C above the room (which drifts ±1.5 °C around 20 °C over a simulated day), so any
        /// set point up to 35 °C is reachable at every hour.
        func fastTank(_ harness: SimulatorHarness, controller: String) -> SimulatorConfiguration {
            harness.configuration([DeviceGroup(profile: "fish_tank", count: 1, interval: 0.05,
                                               parameters: ["waterTimeConstant": 900, "heaterTimeConstant": 60, "heaterRise": 20,
                                                            "ambientTemperature": 20, "initialTemperature": 23])],
                                  speed: 600, controller: controller)
        }

        func temperature(_ object: [String: Any]) -> Double { object["temperature"] as? Double ?? .nan }

        @Test func setHeaterChangesTheTrajectoryAndIsAcknowledged() async throws {
            let harness = try await SimulatorHarness.start()
            defer { harness.shutdown() }
            let subscriber = try await Subscriber.start(url: harness.broker.url, filters: [Self.tank, Self.tank + "/commands/ack"])
            let simulator = try await harness.startSimulator(fastTank(harness, controller: "external"))
            // Heater off: the tank cools toward the 20 °C room.
            #expect(await subscriber.wait { _ in subscriber.objects(on: Self.tank).count >= 20 })
            let cooling = subscriber.objects(on: Self.tank)
            #expect(cooling.allSatisfy { $0["heater"] as? Bool == false })
            #expect(temperature(cooling.last!) < temperature(cooling.first!))
            let atCommand = subscriber.objects(on: Self.tank).count
            try await subscriber.client.publish(topic: Self.tank + "/commands", payload: commandPayload("c-123", "set_heater", ["on": true]))
            #expect(await subscriber.wait { _ in !subscriber.objects(on: Self.tank + "/commands/ack").isEmpty })
            let ack = try #require(subscriber.objects(on: Self.tank + "/commands/ack").first)
            #expect(ack["command_id"] as? String == "c-123" && ack["result"] as? String == "accepted")
            #expect(ack["device_id"] as? String == "tank_01" && ack["timestamp"] is Int)
            // Heater on: after the element warms up, the temperature climbs well above where it was.
            #expect(await subscriber.wait { _ in subscriber.objects(on: Self.tank).count >= atCommand + 60 })
            // Samples already on their way when the command arrived still say off (how many depends on the load):
            // from the first one that says on, every one does.
            let afterCommand = Array(subscriber.objects(on: Self.tank).dropFirst(atCommand))
            let firstOn = try #require(afterCommand.firstIndex { $0["heater"] as? Bool == true }, "the heater never came on")
            let heating = Array(afterCommand[firstOn...])
            #expect(firstOn < 20, "the heater came on only \(firstOn) samples after the command")
            #expect(heating.allSatisfy { $0["heater"] as? Bool == true })
            #expect(temperature(heating.last!) > temperature(heating.first!) + 2)
            await simulator.stop()
            await subscriber.stop()
        }

        @Test func unknownCommandIsRejectedWithAReason() async throws {
            let harness = try await SimulatorHarness.start()
            defer { harness.shutdown() }
            let subscriber = try await Subscriber.start(url: harness.broker.url, filters: ["factory/line1/commands/ack"])
            let simulator = try await harness.startSimulator(harness.configuration([DeviceGroup(profile: "manufacturing", count: 1, interval: 0.1)]))
            #expect(await subscriber.wait { _ in simulator.connectedCount == 1 })
            // The command subscription follows the connect: send (the same command id) until the device answers.
            try await eventually("the device answers the command", timeout: .seconds(15), interval: .milliseconds(250)) {
                if !subscriber.objects(on: "factory/line1/commands/ack").isEmpty { return true }
                try await subscriber.client.publish(topic: "factory/line1/commands", payload: commandPayload("c-7", "launch_rocket"))
                return false
            }
            let ack = try #require(subscriber.objects(on: "factory/line1/commands/ack").first)
            #expect(ack["command_id"] as? String == "c-7" && ack["result"] as? String == "rejected")
            #expect((ack["reason"] as? String)?.contains("unknown command 'launch_rocket'") == true)
            await simulator.stop()
            await subscriber.stop()
        }

        @Test func anExternalControllerTakesOver() async throws {
            let harness = try await SimulatorHarness.start()
            defer { harness.shutdown() }
            let observer = try await Subscriber.start(url: harness.broker.url, filters: [Self.tank, Self.tank + "/commands/ack"])
            let simulator = try await harness.startSimulator(fastTank(harness, controller: "builtin"))
            #expect(await observer.wait { _ in observer.objects(on: Self.tank).count >= 5 })
            #expect(observer.objects(on: Self.tank).last?["controller"] as? String == "builtin")
            // Switch the built-in controller off by command...
            try await observer.client.publish(topic: Self.tank + "/commands", payload: commandPayload("take-over", "set_controller", ["mode": "external"]))
            #expect(await observer.wait { _ in observer.objects(on: Self.tank + "/commands/ack").contains { $0["command_id"] as? String == "take-over" } })
            // ...and run a controller outside that holds 30-31 °C, far above the built-in 24-27 °C range.
            let controller = try await Subscriber.start(url: harness.broker.url, filters: [Self.tank])
            // (The room alone drifting around 20 °C plus the heater's 20 °C rise lets 30-31 °C be held at any hour;
            // with the default 10 °C rise the tank could not pass 29.5 °C while the simulated room was below 19.5 °C.)
            let reached = await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    var commanded: Bool?
                    var count = 0
                    while !Task.isCancelled {
                        if let last = controller.objects(on: Self.tank).last, let temperature = last["temperature"] as? Double {
                            let want = temperature < 30 ? true : (temperature > 31 ? false : commanded ?? false)
                            if want != commanded {
                                count += 1
                                try? await controller.client.publish(topic: Self.tank + "/commands",
                                                                     payload: commandPayload("ext-\(count)", "set_heater", ["on": want]))
                                commanded = want
                            }
                        }
                        // A control period, like a real controller's scan cycle (not waiting for a condition).
                        try? await Task.sleep(for: .milliseconds(20))
                    }
                    return false
                }
                let reached = await observer.wait(.seconds(30)) { _ in
                    observer.objects(on: Self.tank).contains { temperature($0) > 29.5 && $0["controller"] as? String == "external" }
                }
                group.cancelAll()
                return reached
            }
            #expect(reached)
            let acks = observer.objects(on: Self.tank + "/commands/ack").filter { ($0["command_id"] as? String)?.hasPrefix("ext-") == true }
            #expect(!acks.isEmpty && acks.allSatisfy { $0["result"] as? String == "accepted" })
            await simulator.stop()
            await controller.stop()
            await observer.stop()
        }
    }
}
