/// The messages of a ``KafkaConsumer``, one by one, fetched in batches of at most `maxPollRecords`.
///
/// Single consumer: iterate from one task. Messages fetched but not yet handed out stay with the
/// consumer, so a new iterator (or ``KafkaConsumer/poll(maxMessages:timeout:)``) continues with them.
public struct KafkaConsumerMessages: AsyncSequence, Sendable {
    public typealias Element = KafkaConsumerMessage

    let consumer: KafkaConsumer

    public struct AsyncIterator: AsyncIteratorProtocol {
        let consumer: KafkaConsumer

        public mutating func next() async throws -> KafkaConsumerMessage? {
            try await consumer.nextMessage()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(consumer: consumer)
    }
}
