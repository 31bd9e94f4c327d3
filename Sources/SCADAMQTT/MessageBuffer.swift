import Foundation

/// A bounded FIFO between libmosquitto's network thread (producer) and one async consumer.
///
/// When full, `push` blocks the network thread: the socket is no longer read, TCP pushes back,
/// and the broker keeps queuing for a persistent session. Nothing is ever dropped.
final class MessageBuffer: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var storage: [MQTTMessage] = []
    private var head = 0
    private var waiter: CheckedContinuation<Void, Never>?
    private var closed = false
    private var draining = false

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        storage.reserveCapacity(min(self.capacity, 4096))
    }

    private var count: Int { storage.count - head }

    /// Appends `message`, waiting while the buffer is full. Returns false once closed.
    @discardableResult
    func push(_ message: MQTTMessage) -> Bool {
        condition.lock()
        while count >= capacity && !closed && !draining { condition.wait() }
        guard !closed else { condition.unlock(); return false }
        storage.append(message)
        let resume = waiter
        waiter = nil
        condition.unlock()
        resume?.resume()
        return true
    }

    /// Up to `max` messages, waiting until at least one is there; empty once closed and drained,
    /// or when the calling task is cancelled.
    func next(max: Int) async -> [MQTTMessage] {
        while true {
            if let batch = take(max: max) { return batch }
            if Task.isCancelled { return [] }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    if !wait(continuation) { continuation.resume() }
                }
            } onCancel: {
                wakeConsumer()
            }
        }
    }

    /// The next batch; empty when closed and drained; nil when the consumer must wait.
    private func take(max: Int) -> [MQTTMessage]? {
        condition.lock()
        defer { condition.unlock() }
        guard count > 0 else { return closed ? [] : nil }
        let end = Swift.min(storage.count, head + Swift.max(1, max))
        let batch = Array(storage[head..<end])
        head = end
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 4096 && head * 2 > storage.count {
            storage.removeFirst(head)
            head = 0
        }
        condition.broadcast()
        return batch
    }

    /// Registers the consumer's continuation unless something arrived meanwhile (then returns false).
    private func wait(_ continuation: CheckedContinuation<Void, Never>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard count == 0 && !closed else { return false }
        waiter = continuation
        return true
    }

    /// Resumes a waiting consumer (used when its task is cancelled).
    private func wakeConsumer() {
        condition.lock()
        let resume = waiter
        waiter = nil
        condition.unlock()
        resume?.resume()
    }

    /// Lets `push` go past the capacity instead of blocking: used while the network thread stops, so that
    /// a message the broker already counts as delivered is kept even if nobody consumes any more.
    func stopBlocking() {
        condition.lock()
        draining = true
        condition.broadcast()
        condition.unlock()
    }

    /// Ends the stream: pending messages are still delivered, then `next` returns empty.
    func close() {
        condition.lock()
        closed = true
        let resume = waiter
        waiter = nil
        condition.broadcast()
        condition.unlock()
        resume?.resume()
    }

    var depth: Int {
        condition.lock()
        defer { condition.unlock() }
        return count
    }
}

/// The messages an `MQTTClient` receives, in arrival order. Single consumer.
public struct MQTTMessages: AsyncSequence, Sendable {
    public typealias Element = MQTTMessage
    let buffer: MessageBuffer

    public struct AsyncIterator: AsyncIteratorProtocol {
        let buffer: MessageBuffer
        var pending: [MQTTMessage] = []
        var index = 0

        public mutating func next() async -> MQTTMessage? {
            if index >= pending.count {
                pending = await buffer.next(max: 256)
                index = 0
                if pending.isEmpty { return nil }
            }
            defer { index += 1 }
            return pending[index]
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: buffer) }

    /// Up to `max` messages at once (at least one), or empty when the client was disconnected.
    public func nextBatch(max: Int) async -> [MQTTMessage] { await buffer.next(max: max) }
}
