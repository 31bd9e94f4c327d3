import SCADACore

/// A decoder plugin: turns one device type's payload into a ``DecodedSample``.
///
/// Most device types need no code: a folder `Decoders/<name>/` with a `decoder.yaml` field table (its routes,
/// id, time and field kinds) and golden cases in `testdata/`, or a `preprocessor.customDecoders` entry. A type
/// whose payload needs code conforms to this protocol, lives in its folder next to a `decoder.yaml` saying
/// `implementation: swift`, and is listed in ``DecoderCatalog/swiftDecoders``.
public protocol TelemetryDecoder: Sendable {
    /// The name used in configuration and, by default, as the record's `device_type`.
    var name: String { get }
    func decode(_ input: DecoderInput) throws(Rejection) -> DecodedSample
}

/// What a decoder sees: the topic and the parsed, flattened payload.
public struct DecoderInput: Sendable {
    public var topic: String
    public var document: FlatDocument

    public init(topic: String, document: FlatDocument) {
        self.topic = topic
        self.document = document
    }

    /// The topic's levels, e.g. `["factory", "line1"]`.
    public var topicLevels: [Substring] { topic.split(separator: "/", omittingEmptySubsequences: false) }

    /// The topic's last level (`line1` of `factory/line1`), without splitting the whole topic.
    public var lastTopicLevel: Substring {
        guard let slash = topic.utf8.lastIndex(of: UInt8(ascii: "/")) else { return topic[...] }
        return topic[topic.utf8.index(after: slash)...]
    }
}

/// The device-independent content of one telemetry message.
public struct DecodedSample: Sendable, Equatable {
    public var deviceID: String
    public var deviceType: String
    /// UTC milliseconds.
    public var eventTime: Int64
    public var seq: Int64?
    public var line: String?
    public var metrics: [Metric]
    public var states: [State]
    public var tags: [Tag]

    public struct Metric: Sendable, Equatable { public var name: String; public var value: Double }
    public struct State: Sendable, Equatable { public var name: String; public var value: StateValue }
    public struct Tag: Sendable, Equatable { public var name: String; public var value: String }

    public init(deviceID: String, deviceType: String, eventTime: Int64, seq: Int64? = nil, line: String? = nil,
                metrics: [Metric] = [], states: [State] = [], tags: [Tag] = []) {
        self.deviceID = deviceID
        self.deviceType = deviceType
        self.eventTime = eventTime
        self.seq = seq
        self.line = line
        self.metrics = metrics
        self.states = states
        self.tags = tags
    }
}
