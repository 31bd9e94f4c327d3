import SCADAKafka

/// The `preprocessor:` section of the service's YAML configuration. Every field has a default;
/// `configmaps/preprocessor.yaml` lists them all with comments.
public struct PreprocessorConfiguration: Codable, Sendable, Equatable {
    public var input = Input()
    public var limits = Limits()
    /// The route table, tried in order. Unset (the default): every decoder's own routes (its `decoder.yaml`, or
    /// its `customDecoders` entry) by priority. Set: exactly these, replacing the decoders' routes.
    public var routes: [Route]?
    /// Topics that are never telemetry (commands and their acknowledgements): skipped silently.
    public var ignoreTopics: [String] = ["+/+/commands", "+/+/commands/ack", "+/+/+/commands", "+/+/+/commands/ack"]
    /// Topics carrying birth (`online`) and last-will (`offline`) messages: `status/{device id}`.
    public var statusTopics: [String] = ["status/+"]
    /// Plain-JSON device types defined without code, in the shape of a `Decoders/<name>/decoder.yaml`.
    public var customDecoders: [DecoderDefinition] = []
    public var enrichment = Enrichment()
    public var output = Output()

    public init() {}

    /// MQTT intake.
    public struct Input: Codable, Sendable, Equatable {
        /// Subscribed topic filters.
        public var topics: [String] = ["factory/#", "status/#"]
        public var qos: Int = 1
        /// MQTT client id; "" means `preprocessor-<hostname>` (stable per pod, so the session persists).
        public var clientID: String = ""
        /// When not empty, subscribe as `$share/<group>/<topic>` so that replicas split the load.
        public var sharedGroup: String = ""
        /// Persistent session (messages queue at the broker while the service is away).
        public var persistentSession: Bool = true
        /// MQTT keepalive (seconds). The session survives a Kafka outage of any length: while intake is paused
        /// the client still pings the broker.
        public var keepAliveSeconds: Int = 30
        /// Messages held between the MQTT network thread and the pipeline; when full, the socket is not read.
        /// Also the broker's window of unacknowledged messages (MQTT 5 receive maximum).
        public var bufferMessages: Int = 10_000
        /// When a message is acknowledged to the broker: `afterKafka` (once Kafka has its record, or its dead
        /// letter: a crash loses nothing, the broker sends again what was not acknowledged) or `onReceipt`.
        public var acknowledge: Acknowledge = .afterKafka
        /// With a shared group: taking over the session of a replica that died (see ``Takeover``).
        public var takeover = Takeover()
        /// Messages taken from the buffer per pipeline step.
        public var batchSize: Int = 1_000
        /// After a small batch, wait this long (µs) for more messages before the next step: fewer wake-ups at
        /// moderate rates, at most this much added latency. 0 disables.
        public var lingerMicroseconds: Int = 1_000
        public init() {}
    }

    /// Taking over a dead replica's persistent session in a shared group: the broker goes on queueing the dead
    /// member's share there. After `graceSeconds` offline (its last will), the first live replica by client id
    /// adopts the session, passes its messages to Kafka and deletes it.
    public struct Takeover: Codable, Sendable, Equatable {
        public var enabled: Bool = true
        /// How long a peer stays offline before its session is taken over (a restart within it keeps its own).
        public var graceSeconds: Int = 10
        /// The adopted session has been drained once it delivered nothing for this long.
        public var quietMilliseconds: Int = 2_000
        public init() {}
    }

    /// When MQTT messages are acknowledged to the broker.
    public enum Acknowledge: String, Codable, Sendable, Equatable, CaseIterable {
        case afterKafka
        case onReceipt
    }

    /// Validation limits.
    public struct Limits: Codable, Sendable, Equatable {
        public var maxPayloadBytes: Int = 65_536
        public var maxFields: Int = 256
        public var maxDepth: Int = 8
        /// How far a device clock may run ahead of ours before a message is rejected.
        public var maxFutureSkewSeconds: Int = 300
        public init() {}
    }

    /// Enrichment: site and line per device (or one site for all).
    public struct Enrichment: Codable, Sendable, Equatable {
        /// Site of every device without its own entry; "" for none.
        public var site: String = ""
        public var devices: [String: DeviceInfo] = [:]
        public init() {}
    }

    /// What enrichment adds to one device's records.
    public struct DeviceInfo: Codable, Sendable, Equatable {
        public var site: String?
        public var line: String?
        public var tags: [String: String]?
    }

    /// Kafka output.
    public struct Output: Codable, Sendable, Equatable {
        /// Records held by the producer awaiting acknowledgement; beyond this the pipeline stops taking
        /// from MQTT until Kafka catches up.
        public var maxInFlight: Int = 20_000
        public var lingerMs: Int = 5
        public var compression: String = "lz4"
        /// 0 = retry forever (never give up on a record while Kafka is away).
        public var messageTimeoutMs: Int = 0
        public var flushTimeoutSeconds: Int = 30
        /// Dead-letter values larger than this are truncated (header `scada-original-size` tells).
        public var deadLetterMaxBytes: Int = 900_000
        public init() {}
    }

    /// Checks values that YAML types alone cannot.
    public func validate() throws(RouteError) {
        guard (0...2).contains(input.qos) else { throw RouteError("input.qos must be 0, 1 or 2") }
        guard !input.topics.isEmpty else { throw RouteError("input.topics is empty") }
        guard limits.maxPayloadBytes > 0, limits.maxFields > 0, limits.maxDepth > 0 else {
            throw RouteError("limits must be positive")
        }
        guard (5...65_535).contains(input.keepAliveSeconds) else {
            throw RouteError("input.keepAliveSeconds must be between 5 and 65535")
        }
        guard output.maxInFlight > 0, input.bufferMessages > 0, input.batchSize > 0 else {
            throw RouteError("input.bufferMessages, input.batchSize and output.maxInFlight must be positive")
        }
        guard KafkaCompression(named: output.compression) != nil else {
            throw RouteError("output.compression must be one of \(KafkaCompression.allCases.map(\.value).joined(separator: ", ")), not '\(output.compression)'")
        }
        guard output.lingerMs >= 0, output.messageTimeoutMs >= 0 else {
            throw RouteError("output.lingerMs and output.messageTimeoutMs must not be negative")
        }
        for topic in input.topics + ignoreTopics + statusTopics { _ = try TopicPattern(topic) }
        let known = try DecoderCatalog.decoders(custom: customDecoders)
        for route in try resolvedRoutes() {
            _ = try TopicPattern(route.topic)
            guard known[route.decoder] != nil else {
                throw RouteError("route \(route.topic): unknown decoder '\(route.decoder)' (known: \(known.keys.sorted().joined(separator: ", ")))")
            }
        }
    }
}

extension PreprocessorConfiguration {
    /// The routes in force: ``routes`` when set, else the decoders' own.
    public func resolvedRoutes() throws(RouteError) -> [Route] {
        if let routes { return routes }
        return try DecoderCatalog.defaultRoutes(custom: customDecoders)
    }
}

/// One routing rule: messages on `topic` (MQTT wildcards; `*` ends a level prefix, as in
/// `factory/line*`) whose payload has `field` (when set) go to `decoder`. First match wins.
public struct Route: Codable, Sendable, Equatable {
    public var topic: String
    public var field: String
    public var decoder: String

    public init(topic: String = "#", field: String = "", decoder: String) {
        self.topic = topic
        self.field = field
        self.decoder = decoder
    }

    enum CodingKeys: String, CodingKey { case topic, field, decoder }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        topic = try container.decodeIfPresent(String.self, forKey: .topic) ?? "#"
        field = try container.decodeIfPresent(String.self, forKey: .field) ?? ""
        self.decoder = try container.decode(String.self, forKey: .decoder)
    }
}

/// A configuration error in routes or topics.
public struct RouteError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
