import CMosquitto

/// The C callbacks libmosquitto calls on its network thread; each forwards to the `MQTTConnection`
/// stored as the handle's user data.
enum MosquittoCallbacks {
    static func install(on handle: OpaquePointer) {
        mosquitto_connect_v5_callback_set(handle) { _, object, rc, flags, _ in
            client(object)?.handleConnect(reasonCode: rc, sessionPresent: flags & 1 == 1)
        }
        mosquitto_disconnect_v5_callback_set(handle) { _, object, rc, _ in
            client(object)?.handleDisconnect(reasonCode: rc)
        }
        mosquitto_publish_v5_callback_set(handle) { _, object, mid, reason, _ in
            client(object)?.handlePublishAck(mid: mid, reasonCode: reason)
        }
        mosquitto_subscribe_v5_callback_set(handle) { _, object, mid, count, granted, _ in
            var codes: [Int32] = []
            if let granted, count > 0 {
                codes = Array(UnsafeBufferPointer(start: granted, count: Int(count)))
            }
            client(object)?.handleSubscribeAck(mid: mid, granted: codes)
        }
        mosquitto_unsubscribe_v5_callback_set(handle) { _, object, mid, _ in
            client(object)?.handleUnsubscribeAck(mid: mid)
        }
        mosquitto_message_v5_callback_set(handle) { _, object, message, _ in
            guard let message, let client = client(object) else { return }
            let raw = message.pointee
            let topic = raw.topic.map { String(cString: $0) } ?? ""
            var payload: [UInt8] = []
            if let bytes = raw.payload, raw.payloadlen > 0 {
                payload = Array(UnsafeRawBufferPointer(start: bytes, count: Int(raw.payloadlen)))
            }
            client.handleMessage(MQTTMessage(topic: topic, payload: payload,
                                             qos: MQTTQoS(rawValue: Int(raw.qos)) ?? .atMostOnce, retain: raw.retain))
        }
    }
}

/// The client stored as a handle's user data.
private func client(_ object: UnsafeMutableRawPointer?) -> MQTTConnection? {
    guard let object else { return nil }
    let client = Unmanaged<MQTTConnection>.fromOpaque(object).takeUnretainedValue()
    client.loop.callbacks &+= 1
    return client
}
