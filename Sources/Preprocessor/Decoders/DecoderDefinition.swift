import Yams

/// One device type: its routes and, unless it is written in Swift, its field table. The built-in ones are the
/// `Decoders/<name>/decoder.yaml` files; `preprocessor.customDecoders` entries have the same shape.
public struct DecoderDefinition: Codable, Sendable, Equatable {
    /// The name used in routes and, by default, as the record's `device_type`.
    public var name: String
    /// `fieldTable` (the fields below) or `swift` (a ``TelemetryDecoder`` listed in ``DecoderCatalog``).
    public var implementation: Implementation
    /// The record's `device_type`; empty means ``name``.
    public var deviceType: String
    /// Topics this decoder claims (added to the default route table).
    public var routes: [DecoderRoute]
    /// Candidate device-id fields, first present wins.
    public var idFields: [String]
    /// Candidate timestamp fields, first present wins.
    public var timestampFields: [String]
    public var seqField: String
    /// When not empty, the measurements are the leaves of this object (an envelope such as the CNC `payload`).
    public var payloadField: String
    /// String fields that become tags instead of states.
    public var tagFields: [String]
    /// Expected types of known fields (paths relative to the payload): a value of another type is rejected.
    public var kinds: [String: FieldKind]
    /// Measurements that must be present.
    public var required: [String]
    /// When not empty, a last topic level starting with this becomes the record's line (`line` → `factory/line2` is `line2`).
    public var lineFromTopic: String

    public enum Implementation: String, Codable, Sendable, Equatable {
        case fieldTable, swift
    }

    public init(name: String, implementation: Implementation = .fieldTable, deviceType: String = "",
                routes: [DecoderRoute] = [], idFields: [String] = ["device_id"],
                timestampFields: [String] = ["timestamp", "ts", "time"], seqField: String = "seq",
                payloadField: String = "", tagFields: [String] = [], kinds: [String: FieldKind] = [:],
                required: [String] = [], lineFromTopic: String = "") {
        self.name = name
        self.implementation = implementation
        self.deviceType = deviceType
        self.routes = routes
        self.idFields = idFields
        self.timestampFields = timestampFields
        self.seqField = seqField
        self.payloadField = payloadField
        self.tagFields = tagFields
        self.kinds = kinds
        self.required = required
        self.lineFromTopic = lineFromTopic
    }

    enum CodingKeys: String, CodingKey {
        case name, implementation, deviceType, routes, idFields, timestampFields, seqField, payloadField, tagFields, kinds
        case required, lineFromTopic
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = DecoderDefinition(name: "")
        name = try container.decode(String.self, forKey: .name)
        implementation = try container.decodeIfPresent(Implementation.self, forKey: .implementation) ?? defaults.implementation
        deviceType = try container.decodeIfPresent(String.self, forKey: .deviceType) ?? defaults.deviceType
        routes = try container.decodeIfPresent([DecoderRoute].self, forKey: .routes) ?? defaults.routes
        idFields = try container.decodeIfPresent([String].self, forKey: .idFields) ?? defaults.idFields
        timestampFields = try container.decodeIfPresent([String].self, forKey: .timestampFields) ?? defaults.timestampFields
        seqField = try container.decodeIfPresent(String.self, forKey: .seqField) ?? defaults.seqField
        payloadField = try container.decodeIfPresent(String.self, forKey: .payloadField) ?? defaults.payloadField
        tagFields = try container.decodeIfPresent([String].self, forKey: .tagFields) ?? defaults.tagFields
        kinds = try container.decodeIfPresent([String: FieldKind].self, forKey: .kinds) ?? defaults.kinds
        required = try container.decodeIfPresent([String].self, forKey: .required) ?? defaults.required
        lineFromTopic = try container.decodeIfPresent(String.self, forKey: .lineFromTopic) ?? defaults.lineFromTopic
    }

    /// Parses one `decoder.yaml`.
    public static func parse(yaml: String, source: String) throws(RouteError) -> DecoderDefinition {
        do {
            return try YAMLDecoder().decode(DecoderDefinition.self, from: yaml)
        } catch {
            throw RouteError("\(source): \(error)")
        }
    }

    /// Checks what the types alone cannot.
    func validate() throws(RouteError) {
        guard !name.isEmpty else { throw RouteError("a decoder has no name") }
        if implementation == .fieldTable {
            guard !idFields.isEmpty, !timestampFields.isEmpty else {
                throw RouteError("decoder \(name): idFields and timestampFields must not be empty")
            }
        }
        for route in routes { _ = try TopicPattern(route.topic) }
    }

    /// The engine for a field-table decoder.
    var rules: FieldRules {
        FieldRules(deviceType: deviceType.isEmpty ? name : deviceType, idFields: idFields, timestampFields: timestampFields,
                   seqField: seqField, payloadField: payloadField.isEmpty ? nil : payloadField, tagFields: Set(tagFields),
                   kinds: kinds, required: required, lineFromTopic: lineFromTopic.isEmpty ? nil : lineFromTopic)
    }
}

/// A topic a decoder claims. Routes of all decoders are tried by `priority` (lower first; 50 when unset), then
/// by decoder name; the first whose topic matches (and whose payload has `field`, when set) wins.
public struct DecoderRoute: Codable, Sendable, Equatable {
    public var topic: String
    public var field: String
    public var priority: Int

    public init(topic: String, field: String = "", priority: Int = 50) {
        self.topic = topic
        self.field = field
        self.priority = priority
    }

    enum CodingKeys: String, CodingKey { case topic, field, priority }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        topic = try container.decode(String.self, forKey: .topic)
        field = try container.decodeIfPresent(String.self, forKey: .field) ?? ""
        priority = try container.decodeIfPresent(Int.self, forKey: .priority) ?? 50
    }
}

/// A decoder defined by a field table (a ``DecoderDefinition``), no code.
struct FieldTableDecoder: TelemetryDecoder {
    let name: String
    let rules: FieldRules

    init(_ definition: DecoderDefinition) {
        name = definition.name
        rules = definition.rules
    }

    func decode(_ input: DecoderInput) throws(Rejection) -> DecodedSample { try rules.decode(input) }
}
