import Testing
import SCADACore
@testable import PLCSimulator

@Suite struct ConfigurationTests {
    func load(_ yaml: String) throws -> SimulatorConfiguration {
        let section = try ConfigurationLoader(yaml: yaml).section("simulator", defaults: SimulatorConfiguration())
        try section.validate()
        return section
    }

    @Test func defaultsGiveTheDemoFleet() throws {
        let configuration = try load("")
        #expect(configuration == SimulatorConfiguration())
        let plans = try FleetPlan.devices(configuration)
        #expect(Set(plans.map(\.profileName)) == Set(DeviceProfiles.names))
        #expect(plans.map(\.topic).contains("factory/line1"))
        #expect(plans.map(\.deviceID).contains("ENERGY1-PLC"))
        #expect(configuration.seed.value == nil && configuration.qos == 1 && configuration.storeAndForward.capacity == 10_000)
    }

    @Test func fileOverridesDefaults() throws {
        let configuration = try load("""
        simulator:
          seed: 42
          speed: 60
          controller: external
          storeAndForward:
            capacity: 500
          devices:
            - profile: manufacturing
              count: 3
              interval: 0.5
              parameters: {lineSpeed: 80}
            - profile: fishtank
              id: "pond_{n}"
          faults:
            - kind: spike
              device: LINE2-PLC
              after: 10
              magnitude: 30
        """)
        #expect(configuration.seed.value == 42 && configuration.speed == 60 && configuration.externalController)
        #expect(configuration.storeAndForward.capacity == 500 && configuration.storeAndForward.enabled)
        let plans = try FleetPlan.devices(configuration)
        #expect(plans.map(\.deviceID) == ["LINE1-PLC", "LINE2-PLC", "LINE3-PLC", "pond_1"])
        #expect(plans[3].topic == "factory/fishtank/pond_1")
        #expect(plans[0].interval == 0.5 && plans[3].interval == 1 && plans[0].parameters == ["lineSpeed": 80])
        #expect(configuration.faults == [FaultSpec(kind: .spike, device: "LINE2-PLC", after: 10, magnitude: 30)])
    }

    @Test func unknownKeysAreErrors() {
        func kind(_ yaml: String) -> String {
            do {
                _ = try load(yaml)
                return "none"
            } catch let error as ConfigurationError {
                return error.kind == .unknownKey ? "unknownKey" : "\(error.kind): \(error.description)"
            } catch {
                return "\(error)"
            }
        }
        #expect(kind("simulator:\n  sped: 2\n") == "unknownKey")
        #expect(kind("simulator:\n  storeAndForward:\n    capacty: 2\n") == "unknownKey")
        // Inside list items the section decoder reports them (as invalid values naming the key).
        #expect(kind("simulator:\n  devices:\n    - profile: cnc\n      cout: 2\n").contains("unknown device group key 'cout'"))
        #expect(kind("simulator:\n  faults:\n    - kind: spike\n      magnitud: 2\n").contains("unknown fault key 'magnitud'"))
    }

    @Test func invalidValuesAreReported() {
        #expect(throws: ConfigurationError.self) { try load("simulator:\n  speed: 0\n") }
        #expect(throws: ConfigurationError.self) { try load("simulator:\n  qos: 3\n") }
        #expect(throws: ConfigurationError.self) { try load("simulator:\n  devices:\n    - profile: toaster\n") }
        #expect(throws: ConfigurationError.self) { try load("simulator:\n  devices:\n    - profile: cnc\n      parameters: {warp: 9}\n") }
        #expect(throws: ConfigurationError.self) { try load("simulator:\n  faults:\n    - kind: meteor\n") }
        #expect(throws: ConfigurationError.self) { try load("simulator:\n  connections:\n    mode: carrier-pigeon\n") }
    }

    @Test func duplicateIdsOrTopicsAreRejected() throws {
        let twice = try load("simulator:\n  devices:\n    - profile: vehicle\n      count: 2\n    - profile: vehicle\n")
        #expect(throws: ConfigurationError.self) { try FleetPlan.devices(twice) }
        let sameTopic = try load("simulator:\n  devices:\n    - profile: vehicle\n      count: 2\n      topic: factory/cars\n")
        #expect(throws: ConfigurationError.self) { try FleetPlan.devices(sameTopic) }
        let continued = try load("simulator:\n  devices:\n    - profile: vehicle\n      count: 2\n    - profile: vehicle\n      count: 1\n      firstIndex: 3\n")
        #expect(try FleetPlan.devices(continued).map(\.deviceID) == ["vehicle_01", "vehicle_02", "vehicle_03"])
    }
}
