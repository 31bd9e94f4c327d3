/// The `apiGateway:` section of the service's YAML configuration; `configmaps/api-gateway.yaml` lists every
/// option with its default. Secrets (API tokens, JWT keys) come from the environment, never from this file.
public struct APIGatewayConfiguration: Codable, Sendable, Equatable {
    /// Prefix of the gateway's Kafka consumer groups; each instance appends a unique suffix (every instance
    /// keeps its own complete views).
    public var groupIDPrefix: String = "api-gateway"
    public var auth = Auth()
    public var rateLimit = RateLimit()
    public var cors = CORS()
    public var limits = Limits()
    public var pagination = Pagination()
    public var history = History()
    public var live = Live()
    public var commands = Commands()
    public var alarmActions = AlarmActions()
    public var deadLetters = DeadLetters()

    public init() {}

    public struct Auth: Codable, Sendable, Equatable {
        /// Environment variable holding `token=role,...` (roles: viewer, operator, admin).
        public var tokensEnv: String = "SCADA_API_TOKENS"
        /// Environment variable holding the HS256 shared secret (unset: HS256 tokens are refused).
        public var jwtHS256SecretEnv: String = "SCADA_JWT_HS256_SECRET"
        /// Environment variable holding the RS256 public key, PEM (unset: RS256 tokens are refused).
        public var jwtRS256PublicKeyEnv: String = "SCADA_JWT_RS256_PUBLIC_KEY"
        /// Required `aud` of JWTs (empty: not checked).
        public var jwtAudience: String = "scada-api"
        /// Required `iss` of JWTs (empty: not checked).
        public var jwtIssuer: String = ""
        /// The claim holding the role (`viewer`, `operator`, `admin`).
        public var jwtRoleClaim: String = "role"
        /// Leeway for `exp` and `nbf`, seconds.
        public var jwtLeewaySeconds: Int = 30
        /// Browsers cannot set headers on EventSource and WebSocket: streams also accept `?access_token=`.
        public var allowQueryTokenOnStreams: Bool = true
        public init() {}
    }

    /// A token bucket per client (token subject, or remote address when unauthenticated).
    public struct RateLimit: Codable, Sendable, Equatable {
        public var enabled: Bool = true
        public var requestsPerSecond: Double = 200
        public var burst: Int = 400
        /// Clients tracked at most (the least recently seen are forgotten).
        public var maxClients: Int = 10_000
        public init() {}
    }

    public struct CORS: Codable, Sendable, Equatable {
        /// Allowed origins; empty disables CORS headers, `*` allows any.
        public var allowOrigins: [String] = []
        public var allowHeaders: [String] = ["Authorization", "Content-Type", "Last-Event-ID"]
        public var maxAgeSeconds: Int = 600
        public init() {}
    }

    public struct Limits: Codable, Sendable, Equatable {
        public var maxBodyBytes: Int = 65_536
        public var maxHeaderBytes: Int = 16_384
        public var maxQueryBytes: Int = 4_096
        public init() {}
    }

    public struct Pagination: Codable, Sendable, Equatable {
        public var defaultLimit: Int = 100
        public var maxLimit: Int = 1_000
        public init() {}
    }

    public struct History: Codable, Sendable, Equatable {
        /// Ranges up to this many minutes are answered from raw samples (`resolution` unset).
        public var rawMaxMinutes: Int = 120
        /// Ranges up to this many hours from 1-minute rollups; longer ones from 1-hour aggregates of them.
        public var oneMinuteMaxHours: Int = 48
        /// Most points (raw samples or buckets) in one page.
        public var maxPoints: Int = 10_000
        /// Default range when `from` is not given, minutes before `to`.
        public var defaultRangeMinutes: Int = 60
        public init() {}
    }

    public struct Live: Codable, Sendable, Equatable {
        /// Events a stream client may fall behind before it is dropped.
        public var clientBufferEvents: Int = 1_000
        /// Alarm transitions kept for `Last-Event-ID` replay.
        public var replayLogSize: Int = 10_000
        /// SSE comment / WebSocket ping interval.
        public var heartbeatSeconds: Int = 15
        public var maxClients: Int = 5_000
        public init() {}
    }

    public struct Commands: Codable, Sendable, Equatable {
        /// How long a command request waits for the device's ack before answering 202.
        public var ackTimeoutMs: Int = 5_000
        /// Longest wait a request may ask for (`wait_ms`).
        public var maxAckTimeoutMs: Int = 30_000
        public init() {}
    }

    public struct AlarmActions: Codable, Sendable, Equatable {
        /// How long an ack/shelve/unshelve waits for the alarm's new state before answering 202.
        public var resultTimeoutMs: Int = 5_000
        /// Longest shelve, hours.
        public var maxShelveHours: Int = 168
        public init() {}
    }

    public struct DeadLetters: Codable, Sendable, Equatable {
        /// Recent rejects kept in memory.
        public var ringSize: Int = 1_000
        /// Bytes of each original payload kept.
        public var payloadPreviewBytes: Int = 1_024
        public init() {}
    }

    /// Checks values YAML types alone cannot.
    public func validate() throws(APIGatewayError) {
        guard rateLimit.requestsPerSecond > 0, rateLimit.burst > 0, rateLimit.maxClients > 0 else {
            throw APIGatewayError("rateLimit values must be positive")
        }
        guard limits.maxBodyBytes > 0, limits.maxHeaderBytes > 0, limits.maxQueryBytes > 0 else {
            throw APIGatewayError("limits must be positive")
        }
        guard pagination.defaultLimit > 0, pagination.maxLimit >= pagination.defaultLimit else {
            throw APIGatewayError("pagination.defaultLimit must be positive and at most maxLimit")
        }
        guard history.rawMaxMinutes > 0, history.oneMinuteMaxHours > 0, history.maxPoints > 0, history.defaultRangeMinutes > 0 else {
            throw APIGatewayError("history values must be positive")
        }
        guard live.clientBufferEvents > 0, live.replayLogSize > 0, live.heartbeatSeconds > 0, live.maxClients > 0 else {
            throw APIGatewayError("live values must be positive")
        }
        guard commands.ackTimeoutMs >= 0, commands.maxAckTimeoutMs >= commands.ackTimeoutMs else {
            throw APIGatewayError("commands.ackTimeoutMs must be between 0 and maxAckTimeoutMs")
        }
        guard alarmActions.resultTimeoutMs >= 0, alarmActions.maxShelveHours > 0 else {
            throw APIGatewayError("alarmActions values must not be negative")
        }
        guard deadLetters.ringSize > 0, deadLetters.payloadPreviewBytes >= 0 else {
            throw APIGatewayError("deadLetters.ringSize must be positive")
        }
    }
}

/// A configuration or start-up error of the api-gateway.
public struct APIGatewayError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
