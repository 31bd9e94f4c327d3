import Synchronization

/// When the client acknowledges (PUBACK) a received QoS 1 message to the broker.
public enum MQTTAcknowledgement: Sendable, Equatable {
    /// As soon as the message is read (libmosquitto's own behaviour): a process that dies with messages in its
    /// receive buffer loses them, because the broker has already forgotten them.
    case onReceipt
    /// Only once the application called ``MQTTClient/acknowledge(_:)`` for every message read on the
    /// connection so far. Until then nothing is written to the broker but PINGREQs, so a process that dies
    /// (or a connection that drops) leaves every unprocessed message with the broker, which sends it again.
    /// The broker's window of unacknowledged messages is the receive maximum (``MQTTConfiguration/receiveBufferCapacity``).
    case afterProcessing
}

/// Identifies the connection a received message came on, for ``MQTTClient/acknowledge(_:)``. Messages the
/// application creates itself carry ``none``.
public struct MQTTReceipt: Sendable, Hashable {
    let connection: UInt64

    /// No receipt: acknowledging it does nothing.
    public static let none = MQTTReceipt(connection: 0)
}

/// Counts the messages read and processed on the current connection (``MQTTAcknowledgement/afterProcessing``).
/// libmosquitto queues the acknowledgement of each message as it reads it and can only write its queue as a
/// whole, so the queue is written when everything read so far is processed; the broker's receive maximum
/// bounds how far reading runs ahead. A reconnect starts a new count: libmosquitto drops what it had queued,
/// and the broker sends every unacknowledged message again.
final class AcknowledgementLedger: Sendable {
    private struct Counts {
        var connection: UInt64 = 0
        var read = 0
        var processed = 0
    }

    private let counts = Mutex(Counts())

    /// A new connection was accepted (loop thread, before any message on it is read).
    func connectionAccepted() {
        counts.withLock { counts in
            counts.connection &+= 1
            counts.read = 0
            counts.processed = 0
        }
    }

    /// A message was read (loop thread): its receipt.
    func messageRead() -> MQTTReceipt {
        counts.withLock { counts in
            counts.read += 1
            return MQTTReceipt(connection: counts.connection)
        }
    }

    /// The application processed a message; true when that made everything read so far processed.
    func processed(_ receipt: MQTTReceipt) -> Bool {
        counts.withLock { counts in
            guard receipt.connection == counts.connection, receipt != .none, counts.processed < counts.read else { return false }
            counts.processed += 1
            return counts.processed == counts.read
        }
    }

    /// Whether the acknowledgements queued so far may be written: everything read on this connection is processed.
    var released: Bool { counts.withLock { $0.processed == $0.read } }

    /// Messages read on this connection and not yet processed.
    var outstanding: Int { counts.withLock { $0.read - $0.processed } }
}
