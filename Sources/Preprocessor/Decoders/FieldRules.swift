import SCADACore

/// The JSON type a known field must have.
public enum FieldKind: String, Sendable, Codable, Equatable {
    case number, boolean, string

    func accepts(_ value: JSONScalar) -> Bool {
        switch (self, value) {
        case (.number, .number), (.boolean, .bool), (.string, .string), (_, .null): true
        default: false
        }
    }
}

/// The shared engine behind the JSON decoders: where the identity, time, sequence and measurements
/// are, which fields have which type, and which strings are tags rather than states.
public struct FieldRules: Sendable {
    public var deviceType: String
    /// Candidate device-id fields, first present wins (a non-empty string).
    public var idFields: [String]
    /// Candidate timestamp fields, first present wins.
    public var timestampFields: [String]
    public var seqField: String
    /// When set, the measurements are the leaves of this object (the CNC `payload` envelope), which must exist.
    public var payloadField: String?
    /// String fields that become tags (e.g. `part_program`) instead of states.
    public var tagFields: Set<String>
    /// Expected types of known measurement fields (paths relative to the payload).
    public var kinds: [String: FieldKind]
    /// Measurements (metrics or states) that must be present.
    public var required: [String]
    /// When set, a last topic level starting with this prefix becomes the sample's line.
    public var lineFromTopic: String?

    public init(deviceType: String, idFields: [String], timestampFields: [String] = ["timestamp", "ts", "time"],
                seqField: String = "seq", payloadField: String? = nil, tagFields: Set<String> = [],
                kinds: [String: FieldKind] = [:], required: [String] = [], lineFromTopic: String? = nil) {
        self.deviceType = deviceType
        self.idFields = idFields
        self.timestampFields = timestampFields
        self.seqField = seqField
        self.payloadField = payloadField
        self.tagFields = tagFields
        self.kinds = kinds
        self.required = required
        self.lineFromTopic = lineFromTopic
    }

    /// Largest accepted device id, in bytes.
    static let maxIDLength = 128

    public func decode(_ input: DecoderInput) throws(Rejection) -> DecodedSample {
        let document = input.document
        let deviceID = try identity(document)
        let eventTime = try timestamp(document)
        let seq = try sequence(document)
        var sample = DecodedSample(deviceID: deviceID, deviceType: deviceType, eventTime: eventTime, seq: seq)
        sample.metrics.reserveCapacity(document.fields.count)
        let payloadPrefix = payloadField.map { $0 + "." }
        if let payloadField {
            if let leaf = document.value(payloadField) {
                throw Rejection(.wrongType, "'\(payloadField)' must be an object, not \(leaf.typeName)")
            }
            guard document.isObject(payloadField) || document.fields.contains(where: { $0.path.hasPrefix(payloadField + ".") }) else {
                throw Rejection(.missingField, "'\(payloadField)' is missing")
            }
        }
        for (path, value) in document.fields {
            if path == seqField || idFields.contains(path) || timestampFields.contains(path) { continue }
            var name = Substring(path)
            var inPayload = true
            if let payloadPrefix {
                if path.hasPrefix(payloadPrefix) {
                    name = name.dropFirst(payloadPrefix.count)
                } else {
                    inPayload = false
                }
            }
            let key = String(name)
            if let kind = kinds[key], !kind.accepts(value) {
                throw Rejection(.wrongType, "'\(path)' must be a \(kind.rawValue), not \(value.typeName)")
            }
            switch value {
            case .number(let number, _):
                sample.metrics.append(.init(name: key, value: number))
            case .bool(let flag):
                sample.states.append(.init(name: key, value: .bool(flag)))
            case .string(let text):
                if tagFields.contains(key) || !inPayload {
                    sample.tags.append(.init(name: key, value: text))
                } else {
                    sample.states.append(.init(name: key, value: .string(text)))
                }
            case .null:
                continue
            }
        }
        guard !sample.metrics.isEmpty || !sample.states.isEmpty else {
            throw Rejection(.missingField, "the payload has no measurements")
        }
        for name in required where !sample.metrics.contains(where: { $0.name == name }) && !sample.states.contains(where: { $0.name == name }) {
            throw Rejection(.missingField, "'\(name)' is missing")
        }
        if let lineFromTopic {
            let level = input.lastTopicLevel
            if level.hasPrefix(lineFromTopic) { sample.line = String(level) }
        }
        return sample
    }

    func identity(_ document: FlatDocument) throws(Rejection) -> String {
        for field in idFields {
            guard let value = document.value(field) else { continue }
            guard case .string(let id) = value else {
                throw Rejection(.wrongType, "'\(field)' must be a string, not \(value.typeName)")
            }
            guard !id.isEmpty, id.utf8.count <= Self.maxIDLength else {
                throw Rejection(.wrongType, "'\(field)' must be 1 to \(Self.maxIDLength) bytes long")
            }
            return id
        }
        throw Rejection(.missingField, "device id is missing (expected \(idFields.map { "'\($0)'" }.joined(separator: " or ")))")
    }

    func timestamp(_ document: FlatDocument) throws(Rejection) -> Int64 {
        for field in timestampFields {
            guard let value = document.value(field) else { continue }
            return try TimestampParser.milliseconds(value, field: field)
        }
        throw Rejection(.missingField, "'\(timestampFields.first ?? "timestamp")' is missing")
    }

    func sequence(_ document: FlatDocument) throws(Rejection) -> Int64? {
        guard let value = document.value(seqField) else { return nil }
        switch value {
        case .number(_, let integer?) where integer >= 0: return integer
        case .null: return nil
        default: throw Rejection(.wrongType, "'\(seqField)' must be a non-negative integer")
        }
    }
}
