import CMosquitto

extension MQTTConnection {
    func publish(_ message: MQTTMessage, completion: @escaping @Sendable (Result<Void, any Error>) -> Void) {
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
