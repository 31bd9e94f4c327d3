import Testing
@testable import PLCSimulator

@Suite struct ProfileTests {
    /// Field names per docs/payloads.md.
    static let expectedKeys: [String: Set<String>] = [
        "manufacturing": ["plc_id", "timestamp", "seq", "production_count", "line_speed", "temperature", "pressure",
                          "vibration", "quality_rate", "alarm", "status"],
        "energy": ["plc_id", "timestamp", "seq", "power_consumption", "voltages", "currents", "power_factor", "frequency",
                   "energy_total", "grid_status", "efficiency"],
        "environment": ["plc_id", "timestamp", "seq", "temperature", "humidity", "co2_level", "air_quality", "noise_level",
                        "comfort_index"],
        "cnc": ["cnc_id", "part_program", "timestamp", "seq", "payload"],
        "vehicle": ["device_id", "timestamp", "seq", "speed", "target_speed", "acceleration"],
        "fish_tank": ["device_id", "timestamp", "seq", "temperature", "ph", "dissolved_oxygen", "ammonia", "water_level",
                      "heater", "controller"],
    ]

    @Test(arguments: DeviceProfiles.names)
    func payloadHasTheContractFields(_ profile: String) throws {
        var device = makeDevice(profile)
        let message = try #require(produce(&device, count: 3).last?.message)
        let object = try #require(jsonObject(message.payload))
        #expect(Set(object.keys) == Self.expectedKeys[profile])
        #expect(object["timestamp"] as? Int64 == 1_736_928_002_000)
        #expect(object["seq"] as? Int == 3)
        #expect(message.seq == 3)
    }

    @Test func namesFollowTheContract() {
        #expect(makeDevice("manufacturing", index: 2).plan.topic == "factory/line2")
        #expect(makeDevice("manufacturing", index: 2).plan.deviceID == "LINE2-PLC")
        #expect(makeDevice("energy").plan.topic == "factory/energy")
        #expect(makeDevice("energy", index: 3).plan.topic == "factory/energy3")
        #expect(makeDevice("environment").plan.topic == "factory/environment")
        #expect(makeDevice("cnc", index: 7).plan.topic == "factory/cnc/CNC007")
        #expect(makeDevice("vehicle", index: 4).plan.topic == "factory/vehicles/vehicle_04")
        #expect(makeDevice("fish_tank").plan.topic == "factory/fishtank/tank_01")
    }

    @Test func nestedObjectsHaveTheirKeys() throws {
        var energy = makeDevice("energy")
        let energyMessage = try #require(produce(&energy, count: 2).last?.message)
        let e = try #require(jsonObject(energyMessage.payload))
        #expect(Set((e["voltages"] as? [String: Any] ?? [:]).keys) == ["L1", "L2", "L3"])
        #expect(Set((e["currents"] as? [String: Any] ?? [:]).keys) == ["L1", "L2", "L3"])
        var environment = makeDevice("environment")
        let environmentMessage = try #require(produce(&environment, count: 2).last?.message)
        let v = try #require(jsonObject(environmentMessage.payload))
        #expect(Set((v["air_quality"] as? [String: Any] ?? [:]).keys) == ["index", "status"])
        var cnc = makeDevice("cnc")
        let cncMessage = try #require(produce(&cnc, count: 2).last?.message)
        let c = try #require(jsonObject(cncMessage.payload))
        let inner = try #require(c["payload"] as? [String: Any])
        for key in ["status", "spindle_speed", "X-Axis", "Y-Axis", "Z-Axis", "feed_rate"] { #expect(inner[key] != nil, "\(key)") }
    }

    @Test func lineSpeedDrivesProductionAndVibration() throws {
        func run(speed: Double) throws -> (produced: Double, vibration: Double) {
            var line = makeDevice("manufacturing", seed: 5, speed: 10, parameters: ["lineSpeed": speed])
            let objects = produce(&line, count: 300).compactMap { $0.message.flatMap { jsonObject($0.payload) } }
            let counts = objects.compactMap { $0["production_count"] as? Double }
            let vibration = objects.compactMap { $0["vibration"] as? Double }
            return (try #require(counts.last) - counts[0], vibration.reduce(0, +) / Double(vibration.count))
        }
        let slow = try run(speed: 50)
        let fast = try run(speed: 150)
        // 300 messages x 10 simulated s = 50 min: ~2,500 units at 50/min, ~7,500 at 150/min.
        #expect(fast.produced > 2.5 * slow.produced)
        #expect(fast.vibration > slow.vibration + 0.3)
    }

    @Test func vehicleStaysInRangeAndAcceleratesWithinLimits() throws {
        var vehicle = makeDevice("vehicle", seed: 11)
        let objects = produce(&vehicle, count: 2_000).compactMap { $0.message.flatMap { jsonObject($0.payload) } }
        let speeds = objects.compactMap { $0["speed"] as? Double }
        #expect(speeds.count == 2_000)
        #expect(speeds.allSatisfy { (0...120).contains($0) })
        #expect(speeds.max()! > 60)
        // 2.5 m/s² up, 4 m/s² down = 9 / 14.4 km/h per second, plus noise.
        for (a, b) in zip(speeds, speeds.dropFirst()) { #expect((-16...11).contains(b - a)) }
    }

    @Test func setpointCommandsMoveTheDevice() throws {
        var vehicle = makeDevice("vehicle", seed: 2)
        let result = vehicle.handleCommand(commandPayload("c1", "set_setpoint", ["name": "target_speed", "value": 30]), now: 0, wallMs: 0)
        #expect(result.ack.accepted)
        let last = try #require(produce(&vehicle, count: 60).last?.message)
        let speed = try #require(jsonObject(last.payload)?["speed"] as? Double)
        #expect(abs(speed - 30) < 3)

        var line = makeDevice("manufacturing")
        #expect(line.handleCommand(commandPayload("c2", "set_power", ["on": false]), now: 0, wallMs: 0).ack.accepted)
        let stoppedMessage = try #require(produce(&line, count: 200).last?.message)
        let stopped = try #require(jsonObject(stoppedMessage.payload))
        #expect(stopped["status"] as? String == "stopped")
        #expect(stopped["line_speed"] as? Double == 0)
    }
}
