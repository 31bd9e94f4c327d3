/// The `dbInterface:` section of the service's YAML configuration; `configmaps/db-interface.yaml`
/// lists every option with its default.
public struct DBInterfaceConfiguration: Codable, Sendable, Equatable {
    /// Kafka consumer group.
    public var groupID: String = "db-interface"
    public var batch = Batch()
    /// `acknowledged` (w:1) or `majority`.
    public var writeConcern: String = "acknowledged"
    public var retention = Retention()
    public var retry = Retry()

    public init() {}

    /// A batch ends at `maxDocuments` records or after `maxWaitMs`, whichever comes first.
    public struct Batch: Codable, Sendable, Equatable {
        public var maxDocuments: Int = 1_000
        public var maxWaitMs: Int = 50
        /// Rollups, registry and offsets are written together at most this often while records keep
        /// coming (at once when the stream pauses): one update per device-minute covers many samples.
        public var flushIntervalMs: Int = 2_000
        /// ... or when this many records wait for it.
        public var maxPendingDocuments: Int = 20_000
        public init() {}
    }

    /// Time to live per collection, in days.
    public struct Retention: Codable, Sendable, Equatable {
        public var telemetryDays: Int = 7
        public var rollupDays: Int = 365
        public var alertDays: Int = 365
        public var commandDays: Int = 365
        public init() {}
    }

    /// Backoff while MongoDB is unavailable.
    public struct Retry: Codable, Sendable, Equatable {
        public var initialMs: Int = 200
        public var maxMs: Int = 10_000
        public init() {}
    }

    /// Checks values YAML types alone cannot.
    public func validate() throws(DBInterfaceError) {
        guard batch.maxDocuments > 0, batch.maxWaitMs >= 0, batch.flushIntervalMs >= 0, batch.maxPendingDocuments > 0 else {
            throw DBInterfaceError("batch limits must be positive")
        }
        guard ["acknowledged", "majority"].contains(writeConcern) else {
            throw DBInterfaceError("writeConcern must be acknowledged or majority, not '\(writeConcern)'")
        }
        guard retention.telemetryDays > 0, retention.rollupDays > 0, retention.alertDays > 0, retention.commandDays > 0 else {
            throw DBInterfaceError("retention days must be positive")
        }
        guard retry.initialMs > 0, retry.maxMs >= retry.initialMs else { throw DBInterfaceError("retry delays are inconsistent") }
    }
}

/// A configuration or start-up error of the db-interface.
public struct DBInterfaceError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
