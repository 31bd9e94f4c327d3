import CMongoC

extension MongoError {
    /// Maps a libmongoc error (error API version 2) to a ``MongoError``.
    ///
    /// `reply` is the server's reply when there is one; its `errorLabels` (e.g. "RetryableWriteError",
    /// "NetworkError") count towards ``Kind/connection``.
    init(_ error: bson_error_t, reply: BSONDocument? = nil) {
        var error = error
        let message = withUnsafeBytes(of: &error.message) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        self.init(Self.kind(domain: error.domain, code: error.code, message: message, reply: reply),
                  domain: error.domain, code: error.code, message: message)
    }

    private static func kind(domain: UInt32, code: UInt32, message: String, reply: BSONDocument?) -> Kind {
        let code32 = Int(code)
        switch mongoc_error_domain_t(domain) {
        case MONGOC_ERROR_SERVER_SELECTION, MONGOC_ERROR_STREAM:
            // libmongoc words socket failures and socket timeouts alike ("socket error or timeout"),
            // so both are `.connection`; both are retryable.
            return .connection
        case MONGOC_ERROR_COMMAND where code == MONGOC_ERROR_COMMAND_INVALID_ARG.rawValue:
            return .invalidArgument
        case MONGOC_ERROR_SERVER, MONGOC_ERROR_WRITE_CONCERN, MONGOC_ERROR_QUERY, MONGOC_ERROR_COMMAND:
            if duplicateKeyCodes.contains(code32) { return .duplicateKey }
            if code32 == 50 || code32 == 89 || code32 == 262 { return .timeout }  // MaxTimeMSExpired, NetworkTimeout, ExceededTimeLimit
            if connectionCodes.contains(code32) { return .connection }
            if code32 == 48 { return .namespaceExists }
            if let labels = reply?["errorLabels"]?.arrayValue,
               labels.contains(.string("NetworkError")) || labels.contains(.string("RetryableWriteError")) {
                return .connection
            }
            return .command(code: code32, message: message)
        case MONGOC_ERROR_BSON:
            return .invalidDocument
        default:
            if domain == MONGOC_ERROR_CLIENT.rawValue && code == MONGOC_ERROR_CLIENT_TOO_BIG.rawValue {
                return .invalidDocument
            }
            return .driver
        }
    }

    /// Server codes of a lost or unusable primary: HostUnreachable, HostNotFound, SocketException,
    /// ShutdownInProgress, PrimarySteppedDown, NotWritablePrimary, InterruptedAtShutdown,
    /// InterruptedDueToReplStateChange, NotPrimaryNoSecondaryOk, NotPrimaryOrSecondary.
    static let connectionCodes: Set<Int> = [6, 7, 9001, 91, 189, 10107, 11600, 11602, 13435, 13436]
}
