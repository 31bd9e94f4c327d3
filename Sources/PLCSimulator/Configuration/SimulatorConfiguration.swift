import Foundation
import SCADACore

/// The `simulator:` section of the service configuration. Every option has a default here;
/// `configmaps/plc-simulator.yaml` shows them all.
public struct SimulatorConfiguration: Codable, Sendable, Equatable {
    /// Seed for every random signal; null picks one at start (and logs it).
    public var seed = Nullable<UInt64>(nil)
    /// Time acceleration: simulated seconds per wall-clock second (60 = an hour a minute).
    public var speed: Double = 1
    /// Simulated start time, ISO-8601 (`2025-01-15T06:00:00Z`); empty for now.
    public var startTime: String = ""
    /// Default QoS for telemetry (0, 1 or 2).
    public var qos: Int = 1
    /// Scheduler resolution: devices due within the same tick are published together.
    public var tickMilliseconds: Int = 50
    /// Fish tanks: `builtin` (the hysteresis controller drives the heater) or `external`.
    public var controller: String = "builtin"
    public var connections = Connections()
    public var storeAndForward = StoreAndForward()
    /// The fleet. A list in the file replaces this default list as a whole.
    public var devices: [DeviceGroup] = DeviceGroup.defaults
    /// Faults to inject (see `FaultSpec`).
    public var faults: [FaultSpec] = []

    /// How devices map onto MQTT connections.
    public struct Connections: Codable, Sendable, Equatable {
        /// `perDevice`: each device is its own MQTT client (own session, birth and last will), like
        /// real PLCs. `shared`: devices share `shared` connections (a gateway), whose last will
        /// is on `status/{clientIdPrefix}plc-simulator-gateway-{k}`; each device's status is still published.
        /// `auto`: `perDevice` up to `perDeviceLimit` devices, `shared` beyond.
        public var mode: String = "auto"
        /// Largest fleet `auto` runs with a connection per device.
        public var perDeviceLimit: Int = 150
        /// Number of connections in `shared` mode.
        public var shared: Int = 4
        /// Prepended to every MQTT client id (device id in `perDevice` mode).
        public var clientIdPrefix: String = ""
        /// Keep-alive seconds: how soon the broker notices a dead device and sends its last will.
        public var keepAlive: Int = 15
        /// Persistent sessions (clean session off), so QoS 1 state survives reconnects.
        public var persistentSession: Bool = true
        /// Command subscriptions use QoS 1; telemetry uses `qos`.
        public var commandQos: Int = 1
    }

    /// The per-device offline queue used while the broker is unreachable.
    public struct StoreAndForward: Codable, Sendable, Equatable {
        public var enabled: Bool = true
        /// Where the SQLite queue and sequence state live (`SCADA_SIMULATOR_STATE` overrides).
        public var directory: String = "simulator-state"
        /// Messages kept per device; the oldest are dropped (and counted) beyond this.
        public var capacity: Int = 10_000
        /// How often the per-device sequence numbers are saved (they are also saved on shutdown).
        public var checkpointSeconds: Double = 1
    }

    public init() {}

    /// Each device connection has its own network thread and four descriptors (socket, libmosquitto's
    /// socket pair, the loop's eventfd): one process runs at most this many device connections.
    public static let maxPerDeviceConnections = 180

    /// Whether a fleet of `deviceCount` devices shares gateway connections.
    public func connectionsShared(deviceCount: Int) -> Bool {
        switch connections.mode {
        case "shared": return true
        case "perDevice": return false
        default: return deviceCount > connections.perDeviceLimit
        }
    }
    public var externalController: Bool { controller == "external" }

    /// The simulated start instant, seconds since the epoch.
    public func simulatedStart(now: Date = Date()) -> Double {
        guard !startTime.isEmpty, let date = try? Date(startTime, strategy: .iso8601) else {
            return now.timeIntervalSince1970
        }
        return date.timeIntervalSince1970
    }

    /// Checks values that decode but make no sense; the message names the key.
    public func validate() throws {
        func fail(_ message: String) -> ConfigurationError { ConfigurationError(.invalidValue, message) }
        guard speed > 0, speed.isFinite else { throw fail("simulator.speed must be > 0 (got \(speed))") }
        guard (0...2).contains(qos) else { throw fail("simulator.qos must be 0, 1 or 2 (got \(qos))") }
        guard (1...1000).contains(tickMilliseconds) else { throw fail("simulator.tickMilliseconds must be 1...1000") }
        guard ["builtin", "external"].contains(controller) else {
            throw fail("simulator.controller must be builtin or external (got '\(controller)')")
        }
        guard !startTime.isEmpty ? (try? Date(startTime, strategy: .iso8601)) != nil : true else {
            throw fail("simulator.startTime '\(startTime)' is not ISO-8601 (e.g. 2025-01-15T06:00:00Z)")
        }
        guard ["auto", "perDevice", "shared"].contains(connections.mode) else {
            throw fail("simulator.connections.mode must be auto, perDevice or shared (got '\(connections.mode)')")
        }
        let deviceCount = devices.reduce(0) { $0 + max(0, $1.count) }
        guard (0...Self.maxPerDeviceConnections).contains(connections.perDeviceLimit) else {
            throw fail("simulator.connections.perDeviceLimit must be 0...\(Self.maxPerDeviceConnections)")
        }
        if connections.mode == "perDevice", deviceCount > Self.maxPerDeviceConnections {
            throw fail("simulator.connections.mode perDevice supports at most \(Self.maxPerDeviceConnections) devices per process "
                + "(libmosquitto's select() loop is limited to 1024 descriptors); this fleet has \(deviceCount): use auto or shared")
        }
        guard connections.shared >= 1 else { throw fail("simulator.connections.shared must be >= 1") }
        guard connections.keepAlive >= 2 else { throw fail("simulator.connections.keepAlive must be >= 2 seconds") }
        guard (0...2).contains(connections.commandQos) else { throw fail("simulator.connections.commandQos must be 0, 1 or 2") }
        guard storeAndForward.capacity >= 1 else { throw fail("simulator.storeAndForward.capacity must be >= 1") }
        guard storeAndForward.checkpointSeconds > 0 else { throw fail("simulator.storeAndForward.checkpointSeconds must be > 0") }
        for (index, group) in devices.enumerated() {
            let path = "simulator.devices[\(index)]"
            guard let profile = DeviceProfiles.named(group.profile) else {
                throw fail("\(path).profile '\(group.profile)' is unknown (known: \(DeviceProfiles.names.joined(separator: ", ")))")
            }
            guard group.count >= 0 else { throw fail("\(path).count must be >= 0") }
            guard group.firstIndex >= 0 else { throw fail("\(path).firstIndex must be >= 0") }
            if let interval = group.interval, !(interval >= 0.001 && interval.isFinite) {
                throw fail("\(path).interval must be >= 0.001 seconds")
            }
            if let qos = group.qos, !(0...2).contains(qos) { throw fail("\(path).qos must be 0, 1 or 2") }
            if let unknown = group.parameters.keys.sorted().first(where: { profile.parameters[$0] == nil }) {
                throw fail("\(path).parameters.\(unknown) is not a \(profile.name) parameter (known: \(profile.parameters.keys.sorted().joined(separator: ", ")))")
            }
        }
        for (index, fault) in faults.enumerated() {
            if let problem = fault.validationProblem { throw fail("simulator.faults[\(index)]: \(problem)") }
        }
    }
}
