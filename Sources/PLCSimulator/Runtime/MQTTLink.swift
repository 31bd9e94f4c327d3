import Logging
import SCADAMQTT

/// One MQTT connection of the simulator: a device's own (per-device mode) or a gateway's (shared mode).
public final class MQTTLink: SimulatorConnection {
    public let index: Int
    public let plan: ConnectionPlan
    public let client: MQTTClient

    /// - Parameter qos: telemetry QoS, used for the birth/will too.
    public init(index: Int, plan: ConnectionPlan, url: String, configuration: SimulatorConfiguration, logger: Logger) throws {
        self.index = index
        self.plan = plan
        var mqtt = try MQTTConfiguration(url: url, clientID: plan.clientID)
        mqtt.cleanSession = !configuration.connections.persistentSession
        mqtt.keepAlive = configuration.connections.keepAlive
        mqtt.will = MQTTMessage(topic: plan.willTopic, payload: Array("offline".utf8), qos: .atLeastOnce, retain: true)
        mqtt.reconnect = MQTTReconnectPolicy(minimumDelay: .milliseconds(250), maximumDelay: .seconds(5))
        mqtt.maxInflightMessages = 2_000
        mqtt.receiveBufferCapacity = 1_000
        var linkLogger = logger
        linkLogger[metadataKey: "client_id"] = "\(plan.clientID)"
        client = try MQTTClient(configuration: mqtt, logger: linkLogger)
    }

    public var isConnected: Bool { client.isConnected }

    public func publish(topic: String, payload: [UInt8], qos: Int, retain: Bool) async throws {
        try await client.publish(MQTTMessage(topic: topic, payload: payload, qos: MQTTQoS(rawValue: qos) ?? .atLeastOnce,
                                             retain: retain))
    }

    public func send(topic: String, payload: [UInt8], qos: Int, retain: Bool, completion: @escaping @Sendable ((any Error)?) -> Void) {
        client.publish(MQTTMessage(topic: topic, payload: payload, qos: MQTTQoS(rawValue: qos) ?? .atLeastOnce, retain: retain)) { result in
            if case .failure(let error) = result { completion(error) } else { completion(nil) }
        }
    }
}
