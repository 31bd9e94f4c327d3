import CMosquitto
import Foundation
import Logging
import Synchronization

/// An MQTT 3.1.1 / 5 client over libmosquitto.
///
/// A network thread of our own (``NetworkLoop``, over libmosquitto's `loop_read/write/misc`) does all socket
/// work; after the first `connect()` it reconnects by itself with capped exponential backoff, and this client
/// re-sends every subscription after each reconnect. Publishes at QoS ≥ 1 complete when the broker
/// acknowledges; a publish in flight when the connection drops is re-sent by libmosquitto after the
/// reconnect and completes then (it fails with `.connectionLost` only if `disconnect()` is called first).
public final class MQTTClient: @unchecked Sendable {
    public let configuration: MQTTConfiguration
    let logger: Logger
    let handle: OpaquePointer
    let buffer: MessageBuffer
    let state = Mutex(ClientState())
    let loop: NetworkLoop
    private let eventContinuation: AsyncStream<MQTTConnectionEvent>.Continuation

    /// Connection state changes, in order.
    public let events: AsyncStream<MQTTConnectionEvent>

    /// Received messages, in arrival order (single consumer).
    ///
    /// At-least-once note: libmosquitto acknowledges an incoming QoS 1 message (PUBACK) as soon as it
    /// has read it, before handing it to us; the buffer is therefore bounded and *blocks* the network
    /// thread when full instead of dropping, so the broker (not this process) holds what we cannot take yet.
    /// What sits in this buffer is lost only if the process dies.
    public var messages: MQTTMessages { MQTTMessages(buffer: buffer) }

    public init(configuration: MQTTConfiguration, logger: Logger = Logger(label: "mqtt")) throws {
        MosquittoLibrary.initializeOnce()
        self.configuration = configuration
        self.logger = logger
        self.buffer = MessageBuffer(capacity: configuration.receiveBufferCapacity)
        (events, eventContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(256))
        guard let handle = mosquitto_new(configuration.clientID, configuration.cleanSession, nil) else {
            throw MQTTError(.invalidConfiguration, "mosquitto_new failed (a persistent session needs a client id): errno \(errno)")
        }
        self.handle = handle
        loop = NetworkLoop(handle: handle, reconnect: configuration.reconnect)
        // Packets queued from other threads are written by the loop (woken through its eventfd), never by the caller.
        mosquitto_threaded_set(handle, true)
        do {
            try applyOptions()
        } catch {
            mosquitto_destroy(handle)
            throw error
        }
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        MosquittoCallbacks.install(on: handle)
    }

    deinit {
        buffer.close()
        // Callbacks still running on the network thread must not reach this client any more.
        mosquitto_user_data_set(handle, nil)
        mosquitto_disconnect(handle)
        let ended = state.withLock({ $0.loopStarted }) ? loop.stopAndWait() : true
        // Released on the network thread itself (from a callback): the loop is still inside libmosquitto,
        // so the handle is left to it rather than destroyed under its feet.
        if ended { mosquitto_destroy(handle) }
    }

    /// Whether the client currently has an accepted connection.
    public var isConnected: Bool { state.withLock { $0.connected } }

    /// Messages waiting in the receive buffer.
    public var bufferedMessageCount: Int { buffer.depth }

    // MARK: Connection

    /// Connects and waits for the broker's CONNACK. Afterwards the client reconnects by itself.
    /// On a timeout the network thread keeps trying in the background.
    public func connect() async throws {
        let alreadyStarted = state.withLock { state -> Bool in
            defer { state.loopStarted = true; state.userDisconnected = false }
            return state.loopStarted
        }
        if alreadyStarted, isConnected { return }
        let timeout = configuration.connectTimeout
        let waiterID = state.withLock { state -> Int in state.nextWaiterID += 1; return state.nextWaiterID }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            state.withLock { $0.connectWaiters[waiterID] = continuation }
            if !alreadyStarted {
                let rc = startConnection()
                if rc != MOSQ_ERR_SUCCESS.rawValue {
                    logger.debug("first connect attempt failed; retrying in the background", metadata: ["error": "\(Self.describe(rc))"])
                }
                loop.start()
            }
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                self?.resumeConnectWaiter(waiterID, with: .failure(MQTTError(
                    .timeout, "no CONNACK from \(self?.configuration.host ?? ""):\(self?.configuration.port ?? 0) within \(timeout)")))
            }
        }
    }

    /// Sends DISCONNECT (the broker does not publish the will), stops the network thread and ends `messages`
    /// after the messages already received.
    public func disconnect() async {
        let pending = state.withLock { state -> ClientState.Pending in
            state.userDisconnected = true
            state.connected = false
            return state.takeAllPending()
        }
        pending.fail(MQTTError(.connectionLost, "the client was disconnected"))
        // Messages that arrive until the network thread stops are kept (the broker counts them as
        // delivered), then the stream ends after them.
        buffer.stopBlocking()
        let started = state.withLock { $0.loopStarted }
        mosquitto_disconnect_v5(handle, 0, nil)
        if started { await loop.stop() }
        buffer.close()
        state.withLock { $0.loopStarted = false }
        eventContinuation.yield(.disconnected(reason: "disconnected by the client"))
    }

    /// Closes the socket without DISCONNECT, as a crash or a cable pull would: the broker publishes
    /// the will and the client reconnects. For tests and fault drills.
    public func simulateConnectionDrop() {
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
        let (waiters, resubscribe) = state.withLock { state -> ([CheckedContinuation<Void, any Error>], [Subscription]) in
            state.connected = true
            defer { state.connectWaiters.removeAll() }
            loop.connectionAccepted()
            return (Array(state.connectWaiters.values), state.subscriptions)
        }
        for subscription in resubscribe {
            mosquitto_subscribe_v5(handle, nil, subscription.filter, Int32(subscription.qos.rawValue), 0, nil)
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
        buffer.push(message)
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
