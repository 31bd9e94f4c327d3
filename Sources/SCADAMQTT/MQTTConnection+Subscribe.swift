import CMosquitto

extension MQTTConnection {
    func subscribe(_ subscriptions: [(filter: String, qos: MQTTQoS)]) async throws {
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
                    state.subscribeWaiters[mid] = (filter, continuation)
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

    func unsubscribe(_ filter: String) async throws {
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
        enum Owner {
            case waiter(CheckedContinuation<[Int32], any Error>)
            case resubscription(String, [CheckedContinuation<[Int32], any Error>])
            case early
        }
        let owner = state.withLock { state -> Owner in
            if let resubscription = state.resubscriptions.removeValue(forKey: mid) {
                return .resubscription(resubscription.filter, resubscription.waiters)
            }
            if let waiter = state.subscribeWaiters.removeValue(forKey: mid) { return .waiter(waiter.continuation) }
            state.earlySubscribeAcks[mid] = granted
            return .early
        }
        switch owner {
        case .waiter(let waiter): waiter.resume(returning: granted)
        case .resubscription(let filter, let waiters):
            for waiter in waiters { waiter.resume(returning: granted) }
            if let code = granted.first, code >= 0x80 {
                logger.error("re-subscription refused after reconnect", metadata: [
                    "filter": "\(filter)", "reason": "\(String(cString: mosquitto_reason_string(code)))"])
            }
        case .early: break
        }
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
