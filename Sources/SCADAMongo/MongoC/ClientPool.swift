import CMongoC
import Logging

/// A `mongoc_client_pool_t` and the dedicated threads that use it.
///
/// Every operation runs on one of `maxPoolSize` threads, pops a client, runs its blocking
/// libmongoc calls, pushes the client back and resumes the awaiting task.
final class ClientPool: @unchecked Sendable {
    /// The C handles, passed to the executor's finalizer.
    private struct Handles: @unchecked Sendable {
        let pool: OpaquePointer
        let uri: OpaquePointer
    }

    private let handles: Handles
    private let executor: BlockingExecutor
    private let logger: Logger

    init(configuration: MongoClientConfiguration, logger: Logger) throws(MongoError) {
        _ = MongoRuntime.initialized
        guard configuration.maxPoolSize >= 1 else {
            throw MongoError(.invalidArgument, message: "maxPoolSize must be at least 1")
        }
        var error = bson_error_t()
        guard let uri = mongoc_uri_new_with_error(configuration.uri, &error) else {
            throw MongoError(.invalidURI, domain: error.domain, code: error.code,
                             message: "invalid MongoDB URI \(Self.redacted(configuration.uri)): \(MongoError(error).message)")
        }
        func setInt32(_ option: String, _ value: Int64) throws(MongoError) {
            guard mongoc_uri_set_option_as_int32(uri, option, Int32(clamping: value)) else {
                mongoc_uri_destroy(uri)
                throw MongoError(.invalidArgument, message: "libmongoc rejected \(option)=\(value)")
            }
        }
        try setInt32(MONGOC_URI_SERVERSELECTIONTIMEOUTMS, configuration.serverSelectionTimeout.milliseconds)
        try setInt32(MONGOC_URI_CONNECTTIMEOUTMS, configuration.connectTimeout.milliseconds)
        try setInt32(MONGOC_URI_MAXPOOLSIZE, Int64(configuration.maxPoolSize))
        if let socketTimeout = configuration.socketTimeout {
            try setInt32(MONGOC_URI_SOCKETTIMEOUTMS, socketTimeout.milliseconds)
        }
        if let heartbeat = configuration.heartbeatFrequency {
            try setInt32(MONGOC_URI_HEARTBEATFREQUENCYMS, max(500, heartbeat.milliseconds))
        }
        if let appName = configuration.appName, !mongoc_uri_set_appname(uri, appName) {
            mongoc_uri_destroy(uri)
            throw MongoError(.invalidArgument, message: "invalid appName \(appName.debugDescription) (at most 128 bytes)")
        }
        guard let pool = mongoc_client_pool_new_with_error(uri, &error) else {
            mongoc_uri_destroy(uri)
            throw MongoError(error)
        }
        mongoc_client_pool_set_error_api(pool, MONGOC_ERROR_API_VERSION_2)
        handles = Handles(pool: pool, uri: uri)
        executor = BlockingExecutor(threads: configuration.maxPoolSize, name: "mongo-io")
        self.logger = logger
    }

    /// Runs `body` with a pooled client on a dedicated thread and returns its result.
    func withClient<T: Sendable>(
        _ body: @escaping @Sendable (OpaquePointer) throws(MongoError) -> T
    ) async throws(MongoError) -> T {
        let handles = handles
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, MongoError>, Never>) in
            let accepted = executor.submit {
                let pool = handles.pool
                guard let client = mongoc_client_pool_pop(pool) else {
                    continuation.resume(returning: .failure(MongoError(.driver, message: "the client pool gave no client")))
                    return
                }
                defer { mongoc_client_pool_push(pool, client) }
                continuation.resume(returning: Result { () throws(MongoError) -> T in try body(client) })
            }
            if !accepted {
                continuation.resume(returning: .failure(MongoError(.clientClosed, message: "the MongoDB client is closed")))
            }
        }
        return try result.get()
    }

    /// Refuses new operations; the pool is destroyed once queued ones have finished.
    func close() {
        logger.debug("closing the MongoDB client pool")
        let handles = handles
        executor.shutdown {
            mongoc_client_pool_destroy(handles.pool)
            mongoc_uri_destroy(handles.uri)
        }
    }

    deinit { close() }

    /// The URI with any password replaced, for messages.
    static func redacted(_ uri: String) -> String {
        guard let scheme = uri.range(of: "://"), let at = uri[scheme.upperBound...].firstIndex(of: "@") else { return uri }
        let credentials = uri[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return uri }
        return uri[..<colon] + ":***" + uri[at...]
    }
}
