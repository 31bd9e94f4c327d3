import Foundation
import SCADACore
import Testing
@testable import Preprocessor

/// Payloads as the simulator and the seed prototypes send them.
enum SamplePayloads {
    static let now: Int64 = 1_747_379_100_000
    static let manufacturing = #"{"plc_id":"LINE1-PLC","timestamp":1747379028123,"seq":7,"production_count":1247,"line_speed":105.2,"temperature":23.2,"pressure":1.25,"vibration":0.45,"quality_rate":98.7,"alarm":false,"status":"running"}"#
    static let seedManufacturing = #"{"plc_id":"PLC1","timestamp":"2024-01-15T10:30:00","production_count":1247,"line_speed":105.2,"temperature":23.2,"pressure":1.25,"quality_rate":98.7,"alarm":false,"status":"running"}"#
    static let energy = #"{"plc_id":"ENERGY1-PLC","timestamp":1747379028000,"seq":1,"power_consumption":267.5,"voltages":{"L1":402.1,"L2":400.3,"L3":399.8},"currents":{"L1":185.2,"L2":180.1,"L3":182.4},"power_factor":0.867,"frequency":50.02,"energy_total":12847.3,"grid_status":"normal","efficiency":86.7}"#
    static let environment = #"{"plc_id":"ENV1-PLC","timestamp":1747379028000,"seq":2,"temperature":23.2,"humidity":47.8,"co2_level":412.5,"air_quality":{"index":28.5,"status":"good"},"noise_level":67.3,"comfort_index":87.2}"#
    static let cnc = #"{"cnc_id":"CNC001","part_program":"program_01","timestamp":"1747379028","seq":3,"payload":{"status":"running","spindle_speed":8000,"X-Axis":30.5,"Y-Axis":80,"Z-Axis":-2.25,"feed_rate":1200}}"#
    static let seedCNC = #"{"cnc_id":"CNC001","part_program":"program_01","timestamp":"1747379028","payload":{"status": "running","spin":200,"X-Axis":30,"Y-Axis":80}}"#
    static let vehicle = #"{"device_id":"vehicle_01","timestamp":1747379028000,"seq":4,"speed":63.2,"target_speed":70,"acceleration":1.25}"#
    static let fishTank = #"{"device_id":"tank_01","timestamp":1747379028000,"seq":5,"temperature":25.1,"ph":7.1,"dissolved_oxygen":7.8,"ammonia":0.02,"water_level":98.5,"heater":true,"controller":"builtin"}"#
    static let fishTankRange = #"{"device_id":"tank_01","timestamp":1747379028000,"ranges":{"temperature":{"min":24,"max":27},"ph":{"min":6.5,"max":7.5}}}"#
    static let generic = #"{"device_id":"pump-7","timestamp":1747379028000,"flow":12.5,"running":true}"#
}

@Suite struct NormaliserTests {
    let normaliser: Normaliser

    init() throws {
        var configuration = PreprocessorConfiguration()
        configuration.enrichment.site = "plant-1"
        configuration.enrichment.devices = ["CNC001": .init(site: "plant-2", line: "cell-3", tags: ["vendor": "acme"])]
        normaliser = try Normaliser(configuration: configuration)
    }

    func record(_ topic: String, _ payload: String) throws -> TelemetryRecord {
        let outcome = normaliser.process(topic: topic, payload: Array(payload.utf8), receiveTime: SamplePayloads.now)
        guard case .telemetry(_, let json, _) = outcome else {
            Issue.record("\(topic): expected telemetry, got \(outcome)")
            throw Rejection(.noDecoder, "not telemetry")
        }
        return try TelemetryRecord(jsonBytes: json)
    }

    func rejection(_ topic: String, _ payload: [UInt8]) -> Rejection? {
        if case .rejected(let rejection) = normaliser.process(topic: topic, payload: payload, receiveTime: SamplePayloads.now) {
            return rejection
        }
        return nil
    }

    @Test func manufacturing() throws {
        let r = try record("factory/line1", SamplePayloads.manufacturing)
        #expect(r.deviceId == "LINE1-PLC" && r.deviceType == "manufacturing" && r.line == "line1" && r.site == "plant-1")
        #expect(r.eventTime == 1_747_379_028_123 && r.seq == 7 && r.receiveTime == SamplePayloads.now)
        #expect(r.metrics == ["production_count": 1247, "line_speed": 105.2, "temperature": 23.2, "pressure": 1.25,
                              "vibration": 0.45, "quality_rate": 98.7])
        #expect(r.states == ["alarm": .bool(false), "status": .string("running")])
        #expect(r.sourceTopic == "factory/line1" && r.schemaVersion == 1)
        let seed = try record("factory/line1", SamplePayloads.seedManufacturing)
        #expect(seed.deviceId == "PLC1" && seed.seq == nil && seed.eventTime == 1_705_314_600_000)
    }

    @Test func energyFlattensPhases() throws {
        let r = try record("factory/energy", SamplePayloads.energy)
        #expect(r.deviceType == "energy")
        #expect(r.metrics["voltages.L1"] == 402.1 && r.metrics["currents.L3"] == 182.4 && r.metrics["power_factor"] == 0.867)
        #expect(r.states["grid_status"] == .string("normal"))
    }

    @Test func environment() throws {
        let r = try record("factory/environment", SamplePayloads.environment)
        #expect(r.deviceType == "environment" && r.metrics["air_quality.index"] == 28.5)
        #expect(r.states["air_quality.status"] == .string("good"))
    }

    @Test func cncEnvelopeAndEnrichment() throws {
        let r = try record("factory/cnc/CNC001", SamplePayloads.cnc)
        #expect(r.deviceType == "cnc" && r.deviceId == "CNC001" && r.eventTime == 1_747_379_028_000 && r.seq == 3)
        #expect(r.metrics == ["spindle_speed": 8000, "X-Axis": 30.5, "Y-Axis": 80, "Z-Axis": -2.25, "feed_rate": 1200])
        #expect(r.states == ["status": .string("running")])
        #expect(r.tags == ["part_program": "program_01", "vendor": "acme"])
        #expect(r.site == "plant-2" && r.line == "cell-3")
        // The seed's collector publishes on its own topic: the cnc_id field selects the CNC decoder.
        let seed = try record("factory/collector", SamplePayloads.seedCNC)
        #expect(seed.deviceType == "cnc" && seed.metrics["spin"] == 200)
    }

    @Test func vehicleFishTankRangeAndGeneric() throws {
        let vehicle = try record("factory/vehicles/vehicle_01", SamplePayloads.vehicle)
        #expect(vehicle.deviceType == "vehicle" && vehicle.metrics["speed"] == 63.2)
        let tank = try record("factory/fishtank/tank_01", SamplePayloads.fishTank)
        #expect(tank.deviceType == "fish_tank" && tank.states["heater"] == .bool(true) && tank.metrics["ph"] == 7.1)
        let range = try record("factory/fishtank/tank_01/range", SamplePayloads.fishTankRange)
        #expect(range.deviceType == "fish_tank_range" && range.metrics["ranges.temperature.max"] == 27 && range.seq == nil)
        let generic = try record("factory/pumps/pump-7", SamplePayloads.generic)
        #expect(generic.deviceType == "generic" && generic.metrics == ["flow": 12.5] && generic.states["running"] == .bool(true))
    }

    @Test func everyReason() {
        let bytes = { (text: String) in Array(text.utf8) }
        #expect(rejection("factory/line1", [0xFF, 0xFE, 0x00])?.reason == .notUTF8)
        #expect(rejection("factory/line1", bytes("plc_id=1"))?.reason == .invalidJSON)
        #expect(rejection("factory/line1", bytes(#"{"timestamp":1747379028000,"temperature":20}"#))?.reason == .missingField)
        #expect(rejection("factory/line1", bytes(#"{"plc_id":"P","temperature":20}"#))?.reason == .missingField)
        #expect(rejection("factory/cnc/C1", bytes(#"{"cnc_id":"C1","timestamp":1747379028000}"#))?.reason == .missingField)
        #expect(rejection("factory/line1", bytes(#"{"plc_id":"P","timestamp":1747379028000}"#))?.reason == .missingField)
        #expect(rejection("factory/line1", bytes(#"{"plc_id":"P","timestamp":1747379028000,"temperature":"hot"}"#))?.reason == .wrongType)
        #expect(rejection("factory/line1", bytes(#"{"plc_id":7,"timestamp":1747379028000,"temperature":20}"#))?.reason == .wrongType)
        #expect(rejection("factory/line1", bytes(#"{"plc_id":"P","timestamp":1747379028000,"seq":"x","temperature":1}"#))?.reason == .wrongType)
        #expect(rejection("factory/cnc/C1", bytes(#"{"cnc_id":"C1","timestamp":1747379028000,"payload":5}"#))?.reason == .wrongType)
        #expect(rejection("factory/line1", bytes(#"{"plc_id":"P","timestamp":1747379028000,"temperature":NaN}"#))?.reason == .nonFiniteNumber)
        #expect(rejection("factory/line1", bytes(#"{"plc_id":"P","timestamp":"noon","temperature":1}"#))?.reason == .badTimestamp)
        let future = SamplePayloads.now + 3_600_000
        #expect(rejection("factory/line1", bytes("{\"plc_id\":\"P\",\"timestamp\":\(future),\"temperature\":1}"))?.reason == .timestampInFuture)
        #expect(rejection("factory/line1", bytes("{\"plc_id\":\"P\",\"timestamp\":1747379028000,\"pad\":\"" + String(repeating: "x", count: 70_000) + "\"}"))?.reason == .payloadTooLarge)
        let many = (0..<300).map { "\"m\($0)\":\($0)" }.joined(separator: ",")
        #expect(rejection("factory/line1", bytes("{\"plc_id\":\"P\",\"timestamp\":1747379028000,\(many)}"))?.reason == .tooManyFields)
        #expect(rejection("factory/line1", bytes(#"{"plc_id":"P","timestamp":1747379028000,"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}}"#))?.reason == .tooDeep)
        #expect(rejection("plant/other", bytes(SamplePayloads.generic))?.reason == .noDecoder)
    }

    @Test func statusAndIgnoredTopics() {
        guard case .status(let online) = normaliser.process(topic: "status/tank_01", payload: Array("online".utf8),
                                                             receiveTime: SamplePayloads.now) else {
            Issue.record("status not recognised")
            return
        }
        #expect(online.deviceId == "tank_01" && online.status == .online && online.eventTime == SamplePayloads.now)
        guard case .status(let offline) = normaliser.process(topic: "status/LINE1-PLC",
                                                              payload: Array(#"{"status":"offline","timestamp":1747379028000}"#.utf8),
                                                              receiveTime: SamplePayloads.now) else {
            Issue.record("JSON status not recognised")
            return
        }
        #expect(offline.status == .offline && offline.eventTime == 1_747_379_028_000)
        #expect(rejection("status/x", Array("sleeping".utf8))?.reason == .wrongType)
        if case .ignored = normaliser.process(topic: "factory/fishtank/tank_01/commands", payload: [], receiveTime: 0) {} else {
            Issue.record("commands must be ignored")
        }
        if case .ignored = normaliser.process(topic: "factory/line1/commands/ack", payload: [], receiveTime: 0) {} else {
            Issue.record("acks must be ignored")
        }
    }

    /// The hand-written JSON decodes to exactly the record the normaliser describes, for any content.
    @Test func writerRoundTrips() throws {
        for payload in [SamplePayloads.manufacturing, SamplePayloads.energy, SamplePayloads.cnc] {
            let topic = payload == SamplePayloads.cnc ? "factory/cnc/CNC001" : payload == SamplePayloads.energy ? "factory/energy" : "factory/line1"
            let normalised = try normaliser.normalise(topic: topic, payload: Array(payload.utf8), receiveTime: SamplePayloads.now)
            #expect(try TelemetryRecord(jsonBytes: TelemetryJSONWriter.write(normalised)) == normalised.telemetryRecord)
        }
        var generator = SystemRandomNumberGenerator()
        for round in 0..<500 {
            let values = (0..<5).map { _ in Double.random(in: -1e12...1e12, using: &generator) * (Bool.random() ? 1e-9 : 1) }
            let sample = DecodedSample(deviceID: "dev \"\(round)\"\n\u{1}é", deviceType: "generic", eventTime: 1_747_379_028_000,
                                       seq: Int64(round), metrics: values.enumerated().map { .init(name: "m\\\($0.offset)", value: $0.element) },
                                       states: [.init(name: "s", value: .string("tab\there")), .init(name: "b", value: .bool(round % 2 == 0))],
                                       tags: [.init(name: "t", value: "v/\(round)")])
            let normalised = NormalisedRecord(sample: sample, site: nil, line: "l", receiveTime: 1_747_379_028_001,
                                              sourceTopic: "factory/x", extraTags: ["z": "1"])
            #expect(try TelemetryRecord(jsonBytes: TelemetryJSONWriter.write(normalised)) == normalised.telemetryRecord)
        }
    }

    @Test func configurationErrorsAreClear() {
        var configuration = PreprocessorConfiguration()
        configuration.routes = [Route(topic: "factory/x", decoder: "nope")]
        #expect(throws: RouteError.self) { try Normaliser(configuration: configuration) }
        configuration = PreprocessorConfiguration()
        configuration.customDecoders = [DecoderDefinition(name: "valve", implementation: .swift)]
        #expect(throws: RouteError.self) { try Normaliser(configuration: configuration) }
    }

    /// One `customDecoders` entry is a whole device type: its routes join the default table, its kinds are enforced.
    @Test func aCustomDecoderIsOneEntry() throws {
        var configuration = PreprocessorConfiguration()
        configuration.customDecoders = [DecoderDefinition(name: "pump", routes: [DecoderRoute(topic: "factory/pumps/+")],
                                                          idFields: ["pump_id"], tagFields: ["model"], kinds: ["flow": .number],
                                                          required: ["flow"])]
        let normaliser = try Normaliser(configuration: configuration)
        let outcome = normaliser.process(topic: "factory/pumps/p1",
                                         payload: Array(#"{"pump_id":"p1","timestamp":1747379028000,"flow":3,"model":"X1"}"#.utf8),
                                         receiveTime: SamplePayloads.now)
        guard case .telemetry(let id, let json, _) = outcome else {
            Issue.record("custom decoder did not decode: \(outcome)")
            return
        }
        let pump = try TelemetryRecord(jsonBytes: json)
        #expect(id == "p1" && pump.deviceType == "pump" && pump.metrics == ["flow": 3] && pump.tags == ["model": "X1"])
        let wrong = normaliser.process(topic: "factory/pumps/p1", payload: Array(#"{"pump_id":"p1","timestamp":1747379028000,"flow":"fast"}"#.utf8),
                                       receiveTime: SamplePayloads.now)
        guard case .rejected(let rejection) = wrong else {
            Issue.record("a flow of the wrong kind was accepted: \(wrong)")
            return
        }
        #expect(rejection.reason == .wrongType)
        // The built-in routes still apply around it.
        #expect(try record("factory/line1", SamplePayloads.manufacturing).deviceType == "manufacturing")
        let defaults = try PreprocessorConfiguration().resolvedRoutes()
        #expect(defaults.first?.decoder == "cnc" && defaults.last == Route(topic: "factory/#", decoder: "generic"))
        #expect(try configuration.resolvedRoutes().count == defaults.count + 1)
    }
}
