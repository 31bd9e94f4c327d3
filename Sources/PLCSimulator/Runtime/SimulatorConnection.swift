/// One MQTT connection as the simulator uses it (an adapter over `SCADAMQTT.MQTTClient`; a fake in unit tests).
public protocol SimulatorConnection: Sendable {
    /// Whether the connection is up right now.
    var isConnected: Bool { get }
    /// Publishes; with QoS >= 1 returns after the broker's acknowledgement.
    func publish(topic: String, payload: [UInt8], qos: Int, retain: Bool) async throws
    /// Hands the message over before returning (messages handed over in turn leave in that order) and calls
    /// `completion` with nil once the broker acknowledged it, or with the error.
    func send(topic: String, payload: [UInt8], qos: Int, retain: Bool, completion: @escaping @Sendable ((any Error)?) -> Void)
}

extension SimulatorConnection {
    /// For connections without an ordered hand-over of their own (test fakes): ``publish(topic:payload:qos:retain:)`` in a task.
    public func send(topic: String, payload: [UInt8], qos: Int, retain: Bool, completion: @escaping @Sendable ((any Error)?) -> Void) {
        Task {
            do {
                try await publish(topic: topic, payload: payload, qos: qos, retain: retain)
                completion(nil)
            } catch {
                completion(error)
            }
        }
    }
}
