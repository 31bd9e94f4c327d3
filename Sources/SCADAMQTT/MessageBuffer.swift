import Foundation

/// A bounded FIFO between the network thread (producer) and one async consumer.
///
/// `push` never blocks: the network thread checks ``isFull`` before it reads more from the socket and
/// stops reading while the buffer is full (TCP pushes back and the broker keeps queuing for a persistent
/// session), yet it keeps the connection alive. `onSpace` is called when the consumer makes room again.
/// At most what one read of the socket delivers goes past the capacity. Nothing is ever dropped.
final class MessageBuffer: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private let onSpace: @Sendable () -> Void
    private var storage: [MQTTMessage] = []
    private var head = 0
    private var waiter: CheckedContinuation<Void, Never>?
    private var closed = false

    init(capacity: Int, onSpace: @escaping @Sendable () -> Void = {}) {
        self.capacity = max(1, capacity)
        self.onSpace = onSpace
        storage.reserveCapacity(min(self.capacity, 4096))
    }

    private var count: Int { storage.count - head }

    /// Whether the network thread should stop reading until the consumer makes room.
    var isFull: Bool {
        condition.lock()
        defer { condition.unlock() }
        return count >= capacity
    }

    /// Appends `message`. Returns false once closed.
    @discardableResult
    func push(_ message: MQTTMessage) -> Bool {
        condition.lock()
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
        guard count > 0 else { condition.unlock(); return closed ? [] : nil }
        let wasFull = count >= capacity
        defer {
            let madeRoom = wasFull && count < capacity
            condition.unlock()
            if madeRoom { onSpace() }
        }
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

    /// Ends the stream: pending messages are still delivered, then `next` returns empty.
    func close() {
        condition.lock()
        closed = true
        let resume = waiter
        waiter = nil
        condition.unlock()
        resume?.resume()
    }

    var depth: Int {
        condition.lock()
        defer { condition.unlock() }
        return count
    }
}

/// The messages an ``MQTTClient`` receives, in arrival order. Single consumer.
public struct MQTTMessages: AsyncSequence, Sendable {
    public typealias Element = MQTTMessage
    let buffer: MessageBuffer

    /// Takes one message at a time from the buffer, so that a loop that stops iterating (`break`) leaves
    /// every message it has not seen in the buffer for the next reader. (Use ``nextBatch(max:)`` for speed.)
    public struct AsyncIterator: AsyncIteratorProtocol {
        let buffer: MessageBuffer

        public mutating func next() async -> MQTTMessage? {
            await buffer.next(max: 1).first
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: buffer) }

    /// Up to `max` messages at once (at least one), or empty when the client was disconnected.
    public func nextBatch(max: Int) async -> [MQTTMessage] { await buffer.next(max: max) }
}
