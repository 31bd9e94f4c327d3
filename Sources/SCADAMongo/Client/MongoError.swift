/// An error from the MongoDB client: a ``Kind`` to branch on, plus libmongoc's domain, code and message.
public struct MongoError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, at the granularity a caller acts on.
    public enum Kind: Sendable, Equatable {
        /// A unique index rejected a write (server codes 11000, 11001, 12582).
        case duplicateKey
        /// No server could be selected, or the connection failed or was lost. Retry later.
        case connection
        /// A server-side time limit expired (`maxTimeMS`: codes 50, 262, 89). Retry later.
        /// (libmongoc reports socket timeouts like other socket failures: ``connection``.)
        case timeout
        /// The connection string could not be parsed.
        case invalidURI
        /// A document could not be encoded, decoded or parsed (bad BSON, bad JSON, Codable mismatch).
        case invalidDocument
        /// An argument or option was rejected before reaching the server.
        case invalidArgument
        /// `createCollection` found the collection already there (server code 48).
        case namespaceExists
        /// The server refused a command.
        case command(code: Int, message: String)
        /// Some writes of a bulk (or `insertMany`) failed; the result keeps the counts and per-item errors.
        case bulkWrite(MongoBulkWriteResult)
        /// The client was closed.
        case clientClosed
        /// Any other libmongoc failure (protocol, cursor, client-side errors).
        case driver
    }

    public let kind: Kind
    /// libmongoc's error domain (`mongoc_error_domain_t`), 0 when the error arose in Swift.
    public let domain: UInt32
    /// libmongoc's error code; for server errors the server's code (e.g. 11000).
    public let code: UInt32
    public let message: String

    public init(_ kind: Kind, domain: UInt32 = 0, code: UInt32 = 0, message: String) {
        self.kind = kind
        self.domain = domain
        self.code = code
        self.message = message
    }

    /// Whether trying again later may succeed: lost connections, server selection failures, timeouts.
    public var isRetryable: Bool {
        switch kind {
        case .connection, .timeout: true
        default: false
        }
    }

    /// Whether this is a duplicate key: a `.duplicateKey`, or a `.bulkWrite` whose every write error
    /// is a duplicate key and that has no write-concern error (typical for idempotent re-inserts).
    public var isDuplicateKey: Bool {
        switch kind {
        case .duplicateKey: true
        case .bulkWrite(let result):
            !result.writeErrors.isEmpty && result.writeConcernErrors.isEmpty
                && result.writeErrors.allSatisfy(\.isDuplicateKey)
        default: false
        }
    }

    public var description: String {
        let where_ = domain == 0 ? "" : " [domain \(domain), code \(code)]"
        switch kind {
        case .bulkWrite(let result):
            return "MongoError.bulkWrite\(where_): \(message); \(result)"
        default:
            return "MongoError.\(kind.name)\(where_): \(message)"
        }
    }

    /// Server error codes meaning the key already exists in a unique index.
    static let duplicateKeyCodes: Set<Int> = [11000, 11001, 12582]
}

extension MongoError.Kind: CustomStringConvertible {
    public var description: String { name }

    var name: String {
        switch self {
        case .duplicateKey: "duplicateKey"
        case .connection: "connection"
        case .timeout: "timeout"
        case .invalidURI: "invalidURI"
        case .invalidDocument: "invalidDocument"
        case .invalidArgument: "invalidArgument"
        case .namespaceExists: "namespaceExists"
        case .command(let code, _): "command(\(code))"
        case .bulkWrite: "bulkWrite"
        case .clientClosed: "clientClosed"
        case .driver: "driver"
        }
    }
}
