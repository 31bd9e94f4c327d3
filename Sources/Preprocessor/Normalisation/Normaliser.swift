import SCADACore

/// What became of one MQTT message.
public enum Outcome: Sendable {
    /// A valid telemetry sample: the canonical JSON, keyed by device id.
    case telemetry(deviceID: String, json: [UInt8], eventTime: Int64)
    /// A birth or last-will status change.
    case status(DeviceStatusRecord)
    /// Invalid: goes to the dead-letter topic with the reason.
    case rejected(Rejection)
    /// Not telemetry (commands, acknowledgements): skipped.
    case ignored
}

/// Validates, decodes, normalises and enriches MQTT messages. Pure and thread-safe: the same input
/// and clock always give the same outcome.
public struct Normaliser: Sendable {
    let configuration: PreprocessorConfiguration
    let limits: JSONLimits
    let ignore: [TopicPattern]
    let statusTopics: [TopicPattern]
    let routes: [(pattern: TopicPattern, field: String, decoder: any TelemetryDecoder)]
    let maxFutureSkewMilliseconds: Int64

    public init(configuration: PreprocessorConfiguration) throws(RouteError) {
        try configuration.validate()
        self.configuration = configuration
        limits = JSONLimits(maxFields: configuration.limits.maxFields, maxDepth: configuration.limits.maxDepth)
        var ignore: [TopicPattern] = []
        for topic in configuration.ignoreTopics { ignore.append(try TopicPattern(topic)) }
        self.ignore = ignore
        var statusTopics: [TopicPattern] = []
        for topic in configuration.statusTopics { statusTopics.append(try TopicPattern(topic)) }
        self.statusTopics = statusTopics
        let decoders = try DecoderCatalog.decoders(custom: configuration.customDecoders)
        var routes: [(pattern: TopicPattern, field: String, decoder: any TelemetryDecoder)] = []
        for route in try configuration.resolvedRoutes() {
            guard let decoder = decoders[route.decoder] else { throw RouteError("unknown decoder '\(route.decoder)'") }
            routes.append((try TopicPattern(route.topic), route.field, decoder))
        }
        self.routes = routes
        maxFutureSkewMilliseconds = Int64(configuration.limits.maxFutureSkewSeconds) * 1000
    }

    /// The routes whose topic pattern matches `topic`, in order (cache this per topic).
    func candidateRoutes(for topic: String) -> TopicPlan {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        if ignore.contains(where: { $0.matches(levels: levels) }) { return .ignore }
        if statusTopics.contains(where: { $0.matches(levels: levels) }) { return .status }
        let matching = routes.indices.filter { routes[$0].pattern.matches(levels: levels) }
        return .decode(matching)
    }

    /// Processes one message received at `receiveTime` (UTC ms), using `plan` from ``candidateRoutes(for:)``.
    func process(topic: String, payload: [UInt8], receiveTime: Int64, plan: TopicPlan) -> Outcome {
        if case .ignore = plan { return .ignored }
        guard payload.count <= configuration.limits.maxPayloadBytes else {
            return .rejected(Rejection(.payloadTooLarge,
                                       "\(payload.count) bytes exceeds the limit of \(configuration.limits.maxPayloadBytes)"))
        }
        do {
            switch plan {
            case .ignore:
                return .ignored
            case .status:
                return .status(try StatusDecoder.decode(topic: topic, payload: payload, receiveTime: receiveTime, limits: limits))
            case .decode(let candidates):
                return try decode(topic: topic, payload: payload, receiveTime: receiveTime, candidates: candidates)
            }
        } catch {
            return .rejected(error)
        }
    }

    /// Convenience for tests and tools: plans and processes in one step.
    public func process(topic: String, payload: [UInt8], receiveTime: Int64) -> Outcome {
        process(topic: topic, payload: payload, receiveTime: receiveTime, plan: candidateRoutes(for: topic))
    }

    /// The canonical record for a telemetry message (for tests and tools).
    public func normalise(topic: String, payload: [UInt8], receiveTime: Int64) throws(Rejection) -> NormalisedRecord {
        let plan = candidateRoutes(for: topic)
        guard case .decode(let candidates) = plan else { throw Rejection(.noDecoder, "'\(topic)' is not a telemetry topic") }
        let document = try FlatJSONParser.parse(payload, limits: limits)
        return try normalise(topic: topic, document: document, receiveTime: receiveTime, candidates: candidates)
    }

    private func decode(topic: String, payload: [UInt8], receiveTime: Int64, candidates: [Int]) throws(Rejection) -> Outcome {
        let document = try FlatJSONParser.parse(payload, limits: limits)
        let record = try normalise(topic: topic, document: document, receiveTime: receiveTime, candidates: candidates)
        return .telemetry(deviceID: record.sample.deviceID, json: TelemetryJSONWriter.write(record),
                          eventTime: record.sample.eventTime)
    }

    private func normalise(topic: String, document: FlatDocument, receiveTime: Int64,
                           candidates: [Int]) throws(Rejection) -> NormalisedRecord {
        guard let routeIndex = candidates.first(where: { routes[$0].field.isEmpty || document.contains(routes[$0].field) }) else {
            throw Rejection(.noDecoder, "no decoder is configured for topic '\(topic)'")
        }
        let sample = try routes[routeIndex].decoder.decode(DecoderInput(topic: topic, document: document))
        guard sample.eventTime <= receiveTime + maxFutureSkewMilliseconds else {
            throw Rejection(.timestampInFuture,
                            "timestamp is \((sample.eventTime - receiveTime) / 1000) s ahead (limit \(configuration.limits.maxFutureSkewSeconds) s)")
        }
        let device = configuration.enrichment.devices[sample.deviceID]
        let site = device?.site ?? (configuration.enrichment.site.isEmpty ? nil : configuration.enrichment.site)
        return NormalisedRecord(sample: sample, site: site, line: device?.line ?? sample.line, receiveTime: receiveTime,
                                sourceTopic: topic, extraTags: device?.tags ?? [:])
    }
}

/// How a topic is handled, decided once per topic and cached.
enum TopicPlan: Sendable {
    case ignore
    case status
    /// Indexes of the routes whose topic pattern matches; a route's payload-field condition is checked per message.
    case decode([Int])
}
