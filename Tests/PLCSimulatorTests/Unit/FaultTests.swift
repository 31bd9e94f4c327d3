import Testing
@testable import PLCSimulator

@Suite struct FaultTests {
    /// A fish tank (in external mode, heater off: a smooth, slowly falling temperature) with one fault armed.
    func tank(with spec: FaultSpec) throws -> SimulatedDevice {
        var device = makeDevice("fish_tank", seed: 1, speed: 60, externalController: true)
        try device.arm(spec, now: 0)
        return device
    }

    func temperatures(_ produced: [SimulatedDevice.Produced]) -> [Double] {
        produced.compactMap { $0.message.flatMap { jsonObject($0.payload)?["temperature"] as? Double } }
    }

    @Test func spikeJumpsForItsCountThenEnds() throws {
        var device = try tank(with: FaultSpec(kind: .spike, after: 5, count: 2, magnitude: 40))
        let produced = produce(&device, count: 10)
        let values = temperatures(produced)
        #expect(values[5] > 60 && values[6] > 60)
        #expect([0, 1, 2, 3, 4, 7, 8, 9].allSatisfy { values[$0] < 30 })
        let events = produced.flatMap(\.faultEvents)
        #expect(events.map(\.phase) == [.started, .ended])
        #expect(events[0].kind == .spike && events[0].seq == 6 && events[0].field == "temperature")
    }

    @Test func driftGrowsWithTime() throws {
        var device = try tank(with: FaultSpec(kind: .drift, after: 2, duration: 5, rate: 2))
        let values = temperatures(produce(&device, count: 10))
        // Messages at t = 2...6 carry +0, +2, +4, +6, +8 on top of a ~0.05 °C/step fall.
        #expect(abs((values[6] - values[2]) - 8) < 0.5)
        #expect(values[8] < values[6] - 7)
    }

    @Test func stuckRepeatsTheSameValue() throws {
        var device = try tank(with: FaultSpec(kind: .stuck, after: 1, duration: 5))
        let values = temperatures(produce(&device, count: 10))
        #expect(Set(values[1...5]).count == 1)
        #expect(values[6] != values[5])
    }

    @Test func dropoutSilencesWithoutUsingSequenceNumbers() throws {
        var device = try tank(with: FaultSpec(kind: .dropout, after: 3, duration: 4))
        let produced = produce(&device, count: 10)
        #expect(produced.map { $0.message == nil } == [false, false, false, true, true, true, true, false, false, false])
        #expect(produced.compactMap(\.message?.seq) == [1, 2, 3, 4, 5, 6])
        let events = produced.flatMap(\.faultEvents)
        #expect(events.map(\.phase) == [.started, .ended] && events[0].seq == 3)
    }

    @Test func sequenceGapSkipsNumbers() throws {
        var device = try tank(with: FaultSpec(kind: .seqGap, after: 2, gap: 5))
        let produced = produce(&device, count: 5)
        #expect(produced.compactMap(\.message?.seq) == [1, 2, 8, 9, 10])
        #expect(produced.flatMap(\.faultEvents).first?.seq == 8)
    }

    @Test func malformedPayloadIsNotJSON() throws {
        var device = try tank(with: FaultSpec(kind: .malformed, after: 1))
        let produced = produce(&device, count: 3)
        #expect(jsonObject(produced[0].message!.payload) != nil)
        #expect(jsonObject(produced[1].message!.payload) == nil)
        #expect(jsonObject(produced[2].message!.payload) != nil)
        #expect(produced[1].message?.seq == 2)
    }

    @Test func oversizePayloadIsLargeValidJSON() throws {
        var device = try tank(with: FaultSpec(kind: .oversize, after: 1, size: 100_000))
        let produced = produce(&device, count: 3)
        let big = produced[1].message!.payload
        #expect(big.count == 100_000)
        #expect(jsonObject(big)?["seq"] as? Int == 2)
        #expect(produced[2].message!.payload.count < 1000)
    }

    @Test func repeatingFaultsComeBackEveryPeriod() throws {
        var device = try tank(with: FaultSpec(kind: .spike, after: 2, count: 1, magnitude: 40, every: 5))
        let values = temperatures(produce(&device, count: 15))
        #expect(values.indices.filter { values[$0] > 50 } == [2, 7, 12])
    }

    @Test func faultsNeedANumericField() {
        var device = makeDevice("manufacturing")
        #expect(throws: CommandRejection.self) { try device.arm(FaultSpec(kind: .spike, field: "status"), now: 0) }
        #expect(throws: CommandRejection.self) { try device.arm(FaultSpec(kind: .stuck, field: "nope"), now: 0) }
        var energy = makeDevice("energy")
        #expect(throws: Never.self) { try energy.arm(FaultSpec(kind: .stuck, field: "voltages.L2"), now: 0) }
    }

    @Test func flagSyntaxParses() throws {
        let spec = try FaultSpec.parse("spike:device=LINE1-PLC,field=temperature,magnitude=40,after=5,count=3")
        #expect(spec == FaultSpec(kind: .spike, device: "LINE1-PLC", field: "temperature", after: 5, count: 3, magnitude: 40))
        #expect(try FaultSpec.parse("kind=seq-gap,gap=9").kind == .seqGap)
        #expect(throws: CommandRejection.self) { try FaultSpec.parse("explode:after=1") }
        #expect(throws: CommandRejection.self) { try FaultSpec.parse("spike:colour=red") }
        #expect(throws: CommandRejection.self) { try FaultSpec.parse("stuck:duration=5,every=2") }
    }

    @Test func deviceSelectors() {
        #expect(FaultSpec(kind: .spike, device: "*").matches(deviceID: "x", profile: "cnc"))
        #expect(FaultSpec(kind: .spike, device: "LINE*").matches(deviceID: "LINE3-PLC", profile: "manufacturing"))
        #expect(!FaultSpec(kind: .spike, device: "LINE*").matches(deviceID: "ENV1-PLC", profile: "environment"))
        #expect(FaultSpec(kind: .spike, device: "profile:fishtank").matches(deviceID: "tank_01", profile: "fish_tank"))
    }

    @Test func injectFaultCommandArmsAndClearFaultsDisarms() {
        var device = makeDevice("vehicle")
        let ok = device.handleCommand(commandPayload("f1", "inject_fault", ["kind": "stuck", "duration": 10]), now: 0, wallMs: 0)
        #expect(ok.ack.accepted && device.faults.count == 1)
        let bad = device.handleCommand(commandPayload("f2", "inject_fault", ["kind": "lightning"]), now: 0, wallMs: 0)
        #expect(bad.ack.rejection?.contains("unknown fault kind") == true)
        #expect(device.handleCommand(commandPayload("f3", "clear_faults"), now: 0, wallMs: 0).ack.accepted)
        #expect(device.faults.isEmpty)
    }
}
