import Foundation
import Logging
import Synchronization

/// A fault starting or ending on one device: what tests and operators check detection against.
public struct FaultEvent: Sendable, Equatable {
    public enum Phase: String, Sendable { case started, ended }

    public var deviceID: String
    public var kind: FaultKind
    public var phase: Phase
    /// Wall-clock UTC milliseconds.
    public var timestampMs: Int64
    /// The first affected message's seq when started (for dropout: the last seq sent before the silence);
    /// the last seq used when ended.
    public var seq: Int64
    /// The edited field, when the kind edits one.
    public var field: String?
}

/// Every fault event of a run: written to the log (`fault injected` / `fault ended`) and kept
/// in memory (the most recent `capacity`) for tests and the ops surface.
public final class FaultLog: Sendable {
    private let events = Mutex<[FaultEvent]>([])
    private let capacity: Int
    private let logger: Logger

    public init(logger: Logger, capacity: Int = 10_000) {
        self.logger = logger
        self.capacity = capacity
    }

    public func record(_ event: FaultEvent) {
        var metadata: Logger.Metadata = [
            "device": "\(event.deviceID)", "kind": "\(event.kind.rawValue)", "seq": "\(event.seq)",
            "time": "\(Self.iso8601(event.timestampMs))",
        ]
        if let field = event.field { metadata["field"] = "\(field)" }
        logger.notice(event.phase == .started ? "fault injected" : "fault ended", metadata: metadata)
        events.withLock { list in
            list.append(event)
            if list.count > capacity { list.removeFirst(list.count - capacity) }
        }
    }

    /// All events kept, oldest first.
    public var all: [FaultEvent] { events.withLock { $0 } }

    static func iso8601(_ milliseconds: Int64) -> String {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000).formatted(.iso8601.year().month().day()
            .time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
