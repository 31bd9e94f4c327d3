/// One MQTT connection as the simulator uses it (an adapter over `SCADAMQTT.MQTTClient`; a fake in unit tests).
public protocol SimulatorConnection: Sendable {
    /// Whether the connection is up right now.
    var isConnected: Bool { get }
    /// Publishes; with QoS >= 1 returns after the broker's acknowledgement.
    func publish(topic: String, payload: [UInt8], qos: Int, retain: Bool) async throws
}
