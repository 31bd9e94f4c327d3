import CMosquitto

extension MQTTClient {
    /// Subscribes to `filter` (wildcards `+`/`#` and MQTT 5 shared subscriptions `$share/GROUP/filter`)
    /// and waits for SUBACK. The subscription is re-sent after every reconnect.
    public func subscribe(_ filter: String, qos: MQTTQoS = .atLeastOnce) async throws {
        try await subscribe([(filter: filter, qos: qos)])
    }

    /// Subscribes to several filters, each waiting for its SUBACK.
    public func subscribe(_ subscriptions: [(filter: String, qos: MQTTQoS)]) async throws {
        for (filter, qos) in subscriptions {
            state.withLock { state in
                state.subscriptions.removeAll { $0.filter == filter }
                state.subscriptions.append(Subscription(filter: filter, qos: qos))
            }
            let granted = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[Int32], any Error>) in
                var mid: Int32 = 0
                let rc = mosquitto_subscribe_v5(handle, &mid, filter, Int32(qos.rawValue), 0, nil)
                loop.wake()
                guard rc == MOSQ_ERR_SUCCESS.rawValue else {
                    let kind: MQTTError.Kind = rc == MOSQ_ERR_NO_CONN.rawValue ? .notConnected : .library(rc)
                    continuation.resume(throwing: MQTTError(kind, "subscribe '\(filter)': \(Self.describe(rc))"))
                    return
                }
                let early = state.withLock { state -> [Int32]? in
                    if let codes = state.earlySubscribeAcks.removeValue(forKey: mid) { return codes }
                    state.subscribeWaiters[mid] = continuation
                    return nil
                }
                if let early { continuation.resume(returning: early) }
            }
            if let code = granted.first, code >= 0x80 {
                state.withLock { $0.subscriptions.removeAll { $0.filter == filter } }
                let reason = String(cString: mosquitto_reason_string(code))
                throw MQTTError(.subscriptionRefused, "subscription '\(filter)' refused: \(reason) (0x\(String(code, radix: 16)))")
            }
        }
    }

    /// Unsubscribes from `filter` and waits for UNSUBACK.
    public func unsubscribe(_ filter: String) async throws {
        state.withLock { $0.subscriptions.removeAll { $0.filter == filter } }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            var mid: Int32 = 0
            let rc = mosquitto_unsubscribe_v5(handle, &mid, filter, nil)
            loop.wake()
            guard rc == MOSQ_ERR_SUCCESS.rawValue else {
                continuation.resume(throwing: MQTTError(.library(rc), "unsubscribe '\(filter)': \(Self.describe(rc))"))
                return
            }
            let early = state.withLock { state -> Bool in
                if state.earlyUnsubscribeAcks.remove(mid) != nil { return true }
                state.unsubscribeWaiters[mid] = continuation
                return false
            }
            if early { continuation.resume() }
        }
    }

    func handleSubscribeAck(mid: Int32, granted: [Int32]) {
        let waiter = state.withLock { state -> CheckedContinuation<[Int32], any Error>? in
            if let waiter = state.subscribeWaiters.removeValue(forKey: mid) { return waiter }
            state.earlySubscribeAcks[mid] = granted
            return nil
        }
        waiter?.resume(returning: granted)
    }

    func handleUnsubscribeAck(mid: Int32) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            if let waiter = state.unsubscribeWaiters.removeValue(forKey: mid) { return waiter }
            state.earlyUnsubscribeAcks.insert(mid)
            return nil
        }
        waiter?.resume()
    }
}
