import CMosquitto

extension MQTTClient {
    /// Publishes `message`. QoS 0 completes when the packet is written; QoS 1/2 when the broker
    /// acknowledged it (PUBACK / PUBCOMP). Many publishes may be in flight at once.
    public func publish(_ message: MQTTMessage) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            publish(message) { continuation.resume(with: $0) }
        }
    }

    /// Publishes `payload` to `topic`.
    public func publish(topic: String, payload: [UInt8], qos: MQTTQoS = .atLeastOnce, retain: Bool = false) async throws {
        try await publish(MQTTMessage(topic: topic, payload: payload, qos: qos, retain: retain))
    }

    /// Hands `message` to the connection before returning, so messages handed over one after another leave
    /// in that order (unlike separate tasks each awaiting ``publish(_:)``); `completion` is called once, when
    /// the broker acknowledged it (QoS 1/2), when it was written (QoS 0), or when it failed.
    public func publish(_ message: MQTTMessage, completion: @escaping @Sendable (Result<Void, any Error>) -> Void) {
        var mid: Int32 = 0
        let rc = message.payload.withUnsafeBytes { bytes in
            mosquitto_publish_v5(handle, &mid, message.topic, Int32(bytes.count), bytes.baseAddress,
                                 Int32(message.qos.rawValue), message.retain, nil)
        }
        loop.wake()
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            let kind: MQTTError.Kind = rc == MOSQ_ERR_NO_CONN.rawValue ? .notConnected : .library(rc)
            completion(.failure(MQTTError(kind, "publish to '\(message.topic)': \(Self.describe(rc))")))
            return
        }
        let early = state.withLock { state -> Int32? in
            if let reason = state.earlyPublishAcks.removeValue(forKey: mid) { return reason }
            state.publishWaiters[mid] = completion
            return nil
        }
        if let early { Self.completePublish(completion, reasonCode: early, topic: message.topic) }
    }

    func handlePublishAck(mid: Int32, reasonCode: Int32) {
        let waiter = state.withLock { state -> PublishCompletion? in
            if let waiter = state.publishWaiters.removeValue(forKey: mid) { return waiter }
            if !state.userDisconnected { state.earlyPublishAcks[mid] = reasonCode }
            return nil
        }
        if let waiter { Self.completePublish(waiter, reasonCode: reasonCode, topic: nil) }
    }

    static func completePublish(_ completion: PublishCompletion, reasonCode: Int32, topic: String?) {
        if reasonCode >= 0x80 {
            let reason = String(cString: mosquitto_reason_string(reasonCode))
            completion(.failure(MQTTError(.library(reasonCode), "broker rejected publish\(topic.map { " to '\($0)'" } ?? ""): \(reason)")))
        } else {
            completion(.success(()))
        }
    }
}
