import CMongoC
import Logging

/// Process-wide libmongoc set-up: `mongoc_init` once, and libmongoc's log routed to swift-log.
enum MongoRuntime {
    /// Runs `mongoc_init()` exactly once per process (libmongoc requires it before any other call).
    static let initialized: Void = {
        mongoc_init()
        mongoc_log_set_handler(mongocLogHandler, nil)
    }()

    static let logger = Logger(label: "scada.mongo.libmongoc")
}

/// Forwards libmongoc's log lines (warnings about servers, pools, ...) to swift-log.
private let mongocLogHandler: mongoc_log_func_t = { level, domain, message, _ in
    let text = message.map { String(cString: $0) } ?? ""
    let source = domain.map { String(cString: $0) } ?? "mongoc"
    let swiftLevel: Logger.Level = switch level {
    case MONGOC_LOG_LEVEL_ERROR, MONGOC_LOG_LEVEL_CRITICAL: .error
    case MONGOC_LOG_LEVEL_WARNING: .warning
    case MONGOC_LOG_LEVEL_MESSAGE, MONGOC_LOG_LEVEL_INFO: .info
    case MONGOC_LOG_LEVEL_DEBUG: .debug
    default: .trace
    }
    MongoRuntime.logger.log(level: swiftLevel, "\(text)", metadata: ["mongoc.domain": "\(source)"])
}
