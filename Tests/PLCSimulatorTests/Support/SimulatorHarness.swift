import Foundation
import Logging
import SCADAMQTT
import SCADATestSupport
@testable import PLCSimulator

/// A broker plus a simulator on it, cleaned up by `shutdown()`.
struct SimulatorHarness {
    let broker: MosquittoServer
    let stateDirectory: String

    static func start() async throws -> SimulatorHarness {
        let broker = try await MosquittoServer.start()
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("plcsim-state-\(UUID().uuidString.prefix(8))").path
        return SimulatorHarness(broker: broker, stateDirectory: state)
    }

    /// A configuration for `devices`, writing state into this harness's directory.
    func configuration(_ devices: [DeviceGroup], speed: Double = 1, controller: String = "builtin",
                       faults: [FaultSpec] = []) -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration()
        configuration.seed = Nullable(7)
        configuration.devices = devices
        configuration.speed = speed
        configuration.controller = controller
        configuration.faults = faults
        configuration.tickMilliseconds = 5
        configuration.storeAndForward.directory = stateDirectory
        configuration.connections.keepAlive = 5
        return configuration
    }

    func startSimulator(_ configuration: SimulatorConfiguration, metrics: SimulatorMetrics = .discarding) async throws -> SimulatorInstance {
        var logger = Logger(label: "plc-simulator-test")
        logger.logLevel = .warning
        return try await SimulatorInstance.start(configuration: configuration, mqttURL: broker.url, logger: logger, metrics: metrics)
    }

    /// Kills the broker (nothing of it needs saving) and removes its and the simulator's directories.
    func shutdown() {
        broker.kill9()
        try? FileManager.default.removeItem(at: broker.directory)
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }
}

/// Sends a command the way an operator or controller would (QoS 1), from a short-lived client.
func sendCommand(url: String, topic: String, id: String, _ name: String, _ params: [String: Any] = [:], via client: MQTTClient) async throws {
    try await client.publish(topic: topic, payload: commandPayload(id, name, params), qos: .atLeastOnce)
}

/// Per-device sequence numbers in arrival order.
func sequences(_ objects: [[String: Any]]) -> [Int] {
    objects.compactMap { $0["seq"] as? Int }
}
