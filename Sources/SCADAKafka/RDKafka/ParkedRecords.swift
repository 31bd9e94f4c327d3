import Synchronization

/// Records that librdkafka refused at once because their topic or partition is missing: a broker that lost
/// its topics (tansu on memory storage, restarted) shows them with 0 partitions until they are recreated.
/// They wait here, in enqueue order, and are produced again after each poll until their deadline. While any
/// wait, new records join the end instead of overtaking them, so the order per key is kept.
final class ParkedRecords: Sendable {
    struct Entry: Sendable {
        let id: UInt
        let record: KafkaProducerRecord
        let until: UInt64
    }

    enum Outcome {
        case produced, parked
        case failed(KafkaError)
    }

    private let entries = Mutex<[Entry]>([])

    var count: Int { entries.withLock { $0.count } }

    /// Produces `record` with `produce`, or parks it behind the waiting ones, or when its topic or partition
    /// is missing and `until` has not passed.
    func produceInOrder(_ entry: Entry, now: UInt64,
                        produce: (KafkaProducerRecord, UInt) throws(KafkaError) -> Void) -> Outcome {
        entries.withLock { entries -> Outcome in
            guard entries.isEmpty else {
                entries.append(entry)
                return .parked
            }
            do throws(KafkaError) {
                try produce(entry.record, entry.id)
                return .produced
            } catch {
                if error.kind == .unknownTopic, now < entry.until {
                    entries.append(entry)
                    return .parked
                }
                return .failed(error)
            }
        }
    }

    /// Produces the waiting records in order until one is refused for a missing topic again (it and the rest
    /// keep waiting). Returns how many were produced and those that failed (other errors, or past their deadline).
    func retry(now: UInt64, produce: (KafkaProducerRecord, UInt) throws(KafkaError) -> Void)
        -> (produced: Int, failed: [(id: UInt, error: KafkaError)]) {
        entries.withLock { entries in
            var produced = 0
            var failed: [(id: UInt, error: KafkaError)] = []
            var index = 0
            while index < entries.count {
                let entry = entries[index]
                do throws(KafkaError) {
                    try produce(entry.record, entry.id)
                    produced += 1
                } catch {
                    guard error.kind != .unknownTopic || now >= entry.until else { break }
                    failed.append((entry.id, error))
                }
                index += 1
            }
            entries.removeFirst(index)
            return (produced, failed)
        }
    }

    /// Forgets every waiting record (the producer hands them to a new handle, or shuts down).
    func removeAll() { entries.withLock { $0.removeAll() } }
}
