import CMosquitto
import Foundation
import Logging
import Synchronization

/// The state and libmosquitto handle behind an ``MQTTClient``; the target of every libmosquitto callback.
///
/// Lifetime: while its network thread runs, the thread holds this connection strongly, so a callback can
/// never reach a freed connection (the callbacks' user data is an unretained pointer to it, and they only
/// run on that thread). The handle belongs to the ``NetworkLoop`` and is destroyed with it, after the
/// thread has ended. Nothing here blocks in `deinit`.
final class MQTTConnection: @unchecked Sendable {
    let configuration: MQTTConfiguration
    let logger: Logger
    let handle: OpaquePointer
    let buffer: MessageBuffer
    let state = Mutex(ClientState())
    let loop: NetworkLoop
    /// Read and processed counts for ``MQTTAcknowledgement/afterProcessing``.
    let ledger = AcknowledgementLedger()
    private let eventContinuation: AsyncStream<MQTTConnectionEvent>.Continuation
    let events: AsyncStream<MQTTConnectionEvent>

    init(configuration: MQTTConfiguration, logger: Logger) throws {
        MosquittoLibrary.initializeOnce()
        self.configuration = configuration
        self.logger = logger
        (events, eventContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(256))
        guard let handle = mosquitto_new(configuration.clientID, configuration.cleanSession, nil) else {
            throw MQTTError(.invalidConfiguration, "mosquitto_new failed (a persistent session needs a client id): errno \(errno)")
        }
        self.handle = handle
        let loop = NetworkLoop(handle: handle, reconnect: configuration.reconnect, keepAlive: configuration.keepAlive,
                               rawPings: configuration.tls == nil, drainTimeout: configuration.processingDrainTimeout)
        self.loop = loop
        if configuration.acknowledgement == .afterProcessing {
            let ledger = ledger
            loop.acknowledgementsReleased = { ledger.released }
            loop.acknowledgesAfterProcessing = true
        }
        // The buffer wakes the loop weakly: the loop asks the buffer (strongly) whether it may read.
        let buffer = MessageBuffer(capacity: configuration.receiveBufferCapacity, onSpace: { [weak loop] in loop?.wake() })
        self.buffer = buffer
        loop.canReceive = { !buffer.isFull }
        // Packets queued from other threads are written by the loop (woken through its eventfd), never by the caller.
        mosquitto_threaded_set(handle, true)
        try applyOptions()
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        MosquittoCallbacks.install(on: handle)
    }

    /// The client was released without ``disconnect()``: fail what waits, end `messages`, and let the
    /// network thread disconnect and end by itself (it holds this connection until then).
    func release() {
        let (started, pending) = state.withLock { state -> (Bool, ClientState.Pending) in
            state.userDisconnected = true
            state.connected = false
            return (state.loopStarted, state.takeAllPending())
        }
        pending.fail(MQTTError(.connectionLost, "the client was released"))
        buffer.close()
        if started { loop.requestStop() }
    }

    var isConnected: Bool { state.withLock { $0.connected } }

    var bufferedMessageCount: Int { buffer.depth }

    // MARK: Connection

    func connect() async throws {
        let alreadyStarted = state.withLock { state -> Bool in
            defer { state.loopStarted = true; state.userDisconnected = false }
            return state.loopStarted
        }
        if alreadyStarted, isConnected { return }
        let timeout = configuration.connectTimeout
        let waiterID = state.withLock { state -> Int in state.nextWaiterID += 1; return state.nextWaiterID }
        let timedOut = MQTTError(.timeout, "no CONNACK from \(configuration.host):\(configuration.port) within \(timeout)")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await withTaskCancellationHandler {
                    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                        self.state.withLock { $0.connectWaiters[waiterID] = continuation }
                        // Cancelled before the waiter was registered: its handler found nothing to resume.
                        if Task.isCancelled { self.resumeConnectWaiter(waiterID, with: .failure(timedOut)) }
                        if !alreadyStarted {
                            let rc = self.startConnection()
                            if rc != MOSQ_ERR_SUCCESS.rawValue {
                                self.logger.debug("first connect attempt failed; retrying in the background",
                                                  metadata: ["error": "\(Self.describe(rc))"])
                            }
                            self.loop.start(retaining: self)
                        }
                    }
                } onCancel: {
                    self.resumeConnectWaiter(waiterID, with: .failure(timedOut))
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw timedOut
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// Graceful end: the network thread stops reading, writes everything already queued (the acknowledgements
    /// of every message read so far), then DISCONNECT (the broker does not publish the will), and ends;
    /// `messages` ends after the messages already received. Nothing read is left unacknowledged, and
    /// nothing is read after the acknowledgements were written, so a restart with the same persistent
    /// session gets neither a duplicate nor a gap.
    func disconnect() async {
        let (started, pending) = state.withLock { state -> (Bool, ClientState.Pending) in
            state.userDisconnected = true
            state.connected = false
            return (state.loopStarted, state.takeAllPending())
        }
        pending.fail(MQTTError(.connectionLost, "the client was disconnected"))
        if started { await loop.stop() }
        buffer.close()
        state.withLock { $0.loopStarted = false }
        eventContinuation.yield(.disconnected(reason: "disconnected by the client"))
    }

    func simulateConnectionDrop() {
        let socket = mosquitto_socket(handle)
        if socket >= 0 { shutdown(socket, Int32(SHUT_RDWR)) }
    }

    /// Sends the first CONNECT (with MQTT 5 session expiry for persistent sessions). libmosquitto keeps
    /// host, port and properties, so the network loop can reconnect even if this attempt fails.
    private func startConnection() -> Int32 {
        let c = configuration
        guard c.protocolVersion == .v5, !c.cleanSession else {
            return mosquitto_connect_bind_async(handle, c.host, Int32(c.port), Int32(c.keepAlive), nil)
        }
        var properties: OpaquePointer?
        let expiry = UInt32(clamping: c.sessionExpiryInterval.components.seconds)
        mosquitto_property_add_int32(&properties, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue), expiry)
        defer { mosquitto_property_free_all(&properties) }
        return mosquitto_connect_bind_v5(handle, c.host, Int32(c.port), Int32(c.keepAlive), nil, properties)
    }

    // MARK: Callbacks (network thread)

    func resumeConnectWaiter(_ id: Int, with result: Result<Void, MQTTError>) {
        let waiter = state.withLock { $0.connectWaiters.removeValue(forKey: id) }
        waiter?.resume(with: result.mapError { $0 as any Error })
    }

    func handleConnect(reasonCode: Int32, sessionPresent: Bool) {
        guard reasonCode == 0 else {
            let reason = configuration.protocolVersion == .v5
                ? String(cString: mosquitto_reason_string(reasonCode)) : String(cString: mosquitto_connack_string(reasonCode))
            logger.error("broker refused the connection", metadata: ["reason": "\(reason)"])
            let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
                defer { state.connectWaiters.removeAll() }
                return Array(state.connectWaiters.values)
            }
            for waiter in waiters { waiter.resume(throwing: MQTTError(.connectionRefused, reason)) }
            return
        }
        ledger.connectionAccepted()
        let (waiters, resubscribe, waitingSubscribes) = state.withLock { state in
            state.connected = true
            defer { state.connectWaiters.removeAll() }
            loop.connectionAccepted()
            let waiting = state.startConnection()
            return (Array(state.connectWaiters.values), state.subscriptions, waiting)
        }
        // Every re-subscription's message id is tracked, so its SUBACK is recognised as such and never
        // mistaken for the answer to a later subscribe() that reuses the id. (This runs on the network
        // thread, which is also the one that will read the SUBACK: it cannot arrive before it is recorded.)
        // A subscribe() whose SUBACK the old connection never delivered is answered by its re-subscription.
        for subscription in resubscribe {
            var mid: Int32 = 0
            let rc = mosquitto_subscribe_v5(handle, &mid, subscription.filter, Int32(subscription.qos.rawValue), 0, nil)
            let waiting = waitingSubscribes[subscription.filter] ?? []
            if rc == MOSQ_ERR_SUCCESS.rawValue {
                state.withLock { $0.resubscriptions[mid] = (subscription.filter, waiting) }
            } else {
                logger.error("re-subscription could not be sent", metadata: ["filter": "\(subscription.filter)",
                                                                            "error": "\(Self.describe(rc))"])
                let error = MQTTError(.library(rc), "re-subscription of '\(subscription.filter)': \(Self.describe(rc))")
                for waiter in waiting { waiter.resume(throwing: error) }
            }
        }
        // subscribe() calls for filters no longer subscribed (unsubscribed meanwhile) end here.
        for (filter, waiting) in waitingSubscribes where !resubscribe.contains(where: { $0.filter == filter }) {
            for waiter in waiting { waiter.resume(throwing: MQTTError(.connectionLost, "subscription '\(filter)' was dropped")) }
        }
        logger.info("connected", metadata: ["broker": "\(configuration.host):\(configuration.port)",
                                            "session_present": "\(sessionPresent)", "resubscribed": "\(resubscribe.count)"])
        eventContinuation.yield(.connected(sessionPresent: sessionPresent))
        for waiter in waiters { waiter.resume() }
    }

    func handleDisconnect(reasonCode: Int32) {
        let wasUser = state.withLock { state -> Bool in
            state.connected = false
            return state.userDisconnected
        }
        guard !wasUser else { return }
        let reason = Self.describe(reasonCode)
        logger.warning("connection lost; reconnecting", metadata: ["reason": "\(reason)"])
        eventContinuation.yield(.disconnected(reason: reason))
    }

    func handleMessage(_ message: MQTTMessage) {
        var message = message
        if configuration.acknowledgement == .afterProcessing { message.receipt = ledger.messageRead() }
        buffer.push(message)
    }

    /// The application processed a received message (``MQTTAcknowledgement/afterProcessing``).
    func acknowledge(_ receipt: MQTTReceipt) {
        if ledger.processed(receipt) { loop.wake() }
    }

    static func describe(_ rc: Int32) -> String {
        String(cString: mosquitto_strerror(rc))
    }

    // MARK: Options

    private func applyOptions() throws {
        let c = configuration
        let version = c.protocolVersion == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311
        try check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, Int32(version)), "protocol version")
        try check(mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, 1), "TCP_NODELAY")
        let inflight = Int32(clamping: min(max(c.maxInflightMessages, 1), 65_535))
        try check(mosquitto_int_option(handle, MOSQ_OPT_SEND_MAXIMUM, inflight), "send maximum")
        let receive = Int32(clamping: min(max(c.receiveBufferCapacity, 1), 65_535))
        try check(mosquitto_int_option(handle, MOSQ_OPT_RECEIVE_MAXIMUM, receive), "receive maximum")
        if let user = c.username {
            try check(mosquitto_username_pw_set(handle, user, c.password), "username/password")
        }
        if let tls = c.tls {
            if tls.caFile == nil {
                try check(mosquitto_int_option(handle, MOSQ_OPT_TLS_USE_OS_CERTS, 1), "TLS OS certificates")
            } else {
                try check(mosquitto_tls_set(handle, tls.caFile, nil, tls.certFile, tls.keyFile, nil), "TLS files")
            }
            if let version = tls.tlsVersion {
                try check(mosquitto_tls_opts_set(handle, 1, version, nil), "TLS version")
            }
            try check(mosquitto_tls_insecure_set(handle, tls.insecureSkipVerify), "TLS hostname check")
        }
        if let will = c.will {
            let rc = will.payload.withUnsafeBytes { bytes in
                mosquitto_will_set_v5(handle, will.topic, Int32(bytes.count), bytes.baseAddress,
                                      Int32(will.qos.rawValue), will.retain, nil)
            }
            try check(rc, "last will")
        }
    }

    private func check(_ rc: Int32, _ what: String) throws {
        guard rc == MOSQ_ERR_SUCCESS.rawValue else {
            throw MQTTError(.invalidConfiguration, "\(what): \(Self.describe(rc))")
        }
    }
}

/// Process-wide libmosquitto initialisation.
enum MosquittoLibrary {
    private static let initialized: Bool = {
        mosquitto_lib_init()
        return true
    }()

    static func initializeOnce() { _ = initialized }
}
