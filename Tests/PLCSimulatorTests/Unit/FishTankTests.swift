import Testing
@testable import PLCSimulator

@Suite struct FishTankTests {
    @Test func heaterOnRaisesTemperatureWithInertia() {
        var model = TankThermalModel(waterTemperature: 20, heaterRise: 10, waterTimeConstant: 3600, heaterTimeConstant: 300)
        var temperatures: [Double] = []
        for _ in 0..<120 {
            model.advance(seconds: 60, heaterOn: true, ambient: 20)
            temperatures.append(model.waterTemperature)
        }
        // Monotonic rise, slow at first (the element warms up), toward ambient + rise.
        #expect(zip(temperatures, temperatures.dropFirst()).allSatisfy { $0 < $1 })
        let firstMinute = temperatures[0] - 20
        let secondTenMinutes = temperatures[19] - temperatures[9]
        #expect(firstMinute < 0.05)
        #expect(secondTenMinutes > 1)
        #expect(temperatures.last! > 28.5 && temperatures.last! < 30)
    }

    @Test func heaterOffDecaysTowardAmbient() {
        var model = TankThermalModel(waterTemperature: 28, heaterRise: 10, waterTimeConstant: 3600, heaterTimeConstant: 300)
        var previous = model.waterTemperature
        for _ in 0..<240 {
            model.advance(seconds: 60, heaterOn: false, ambient: 20)
            #expect(model.waterTemperature <= previous)
            #expect(model.waterTemperature >= 20)
            previous = model.waterTemperature
        }
        #expect(abs(model.waterTemperature - 20) < 0.2)
    }

    @Test func hysteresisSwitchesOnlyOutsideTheBand() {
        let controller = HysteresisController()
        let band = TankRanges.Band(min: 24, max: 27)
        #expect(controller.heater(temperature: 23.9, band: band, currentlyOn: false))
        #expect(!controller.heater(temperature: 27.1, band: band, currentlyOn: true))
        #expect(controller.heater(temperature: 25.5, band: band, currentlyOn: true))
        #expect(!controller.heater(temperature: 25.5, band: band, currentlyOn: false))
    }

    @Test func builtinControllerHoldsTheRange() throws {
        var tank = makeDevice("fish_tank", seed: 4, speed: 60)
        let temperatures = produce(&tank, count: 24 * 60).compactMap { $0.message.flatMap { jsonObject($0.payload)?["temperature"] as? Double } }
        let settled = temperatures.dropFirst(6 * 60)  // after six simulated hours
        #expect(settled.allSatisfy { (23...28).contains($0) })
        #expect(settled.contains { $0 > 26 } && settled.contains { $0 < 25 })  // it cycles
    }

    @Test func externalModeLeavesTheHeaterToCommands() throws {
        var tank = makeDevice("fish_tank", seed: 4, speed: 60, externalController: true)
        let cold = produce(&tank, count: 180).compactMap { $0.message.flatMap { jsonObject($0.payload) } }
        #expect(cold.allSatisfy { $0["heater"] as? Bool == false && $0["controller"] as? String == "external" })
        #expect(try #require(cold.last?["temperature"] as? Double) < 22)
        let result = tank.handleCommand(commandPayload("h1", "set_heater", ["on": true]), now: 0, wallMs: 0)
        #expect(result.ack.accepted && result.ack.commandID == "h1")
        let warm = produce(&tank, count: 180).compactMap { $0.message.flatMap { jsonObject($0.payload) } }
        #expect(warm.allSatisfy { $0["heater"] as? Bool == true })
        #expect(try #require(warm.last?["temperature"] as? Double) > 26)
    }

    @Test func rangeCommandsChangeTheRetainedRangeData() throws {
        var tank = makeDevice("fish_tank")
        let result = tank.handleCommand(commandPayload("r1", "set_range", ["measurement": "temperature", "min": 22, "max": 23]),
                                        now: 0, wallMs: 5)
        #expect(result.ack.accepted && result.changedRetained)
        let range = try #require(tank.retainedMessages(wallMs: 5).first)
        #expect(range.topic == "factory/fishtank/tank_01/range" && range.retain)
        let ranges = try #require(jsonObject(range.payload)?["ranges"] as? [String: [String: Double]])
        #expect(ranges["temperature"] == ["min": 22, "max": 23])
        #expect(Set(ranges.keys) == Set(TankRanges.measurements))
        let bad = tank.handleCommand(commandPayload("r2", "set_range", ["measurement": "salinity", "min": 1, "max": 2]), now: 0, wallMs: 5)
        #expect(bad.ack.rejection?.contains("unknown measurement") == true)
        let inverted = tank.handleCommand(commandPayload("r3", "set_range", ["min": 5, "max": 2]), now: 0, wallMs: 5)
        #expect(inverted.ack.rejection?.contains("min < max") == true)
    }
}
