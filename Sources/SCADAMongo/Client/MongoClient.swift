import Logging

/// A pooled MongoDB client, safe to share between tasks.
///
/// libmongoc is blocking: every operation runs on one of `maxPoolSize` dedicated threads with a
/// client popped from a `mongoc_client_pool_t`, and the calling task awaits it without blocking
/// Swift's cooperative pool. Task cancellation does not interrupt an operation already handed to
/// libmongoc; it finishes within the configured timeouts.
public final class MongoClient: Sendable {
    public let configuration: MongoClientConfiguration
    let pool: ClientPool
    let logger: Logger

    /// Creates the pool. Connections are opened lazily by the first operation.
    /// Throws ``MongoError/Kind/invalidURI`` for a malformed connection string.
    public init(configuration: MongoClientConfiguration, logger: Logger = Logger(label: "scada.mongo")) throws(MongoError) {
        self.configuration = configuration
        self.logger = logger
        pool = try ClientPool(configuration: configuration, logger: logger)
        logger.debug("MongoDB client pool created", metadata: [
            "uri": "\(ClientPool.redacted(configuration.uri))", "maxPoolSize": "\(configuration.maxPoolSize)",
        ])
    }

    /// A client for `uri` with default settings.
    public convenience init(uri: String, logger: Logger = Logger(label: "scada.mongo")) throws(MongoError) {
        try self.init(configuration: MongoClientConfiguration(uri: uri), logger: logger)
    }

    public func database(_ name: String) -> MongoDatabase { MongoDatabase(client: self, name: name) }

    /// Round trip to the server (`{ping: 1}` on `admin`); fails with ``MongoError/Kind/connection``
    /// after the server-selection timeout when no server answers.
    public func ping() async throws(MongoError) {
        _ = try await pool.withClient { (client: OpaquePointer) throws(MongoError) in
            try runCommand(client, database: "admin", command: ["ping": .int32(1)])
        }
    }

    /// Refuses new operations and releases the pool once operations in flight have finished.
    /// Later operations fail with ``MongoError/Kind/clientClosed``.
    public func close() { pool.close() }
}
