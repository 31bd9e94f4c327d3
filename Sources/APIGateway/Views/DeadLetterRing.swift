import Foundation
import SCADACore
import SCADAKafka
import Synchronization

/// The most recent rejects from `scada.deadletter`, with the reasons from their `scada-*` headers and a
/// preview of the original payload. Bounded: the oldest are forgotten first.
final class DeadLetterRing: Sendable {
    struct Entry: Sendable {
        var id: Int64
        var json: JSON
        /// UTC ms (the `scada-rejected-at` header, else the Kafka timestamp, else arrival).
        var rejectedAt: Int64
    }

    private let state = Mutex((entries: [Entry](), nextID: Int64(1)))
    let capacity: Int
    let previewBytes: Int

    init(capacity: Int, previewBytes: Int) {
        self.capacity = capacity
        self.previewBytes = previewBytes
    }

    func apply(_ message: KafkaConsumerMessage, now: Int64) {
        func header(_ name: String) -> String? {
            message.headers.first { $0.key == name }?.value.map { String(decoding: $0, as: UTF8.self) }
        }
        let rejectedAt = header(DeadLetter.rejectedAtHeader).flatMap { Int64($0) }
            ?? message.timestamp.map { Int64($0.timeIntervalSince1970 * 1000) } ?? now
        let preview = Array(message.value.prefix(previewBytes))
        let payload: (String, JSON)
        if let text = String(validating: preview, as: UTF8.self) {
            payload = ("payload", .string(text))
        } else {
            payload = ("payload_base64", .string(Data(preview).base64EncodedString()))
        }
        state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            let json = JSON.object([
                ("id", .int(id)), ("reason", .string(header(DeadLetter.reasonHeader) ?? "unknown")),
                ("detail", .optional(header(DeadLetter.detailHeader))), ("source", .optional(header(DeadLetter.sourceHeader))),
                ("service", .optional(header(DeadLetter.serviceHeader))), ("rejected_at", .int(rejectedAt)),
                ("rejected_at_iso", .string(ISOTime.string(milliseconds: rejectedAt))),
                ("key", .optional(message.key.map { String(decoding: $0, as: UTF8.self) })),
                ("partition", .int(Int64(message.partition))), ("offset", .int(message.offset)),
                ("payload_bytes", .int(Int64(message.value.count))), ("payload_truncated", .bool(message.value.count > previewBytes)),
                payload,
            ])
            state.entries.append(Entry(id: id, json: json, rejectedAt: rejectedAt))
            if state.entries.count > capacity { state.entries.removeFirst(state.entries.count - capacity) }
        }
    }

    /// Entries rejected at or after `since`, newest first, after the cursor id `before`, at most `limit`.
    func page(since: Int64?, before: Int64?, limit: Int) -> (entries: [Entry], more: Bool) {
        state.withLock { state in
            var result: [Entry] = []
            for entry in state.entries.reversed() {
                if let before, entry.id >= before { continue }
                if let since, entry.rejectedAt < since { continue }
                if result.count == limit { return (result, true) }
                result.append(entry)
            }
            return (result, false)
        }
    }
}
