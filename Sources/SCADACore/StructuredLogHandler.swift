import Foundation
import Logging

/// A swift-log handler writing one line per event to stderr, as logfmt or JSON,
/// with a UTC timestamp, level, service label, message and metadata.
public struct StructuredLogHandler: LogHandler {
    public enum Format: String, Sendable { case logfmt, json }

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let format: Format

    public init(label: String, level: Logger.Level, format: Format) {
        self.label = label
        self.logLevel = level
        self.format = format
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { $1 } }
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        let time = Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(Date())
        let line: String
        switch format {
        case .logfmt:
            var parts = ["ts=\(time)", "level=\(event.level)", "service=\(label)", "msg=\(Self.quote(event.message.description))"]
            for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
                parts.append("\(key)=\(Self.quote(value.description))")
            }
            line = parts.joined(separator: " ")
        case .json:
            var object: [String: String] = ["ts": time, "level": "\(event.level)", "service": label, "msg": event.message.description]
            for (key, value) in fields { object[key] = value.description }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            line = String(decoding: data, as: UTF8.self)
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    private static func quote(_ text: String) -> String {
        let needsQuotes = text.isEmpty || text.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0.isNewline }
        guard needsQuotes else { return text }
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\"\(escaped)\""
    }
}

/// Process-wide logging set-up for a service.
public enum LogSetup {
    /// Bootstraps swift-log once per process with the structured handler.
    public static func bootstrap(service: String, configuration: CommonConfiguration) {
        let format = StructuredLogHandler.Format(rawValue: configuration.log.format) ?? .logfmt
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in
            StructuredLogHandler(label: label == service ? service : label, level: level, format: format)
        }
    }
}
