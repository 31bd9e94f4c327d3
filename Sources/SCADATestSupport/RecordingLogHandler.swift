import Logging

/// A log handler that keeps every message it is given, for tests that wait on what a client logged
/// (librdkafka's own log lines arrive through the client's `Logger`).
public struct RecordingLogHandler: LogHandler {
    public let messages: Locked<[String]>
    public var logLevel: Logger.Level = .debug
    public var metadata: Logger.Metadata = [:]

    public init(messages: Locked<[String]> = Locked([])) { self.messages = messages }

    /// A logger whose messages land in `messages`.
    public static func logger(_ label: String, messages: Locked<[String]>) -> Logger {
        Logger(label: label) { _ in RecordingLogHandler(messages: messages) }
    }

    public func log(event: LogEvent) {
        let text = "\(event.message)"
        messages.withLock { $0.append(text) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
}
