/// Which devices share which MQTT connection, and the connection's identity.
public struct ConnectionPlan: Sendable, Equatable {
    /// MQTT client id.
    public var clientID: String
    /// Fleet positions of the devices on this connection.
    public var slots: [Int]
    /// Where the connection's last will goes: the device's status topic (per-device mode) or the
    /// gateway's (shared mode).
    public var willTopic: String
    /// Whether this connection stands for one device (its will is that device's `offline`).
    public var isDevice: Bool

    /// Splits the fleet into connections as the configuration asks.
    public static func plan(_ configuration: SimulatorConfiguration, devices: [DevicePlan]) -> [ConnectionPlan] {
        let prefix = configuration.connections.clientIdPrefix
        guard configuration.connectionsShared(deviceCount: devices.count) else {
            return devices.enumerated().map { slot, device in
                ConnectionPlan(clientID: prefix + device.deviceID, slots: [slot], willTopic: device.statusTopic, isDevice: true)
            }
        }
        let count = max(1, min(configuration.connections.shared, max(1, devices.count)))
        return (0..<count).map { link in
            let id = "\(prefix)plc-simulator-gateway-\(link + 1)"
            return ConnectionPlan(clientID: id, slots: Array(stride(from: link, to: devices.count, by: count)),
                                  willTopic: "status/" + id, isDevice: false)
        }
    }
}
