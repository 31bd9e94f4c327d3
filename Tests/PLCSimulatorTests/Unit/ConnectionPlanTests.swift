import Foundation
import SCADACore
import Testing
@testable import PLCSimulator

@Suite struct ConnectionPlanTests {
    @Test func perDeviceConnectionsCarryTheDeviceWill() throws {
        var configuration = SimulatorConfiguration()
        configuration.devices = [DeviceGroup(profile: "vehicle", count: 2)]
        configuration.connections.clientIdPrefix = "sim-"
        let plans = ConnectionPlan.plan(configuration, devices: try FleetPlan.devices(configuration))
        #expect(plans == [
            ConnectionPlan(clientID: "sim-vehicle_01", slots: [0], willTopic: "status/vehicle_01", isDevice: true),
            ConnectionPlan(clientID: "sim-vehicle_02", slots: [1], willTopic: "status/vehicle_02", isDevice: true),
        ])
    }

    @Test func sharedConnectionsSplitTheFleet() throws {
        var configuration = SimulatorConfiguration()
        configuration.devices = [DeviceGroup(profile: "vehicle", count: 5)]
        configuration.connections.mode = "shared"
        configuration.connections.shared = 2
        let plans = ConnectionPlan.plan(configuration, devices: try FleetPlan.devices(configuration))
        #expect(plans.map(\.slots) == [[0, 2, 4], [1, 3]])
        #expect(plans[0].willTopic == "status/plc-simulator-gateway-1" && !plans[0].isDevice)
    }

    @Test func manyCommandTopicsCollapseIntoWildcards() {
        let few = ["factory/line1/commands", "factory/energy/commands"]
        #expect(CommandFilters.filters(for: few) == few.sorted())
        let many = (1...40).map { "factory/vehicles/vehicle_\($0)/commands" } + (1...20).map { "factory/line\($0)/commands" }
        #expect(CommandFilters.filters(for: many) == ["factory/+/commands", "factory/vehicles/+/commands"])
    }

    @Test func theSampleConfigMapIsAValidCompleteConfiguration() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("configmaps/plc-simulator.yaml")
        // The plain configuration file that configmaps/kustomization.yaml turns into the ConfigMap.
        let block = try String(contentsOf: path, encoding: .utf8).components(separatedBy: "\n")
        let loader = try ConfigurationLoader(yaml: block.joined(separator: "\n"), source: "configmap")
        let common = try loader.common(defaultHTTPPort: 8084)
        #expect(common.http.port == 8084)
        let simulator = try loader.section("simulator", defaults: SimulatorConfiguration())
        try simulator.validate()
        let plans = try FleetPlan.devices(simulator)
        #expect(Set(plans.map(\.profileName)) == Set(DeviceProfiles.names))
        // Every option of the section appears in the sample (a default-valued copy would not differ).
        let keys = Set(block.compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("#"), let colon = trimmed.firstIndex(of: ":") else { return nil }
            return String(trimmed[..<colon]).replacingOccurrences(of: "- ", with: "")
        })
        for key in ["seed", "speed", "startTime", "qos", "tickMilliseconds", "controller", "mode", "shared", "clientIdPrefix",
                    "perDeviceLimit", "keepAlive", "persistentSession", "commandQos", "enabled", "directory", "capacity", "checkpointSeconds",
                    "profile", "count", "interval", "topic", "id", "firstIndex", "parameters", "faults"] {
            #expect(keys.contains(key), "\(key)")
        }
    }
}
