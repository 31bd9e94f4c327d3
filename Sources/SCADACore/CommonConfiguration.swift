import Logging

/// Connection and runtime settings every service shares: the YAML keys `mqtt`, `kafka`,
/// `mongodb`, `http` and `log`, overridden by the `SCADA_*` environment variables.
public struct CommonConfiguration: Codable, Sendable, Equatable {
    public struct MQTT: Codable, Sendable, Equatable {
        /// `mqtt://[user:pass@]host:port` (`SCADA_MQTT_URL`).
        public var url: String = "mqtt://localhost:1883"
    }

    public struct Kafka: Codable, Sendable, Equatable {
        /// `host:port,...` (`SCADA_KAFKA_BROKERS`).
        public var brokers: String = "localhost:9092"
        /// Consumer-group session timeout; short values make group joins fast on small brokers.
        public var sessionTimeoutMs: Int = 10_000
        /// librdkafka properties passed through verbatim.
        public var properties: [String: String] = [:]
    }

    public struct MongoDB: Codable, Sendable, Equatable {
        /// Connection string (`SCADA_MONGODB_URI`).
        public var uri: String = "mongodb://localhost:27017"
        public var database: String = Collections.database
    }

    public struct HTTP: Codable, Sendable, Equatable {
        public var host: String = "0.0.0.0"
        /// Health, readiness, metrics (and API) port (`SCADA_HTTP_PORT`).
        public var port: Int
    }

    public struct Log: Codable, Sendable, Equatable {
        /// trace, debug, info, notice, warning, error, critical (`SCADA_LOG_LEVEL`).
        public var level: String = "info"
        /// `logfmt` (default) or `json`.
        public var format: String = "logfmt"
    }

    public var mqtt = MQTT()
    public var kafka = Kafka()
    public var mongodb = MongoDB()
    public var http: HTTP
    public var log = Log()

    public init(defaultHTTPPort: Int) {
        http = HTTP(port: defaultHTTPPort)
    }

    /// The parsed log level.
    public var logLevel: Logger.Level { Logger.Level(rawValue: log.level.lowercased()) ?? .info }

    /// Applies the `SCADA_*` environment overrides, validating each value.
    public mutating func applyEnvironment(_ environment: [String: String]) throws {
        if let value = environment["SCADA_MQTT_URL"], !value.isEmpty { mqtt.url = value }
        if let value = environment["SCADA_KAFKA_BROKERS"], !value.isEmpty { kafka.brokers = value }
        if let value = environment["SCADA_MONGODB_URI"], !value.isEmpty { mongodb.uri = value }
        if let value = environment["SCADA_HTTP_PORT"], !value.isEmpty {
            guard let port = Int(value), (0...65535).contains(port) else {
                throw ConfigurationError(.invalidValue, "SCADA_HTTP_PORT=\(value) is not a port number (0-65535)")
            }
            http.port = port
        }
        if let value = environment["SCADA_LOG_LEVEL"], !value.isEmpty { log.level = value }
        try validate()
    }

    /// Checks the values that would otherwise fail later with a less clear error.
    public func validate() throws {
        guard Logger.Level(rawValue: log.level.lowercased()) != nil else {
            throw ConfigurationError(.invalidValue, "log.level '\(log.level)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        guard ["logfmt", "json"].contains(log.format) else {
            throw ConfigurationError(.invalidValue, "log.format '\(log.format)' is not logfmt or json")
        }
        guard (0...65535).contains(http.port) else {
            throw ConfigurationError(.invalidValue, "http.port \(http.port) is not a port number")
        }
        let brokers = kafka.brokers.split(separator: ",")
        guard !brokers.isEmpty, brokers.allSatisfy({ $0.split(separator: ":").count == 2 }) else {
            throw ConfigurationError(.invalidValue, "kafka.brokers '\(kafka.brokers)' is not host:port[,host:port...]")
        }
    }
}
