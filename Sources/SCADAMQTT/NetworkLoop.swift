import CMosquitto
import Foundation
import Synchronization

/// The client's network thread, driving libmosquitto through `mosquitto_loop_read/write/misc`. It owns the
/// libmosquitto handle: the handle is destroyed with the loop, after the thread has ended.
///
/// libmosquitto's own thread (`mosquitto_loop_start`) waits in `pselect` before every packet it reads and
/// is woken through a socket pair for every packet it queues: for a stream of QoS 1 messages that is
/// about eight system calls per message. This loop polls once, then reads packet after packet while they
/// keep arriving, and writes what was queued (acknowledgements, publishes) after each burst. Publishes from
/// other threads wake it through an eventfd, only when it is actually waiting. It reconnects by itself
/// with capped exponential backoff until ``stop()``.
///
/// Backpressure: while the receive buffer is full the loop reads nothing (TCP pushes back, the broker
/// queues), but the session stays alive: it keeps writing, and it sends PINGREQs itself (libmosquitto's own
/// keepalive would give up waiting for a PINGRESP that sits behind unread messages).
final class NetworkLoop: @unchecked Sendable {
    private let handle: OpaquePointer
    private let wakeDescriptor: Int32
    private let minimumDelay: Double
    private let maximumDelay: Double
    private let pingInterval: Double
    /// Whether PINGREQs may be written straight to the socket while reading is paused (not over TLS).
    private let rawPings: Bool
    /// Whether the loop is (about to be) blocked in `poll`: then a new outgoing packet must wake it.
    private let waiting = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private let exited = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((true, []))
    /// Says whether the receiver can take more messages (set once by the connection).
    nonisolated(unsafe) var canReceive: @Sendable () -> Bool = { true }
    /// Says whether what libmosquitto queued (the acknowledgements of what was read) may be written
    /// (set once by the connection for ``MQTTAcknowledgement/afterProcessing``; always for `onReceipt`).
    nonisolated(unsafe) var acknowledgementsReleased: @Sendable () -> Bool = { true }
    /// ``MQTTAcknowledgement/afterProcessing``: once released, what is queued is written at once (set once).
    nonisolated(unsafe) var acknowledgesAfterProcessing = false
    /// Longest a graceful stop waits for ``acknowledgementsReleased`` (seconds).
    private let drainTimeout: Double
    /// A write left part of a packet unwritten: nothing may be put on the socket but libmosquitto's next
    /// write (loop thread only).
    nonisolated(unsafe) private var writeInProgress = false
    /// Callbacks libmosquitto made so far (only touched on the loop thread): tells whether a read made progress.
    nonisolated(unsafe) var callbacks = 0
    /// Failed connection attempts since the broker last accepted one (only touched on the loop thread).
    nonisolated(unsafe) private var failures = 0

    /// Packets read in one burst before acknowledgements are written and the keepalive is checked.
    static let burst = 512
    /// Longest wait before the acknowledgements of what was read are written (seconds).
    static let acknowledgementDelay = 0.001
    /// Packets read after which their acknowledgements are written without waiting longer.
    static let acknowledgementBatch = 64
    /// Longest a graceful stop waits for the socket to take what is queued (seconds).
    static let stopTimeout = 2.0
    /// Packets read since the last write, and when what they queued must be written (loop thread only).
    nonisolated(unsafe) private var unwritten = 0
    nonisolated(unsafe) private var acknowledgementDeadline: Double?
    /// Reading was paused and the socket is not read empty yet: libmosquitto's keepalive check (which
    /// would miss a PINGRESP still behind unread messages) waits until it is (loop thread only).
    nonisolated(unsafe) private var catchingUp = false
    nonisolated(unsafe) private var nextRawPing = 0.0

    init(handle: OpaquePointer, reconnect: MQTTReconnectPolicy, keepAlive: Int, rawPings: Bool, drainTimeout: Duration) {
        self.handle = handle
        self.rawPings = rawPings
        self.drainTimeout = max(0, Self.seconds(drainTimeout))
        wakeDescriptor = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        minimumDelay = max(0.05, Self.seconds(reconnect.minimumDelay))
        maximumDelay = max(minimumDelay, Self.seconds(reconnect.maximumDelay))
        pingInterval = max(0.5, Double(keepAlive) / 2)
    }

    deinit {
        // The thread holds the connection (and so this loop) until it has ended: nothing runs inside
        // libmosquitto any more.
        mosquitto_destroy(handle)
        if wakeDescriptor >= 0 { close(wakeDescriptor) }
    }

    /// Starts the thread (again after a ``stop()``). The thread holds `owner` strongly until it ends, so
    /// the target of libmosquitto's callbacks outlives every callback.
    func start(retaining owner: any AnyObject & Sendable) {
        stopping.store(false, ordering: .sequentiallyConsistent)
        exited.withLock { $0.done = false }
        let thread = Thread { [self, owner] in
            run()
            withExtendedLifetime(owner) {}
        }
        thread.name = "mqtt-network"
        thread.start()
    }

    /// Wakes the loop if it is waiting, so that a packet queued from another thread is written now.
    func wake() {
        guard waiting.load(ordering: .sequentiallyConsistent) else { return }
        signal()
    }

    /// Asks the loop to end gracefully (see ``stop()``) without waiting for it.
    func requestStop() {
        stopping.store(true, ordering: .sequentiallyConsistent)
        signal()
    }

    /// Ends the loop gracefully and waits until it has: nothing more is read; what is queued (the
    /// acknowledgements of every message read) is written, then DISCONNECT (at most ``stopTimeout`` later).
    func stop() async {
        requestStop()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = exited.withLock { state -> Bool in
                if !state.done { state.waiters.append(continuation) }
                return state.done
            }
            if done { continuation.resume() }
        }
    }

    private func signal() {
        var one: UInt64 = 1
        _ = write(wakeDescriptor, &one, 8)
    }

    // MARK: The thread

    /// The broker accepted a connection (called from the CONNACK callback, on the loop thread): the next
    /// reconnect starts again from the shortest delay.
    func connectionAccepted() { failures = 0 }

    private func run() {
        while !stopping.load(ordering: .sequentiallyConsistent) {
            let socket = mosquitto_socket(handle)
            if socket < 0 {
                let delay = min(maximumDelay, minimumDelay * pow(2, Double(min(failures, 30))))
                failures += 1
                sleep(seconds: delay)
                if stopping.load(ordering: .sequentiallyConsistent) { break }
                catchingUp = false
                _ = mosquitto_reconnect(handle)
                continue
            }
            _ = serve(socket)
            // On an error libmosquitto has closed the socket and called the disconnect callback; the next
            // turn reconnects (or ends when stopping).
        }
        finishGracefully()
        let waiters = exited.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.done = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Writes what is queued, then DISCONNECT, without reading anything more: every message read so far is
    /// acknowledged, and nothing is read (or acknowledged) after the stop began.
    ///
    /// The socket is then closed the orderly way: half-closed for writing, read (and discarded) until the
    /// broker closes its end. Closing it while unread messages sit in its receive queue would send a TCP
    /// reset, and a reset makes the broker's kernel discard what the broker has not read yet — our last
    /// acknowledgements — so it would send those messages again. (Over TLS libmosquitto writes DISCONNECT
    /// and closes the socket itself.)
    private func finishGracefully() {
        guard mosquitto_socket(handle) >= 0 else {
            mosquitto_disconnect_v5(handle, 0, nil)   // forgets a connection attempt in progress
            return
        }
        guard waitUntilReleased(until: Self.now() + drainTimeout) else {
            // What was read is not all processed: its acknowledgements stay unwritten and the broker keeps
            // those messages for the next session (or sends them to another member of a shared group).
            abandonQueued()
            return
        }
        let deadline = Self.now() + Self.stopTimeout
        writeQueued(until: deadline)
        guard rawPings, !mosquitto_want_write(handle) else {
            mosquitto_disconnect_v5(handle, 0, nil)
            writeQueued(until: deadline)   // libmosquitto closes the socket once DISCONNECT is written
            return
        }
        closeOrderly()
    }

    /// Waits (woken by the application's acknowledgements) until everything read is processed, or `deadline`.
    private func waitUntilReleased(until deadline: Double) -> Bool {
        while true {
            waiting.store(true, ordering: .sequentiallyConsistent)
            if acknowledgementsReleased() { waiting.store(false, ordering: .sequentiallyConsistent); return true }
            let left = deadline - Self.now()
            guard left > 0, mosquitto_socket(handle) >= 0 else { waiting.store(false, ordering: .sequentiallyConsistent); return false }
            var descriptor = pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, Int32(min(100, max(1, left * 1000)))) > 0 {
                var count: UInt64 = 0
                _ = read(wakeDescriptor, &count, 8)
            }
            waiting.store(false, ordering: .sequentiallyConsistent)
        }
    }

    /// Ends the connection without writing what libmosquitto queued (unreleased acknowledgements): a raw
    /// DISCONNECT (so no will is published) and an orderly close; over TLS, or with a packet half written,
    /// the socket is just closed (the broker then publishes the will, if any).
    private func abandonQueued() {
        if rawPings, !writeInProgress {
            closeOrderly()
        } else {
            let socket = mosquitto_socket(handle)
            if socket >= 0 { shutdown(socket, Int32(SHUT_RDWR)) }
            mosquitto_disconnect_v5(handle, 0, nil)
            _ = mosquitto_loop_read(handle, 1)
        }
    }

    /// Writes DISCONNECT straight to the socket, half-closes it and reads until the broker closes its end.
    private func closeOrderly() {
        let socket = mosquitto_socket(handle)
        guard socket >= 0 else { return }
        let deadline = Self.now() + Self.stopTimeout
        // DISCONNECT with reason "normal" and no properties (the same two bytes in MQTT 3.1.1 and 5).
        var disconnectPacket: (UInt8, UInt8) = (0xE0, 0x00)
        _ = withUnsafeBytes(of: &disconnectPacket) { send(socket, $0.baseAddress, 2, Int32(MSG_NOSIGNAL)) }
        shutdown(socket, Int32(SHUT_WR))
        var scratch = [UInt8](repeating: 0, count: 65_536)
        while Self.now() < deadline {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) >= 0 else { break }
            guard descriptor.revents != 0 else { continue }
            let count = scratch.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) { break }
        }
        // The broker has closed its end: libmosquitto reads the end of the stream and closes the socket.
        mosquitto_disconnect_v5(handle, 0, nil)
        _ = mosquitto_loop_read(handle, 1)
    }

    /// Writes queued packets until none is left, the socket is closed, or `deadline`.
    private func writeQueued(until deadline: Double) {
        while true {
            let socket = mosquitto_socket(handle)
            guard socket >= 0, mosquitto_want_write(handle) else { writeInProgress = false; return }
            let left = deadline - Self.now()
            guard left > 0 else { return }
            var descriptor = pollfd(fd: socket, events: Int16(POLLOUT), revents: 0)
            if poll(&descriptor, 1, Int32(min(100, max(1, left * 1000)))) > 0 {
                writeInProgress = true
                if mosquitto_loop_write(handle, 1) != MOSQ_ERR_SUCCESS.rawValue { return }
            }
        }
    }

    /// One turn on a connected (or connecting) socket: wait, read a burst, write, check the keepalive.
    ///
    /// What reading queued (acknowledgements of received messages) is written at most ``acknowledgementDelay``
    /// later, or at once when ``acknowledgementBatch`` packets were read meanwhile, in as few TCP segments as
    /// possible: at a steady moderate rate every message arrives alone, and one segment (and one wake-up of
    /// the broker) per acknowledgement would cost more than everything else. A receiver's ingestion is not
    /// delayed by it, and at-least-once is unchanged (libmosquitto acknowledges on reading, either way).
    /// Packets queued by other threads (publishes, subscriptions) are written at once.
    private func serve(_ socket: Int32) -> Int32 {
        var descriptors = [pollfd(fd: socket, events: 0, revents: 0),
                           pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)]
        var timeout: Int32 = 1000
        if let deadline = acknowledgementDeadline {
            timeout = Int32(max(0, ((deadline - Self.now()) * 1000).rounded(.up)))
        }
        waiting.store(true, ordering: .sequentiallyConsistent)
        // Checked after announcing the wait: room made (or a packet queued) before this point is seen here,
        // after it the eventfd is signalled. (Not while acknowledgements wait on purpose: the socket is writable.)
        let paused = !canReceive()
        // Also checked after announcing the wait: the application's acknowledgement that releases the queue wakes us.
        let holding = !acknowledgementsReleased()
        if paused {
            if !catchingUp { nextRawPing = Self.now() + pingInterval }
            catchingUp = true
        } else {
            descriptors[0].events |= Int16(POLLIN)
        }
        if paused || holding {
            timeout = min(timeout, Int32(max(0, ((nextRawPing - Self.now()) * 1000).rounded(.up))))
        }
        if acknowledgementDeadline == nil, !holding, mosquitto_want_write(handle) { descriptors[0].events |= Int16(POLLOUT) }
        let ready = poll(&descriptors, 2, timeout)
        waiting.store(false, ordering: .sequentiallyConsistent)
        var woken = false
        if ready > 0, descriptors[1].revents & Int16(POLLIN) != 0 {
            var count: UInt64 = 0
            _ = read(wakeDescriptor, &count, 8)
            woken = true
        }
        if stopping.load(ordering: .sequentiallyConsistent) { return MOSQ_ERR_SUCCESS.rawValue }
        var rc = MOSQ_ERR_SUCCESS.rawValue
        var packets = 0
        if !paused, ready > 0, descriptors[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
            var drained = false
            while packets < Self.burst && canReceive() {
                let before = callbacks
                rc = mosquitto_loop_read(handle, 1)
                // No callback: nothing complete was read (or a packet without one); wait for the socket again.
                if rc != MOSQ_ERR_SUCCESS.rawValue || callbacks == before { drained = true; break }
                packets += 1
            }
            if drained { catchingUp = false }
        } else if paused, descriptors[0].revents & Int16(POLLHUP | POLLERR) != 0 {
            rc = mosquitto_loop_read(handle, 1)   // lets libmosquitto see the closed connection
        }
        unwritten += packets
        let released = acknowledgementsReleased()
        if rc == MOSQ_ERR_SUCCESS.rawValue, mosquitto_socket(handle) >= 0, mosquitto_want_write(handle), !released {
            // Held until everything read is processed (the application's last acknowledgement wakes the loop).
            unwritten = 0
            acknowledgementDeadline = nil
        } else if rc == MOSQ_ERR_SUCCESS.rawValue, mosquitto_socket(handle) >= 0, mosquitto_want_write(handle) {
            let now = Self.now()
            if woken || paused || acknowledgesAfterProcessing || unwritten == 0 || unwritten >= Self.acknowledgementBatch
                || now >= acknowledgementDeadline ?? .infinity {
                // libmosquitto writes each packet on its own: corked, they leave in as few segments as possible.
                let cork = unwritten > 1 || acknowledgesAfterProcessing
                if cork { setCork(socket, true) }
                writeInProgress = true
                rc = mosquitto_loop_write(handle, 1)
                if mosquitto_socket(handle) >= 0 {
                    if cork { setCork(socket, false) }
                    writeInProgress = mosquitto_want_write(handle)
                }
                nextRawPing = now + pingInterval
                unwritten = 0
                acknowledgementDeadline = nil
            } else if acknowledgementDeadline == nil {
                acknowledgementDeadline = now + Self.acknowledgementDelay
            }
        } else {
            unwritten = 0
            acknowledgementDeadline = nil
        }
        guard rc == MOSQ_ERR_SUCCESS.rawValue, mosquitto_socket(handle) >= 0 else { return rc }
        if (catchingUp || !released) && rawPings {
            keepSessionAlive(socket, holding: !released)
        } else {
            rc = mosquitto_loop_misc(handle)
        }
        return rc
    }

    /// While reading is paused (or catching up after a pause): a PINGREQ every half keepalive, written
    /// straight to the socket between packets, so the broker keeps the connection although nothing else
    /// goes out. Its PINGRESP is read later, in order, and libmosquitto takes it as any other.
    /// While acknowledgements are held (`holding`) the queue holds only whole packets, unless a write left
    /// one half written.
    private func keepSessionAlive(_ socket: Int32, holding: Bool) {
        let now = Self.now()
        guard now >= nextRawPing, holding ? !writeInProgress : !mosquitto_want_write(handle) else { return }
        var pingRequest: (UInt8, UInt8) = (0xC0, 0x00)
        _ = withUnsafeBytes(of: &pingRequest) { send(socket, $0.baseAddress, 2, Int32(MSG_NOSIGNAL)) }
        nextRawPing = now + pingInterval
    }

    private func setCork(_ socket: Int32, _ on: Bool) {
        var value: Int32 = on ? 1 : 0
        _ = setsockopt(socket, Int32(IPPROTO_TCP), TCP_CORK, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Waits `seconds`, or less if woken.
    private func sleep(seconds: Double) {
        var descriptor = pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)
        waiting.store(true, ordering: .sequentiallyConsistent)
        if !stopping.load(ordering: .sequentiallyConsistent), poll(&descriptor, 1, Int32(seconds * 1000)) > 0 {
            var count: UInt64 = 0
            _ = read(wakeDescriptor, &count, 8)
        }
        waiting.store(false, ordering: .sequentiallyConsistent)
    }

    private static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
