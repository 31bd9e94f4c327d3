import Testing
@testable import PLCSimulator

@Suite struct CommandTests {
    @Test func parsesTheContractShape() throws {
        let command = try DeviceCommand.parse(commandPayload("c-123", "set_heater", ["on": true]))
        #expect(command == DeviceCommand(id: "c-123", name: "set_heater", params: ["on": .bool(true)]))
    }

    @Test func unknownCommandsAreRejectedWithAReason() throws {
        var tank = makeDevice("fish_tank")
        let result = tank.handleCommand(commandPayload("c-9", "self_destruct"), now: 0, wallMs: 7)
        #expect(result.ack.commandID == "c-9" && !result.ack.accepted)
        #expect(result.ack.rejection?.contains("unknown command 'self_destruct'") == true)
        let ack = try #require(jsonObject(result.ack.payload))
        #expect(ack["result"] as? String == "rejected" && ack["device_id"] as? String == "tank_01")
        #expect((ack["reason"] as? String)?.isEmpty == false && ack["timestamp"] as? Int == 7)
    }

    @Test func badPayloadsAreRejected() {
        var tank = makeDevice("fish_tank")
        #expect(tank.handleCommand(Array("not json".utf8), now: 0, wallMs: 0).ack.rejection == "payload is not JSON")
        let missing = tank.handleCommand(Array(#"{"command_id":"x1"}"#.utf8), now: 0, wallMs: 0).ack
        #expect(missing.commandID == "x1" && missing.rejection == "missing 'command'")
        let wrongType = tank.handleCommand(commandPayload("x2", "set_heater", ["on": "yes"]), now: 0, wallMs: 0).ack
        #expect(wrongType.rejection?.contains("boolean param 'on'") == true)
    }

    @Test func redeliveredCommandIsAcknowledgedNotReapplied() {
        var tank = makeDevice("fish_tank", externalController: true)
        #expect(tank.handleCommand(commandPayload("d1", "set_heater", ["on": true]), now: 0, wallMs: 0).ack.accepted)
        #expect(tank.handleCommand(commandPayload("d2", "set_heater", ["on": false]), now: 0, wallMs: 0).ack.accepted)
        // d1 again (QoS 1 redelivery): acked as before, heater stays off.
        #expect(tank.handleCommand(commandPayload("d1", "set_heater", ["on": true]), now: 0, wallMs: 0).ack.accepted)
        let fields = tank.model.fields()
        #expect(fields.first { $0.key == "heater" }?.value == .bool(false))
    }
}
