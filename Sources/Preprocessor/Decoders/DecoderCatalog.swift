/// The decoders by name: the built-in definitions (`Decoders/<name>/decoder.yaml`, embedded at build time by the
/// DecoderTables plugin), the Swift ones they refer to, and the configured custom ones.
public enum DecoderCatalog {
    /// Decoders written in Swift, by name; each has a folder whose `decoder.yaml` says `implementation: swift`.
    static let swiftDecoders: [String: any TelemetryDecoder] = [
        "fish_tank_range": FishTankRangeDecoder(),
    ]

    private static let parsedBuiltIns: Result<[DecoderDefinition], RouteError> = Result { () throws(RouteError) in
        try EmbeddedDecoderTables.files.map { file throws(RouteError) in
            let definition = try DecoderDefinition.parse(yaml: file.text, source: "Decoders/\(file.folder)/decoder.yaml")
            guard definition.name == file.folder else {
                throw RouteError("Decoders/\(file.folder)/decoder.yaml: name '\(definition.name)' must be the folder's name")
            }
            return definition
        }
    }

    /// The built-in definitions, in folder order.
    public static func builtIn() throws(RouteError) -> [DecoderDefinition] { try parsedBuiltIns.get() }

    /// Built-in and `custom` definitions by name; a custom one replaces a built-in one of the same name.
    public static func definitions(custom: [DecoderDefinition]) throws(RouteError) -> [DecoderDefinition] {
        var definitions = try builtIn()
        for entry in custom {
            try entry.validate()
            definitions.removeAll { $0.name == entry.name }
            definitions.append(entry)
        }
        return definitions
    }

    /// Every decoder, keyed by name.
    public static func decoders(custom: [DecoderDefinition]) throws(RouteError) -> [String: any TelemetryDecoder] {
        var byName: [String: any TelemetryDecoder] = [:]
        for definition in try definitions(custom: custom) {
            switch definition.implementation {
            case .fieldTable:
                byName[definition.name] = FieldTableDecoder(definition)
            case .swift:
                guard let decoder = swiftDecoders[definition.name] else {
                    throw RouteError("decoder \(definition.name) says implementation: swift, but no Swift decoder has that name")
                }
                byName[definition.name] = decoder
            }
        }
        return byName
    }

    /// The default route table: every definition's routes by priority, then decoder name, then their order in the file.
    public static func defaultRoutes(custom: [DecoderDefinition]) throws(RouteError) -> [Route] {
        let ranked = try definitions(custom: custom).flatMap { definition in
            definition.routes.enumerated().map { (definition.name, $0.offset, $0.element) }
        }
        return ranked.sorted { ($0.2.priority, $0.0, $0.1) < ($1.2.priority, $1.0, $1.1) }
            .map { Route(topic: $0.2.topic, field: $0.2.field, decoder: $0.0) }
    }
}
