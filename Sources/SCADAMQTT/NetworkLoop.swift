import CMosquitto
import Foundation
import Synchronization

/// The client's network thread, driving libmosquitto through `mosquitto_loop_read/write/misc`.
///
/// libmosquitto's own thread (`mosquitto_loop_start`) waits in `pselect` before every packet it reads and
/// is woken through a socket pair for every packet it queues: for a stream of QoS 1 messages that is
/// about eight system calls per message. This loop polls once, then reads packet after packet while they
/// keep arriving, and writes what was queued (acknowledgements, publishes) after each burst. Publishes from
/// other threads wake it through an eventfd, only when it is actually waiting. It reconnects by itself
/// with capped exponential backoff until ``stop()``.
final class NetworkLoop: @unchecked Sendable {
    private let handle: OpaquePointer
    private let wakeDescriptor: Int32
    private let minimumDelay: Double
    private let maximumDelay: Double
    /// Whether the loop is (about to be) blocked in `poll`: then a new outgoing packet must wake it.
    private let waiting = Atomic<Bool>(false)
    private let stopping = Atomic<Bool>(false)
    private let exited = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))
    /// Callbacks libmosquitto made so far (only touched on the loop thread): tells whether a read made progress.
    nonisolated(unsafe) var callbacks = 0
    nonisolated(unsafe) private var thread: Thread?
    /// Failed connection attempts since the broker last accepted one (only touched on the loop thread).
    nonisolated(unsafe) private var failures = 0

    /// Packets read in one burst before acknowledgements are written and the keepalive is checked.
    static let burst = 512
    /// Longest wait before the acknowledgements of what was read are written (seconds).
    static let acknowledgementDelay = 0.001
    /// Packets read after which their acknowledgements are written without waiting longer.
    static let acknowledgementBatch = 64
    /// Packets read since the last write, and when what they queued must be written (loop thread only).
    nonisolated(unsafe) private var unwritten = 0
    nonisolated(unsafe) private var acknowledgementDeadline: Double?

    init(handle: OpaquePointer, reconnect: MQTTReconnectPolicy) {
        self.handle = handle
        wakeDescriptor = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        minimumDelay = max(0.05, Self.seconds(reconnect.minimumDelay))
        maximumDelay = max(minimumDelay, Self.seconds(reconnect.maximumDelay))
    }

    deinit {
        if wakeDescriptor >= 0 { close(wakeDescriptor) }
    }

    /// Starts the thread (again after a ``stop()``).
    func start() {
        stopping.store(false, ordering: .sequentiallyConsistent)
        exited.withLock { $0.done = false }
        let thread = Thread { [self] in run() }
        thread.name = "mqtt-network"
        self.thread = thread
        thread.start()
    }

    /// Wakes the loop if it is waiting, so that a packet queued from another thread is written now.
    func wake() {
        guard waiting.load(ordering: .sequentiallyConsistent) else { return }
        signal()
    }

    /// Asks the loop to end once the connection is closed (after a queued DISCONNECT was written, at most
    /// 2 s later), and waits until it has.
    func stop() async {
        stopping.store(true, ordering: .sequentiallyConsistent)
        signal()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = exited.withLock { state -> Bool in
                if !state.done { state.waiters.append(continuation) }
                return state.done
            }
            if done { continuation.resume() }
        }
    }

    /// ``stop()`` for `deinit`: blocks the calling thread until the loop has ended and returns true; returns
    /// false at once when called on the loop thread itself (the loop then ends after this turn).
    func stopAndWait() -> Bool {
        stopping.store(true, ordering: .sequentiallyConsistent)
        signal()
        guard Thread.current != thread else { return false }
        while exited.withLock({ !$0.done }) { usleep(1000) }
        return true
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
        var stopDeadline: Double?
        while true {
            if stopping.load(ordering: .sequentiallyConsistent) {
                let now = Self.now()
                if stopDeadline == nil { stopDeadline = now + 2 }
                if mosquitto_socket(handle) < 0 || now > stopDeadline ?? now { break }
            }
            let socket = mosquitto_socket(handle)
            if socket < 0 {
                let delay = min(maximumDelay, minimumDelay * pow(2, Double(min(failures, 30))))
                failures += 1
                sleep(seconds: delay)
                if stopping.load(ordering: .sequentiallyConsistent) { break }
                _ = mosquitto_reconnect(handle)
                continue
            }
            _ = serve(socket)
            // On an error libmosquitto has closed the socket and called the disconnect callback; the next
            // turn reconnects (or ends when stopping).
        }
        let waiters = exited.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.done = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
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
        var descriptors = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)]
        var timeout: Int32 = 1000
        if let deadline = acknowledgementDeadline {
            timeout = Int32(max(0, ((deadline - Self.now()) * 1000).rounded(.up)))
        }
        waiting.store(true, ordering: .sequentiallyConsistent)
        // Checked after announcing the wait: a packet queued before this point is seen here, one queued
        // after it signals the eventfd. (Not while acknowledgements wait on purpose: the socket is writable.)
        if acknowledgementDeadline == nil, mosquitto_want_write(handle) { descriptors[0].events |= Int16(POLLOUT) }
        let ready = poll(&descriptors, 2, timeout)
        waiting.store(false, ordering: .sequentiallyConsistent)
        var woken = false
        if ready > 0, descriptors[1].revents & Int16(POLLIN) != 0 {
            var count: UInt64 = 0
            _ = read(wakeDescriptor, &count, 8)
            woken = true
        }
        var rc = MOSQ_ERR_SUCCESS.rawValue
        var packets = 0
        if ready > 0, descriptors[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
            while packets < Self.burst {
                let before = callbacks
                rc = mosquitto_loop_read(handle, 1)
                // No callback: nothing complete was read (or a packet without one); wait for the socket again.
                if rc != MOSQ_ERR_SUCCESS.rawValue || callbacks == before { break }
                packets += 1
            }
        }
        unwritten += packets
        if rc == MOSQ_ERR_SUCCESS.rawValue, mosquitto_socket(handle) >= 0, mosquitto_want_write(handle) {
            let now = Self.now()
            if woken || unwritten == 0 || unwritten >= Self.acknowledgementBatch || now >= acknowledgementDeadline ?? .infinity {
                // libmosquitto writes each packet on its own: corked, they leave in as few segments as possible.
                let cork = unwritten > 1
                if cork { setCork(socket, true) }
                rc = mosquitto_loop_write(handle, 1)
                if cork, mosquitto_socket(handle) >= 0 { setCork(socket, false) }
                unwritten = 0
                acknowledgementDeadline = nil
            } else if acknowledgementDeadline == nil {
                acknowledgementDeadline = now + Self.acknowledgementDelay
            }
        } else {
            unwritten = 0
            acknowledgementDeadline = nil
        }
        if rc == MOSQ_ERR_SUCCESS.rawValue, mosquitto_socket(handle) >= 0 {
            rc = mosquitto_loop_misc(handle)
        }
        return rc
    }

    private func setCork(_ socket: Int32, _ on: Bool) {
        var value: Int32 = on ? 1 : 0
        _ = setsockopt(socket, Int32(IPPROTO_TCP), TCP_CORK, &value, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Waits `seconds`, or less if woken.
    private func sleep(seconds: Double) {
        var descriptor = pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0)
        waiting.store(true, ordering: .sequentiallyConsistent)
        if poll(&descriptor, 1, Int32(seconds * 1000)) > 0 {
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
