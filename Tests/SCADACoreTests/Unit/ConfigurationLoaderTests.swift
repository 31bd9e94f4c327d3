import Testing
@testable import SCADACore

@Suite struct ConfigurationLoaderTests {
    struct Section: Codable, Equatable {
        var topics: [String] = ["factory/#"]
        var maxPayloadBytes: Int = 65_536
        var enrichment: [String: String] = [:]
    }

    @Test func defaultsWhenNoFileIsGiven() throws {
        let loader = try ConfigurationLoader.fromEnvironment([:])
        let common = try loader.common(defaultHTTPPort: 8081)
        #expect(common.mqtt.url == "mqtt://localhost:1883")
        #expect(common.kafka.brokers == "localhost:9092")
        #expect(common.http.port == 8081)
        #expect(try loader.section("preprocessor", defaults: Section()) == Section())
    }

    @Test func fileOverridesDefaultsAndEnvironmentOverridesFile() throws {
        let yaml = """
        mqtt:
          url: mqtt://broker:1884
        kafka:
          brokers: k1:9092,k2:9092
          properties:
            compression.type: lz4
        http:
          port: 9000
        preprocessor:
          maxPayloadBytes: 1024
          enrichment:
            line1: site-a
        """
        let env = ["SCADA_MQTT_URL": "mqtt://user:pw@env-broker:1883", "SCADA_HTTP_PORT": "9100", "SCADA_LOG_LEVEL": "debug"]
        let loader = try ConfigurationLoader(yaml: yaml, environment: env)
        let common = try loader.common(defaultHTTPPort: 8081)
        #expect(common.mqtt.url == "mqtt://user:pw@env-broker:1883")
        #expect(common.kafka.brokers == "k1:9092,k2:9092")
        #expect(common.kafka.properties == ["compression.type": "lz4"])
        #expect(common.http.port == 9100)
        #expect(common.logLevel == .debug)
        let section = try loader.section("preprocessor", defaults: Section())
        #expect(section.maxPayloadBytes == 1024)
        #expect(section.topics == ["factory/#"])
        #expect(section.enrichment == ["line1": "site-a"])
    }

    @Test func unknownKeyIsReportedWithItsPath() throws {
        let loader = try ConfigurationLoader(yaml: "preprocessor:\n  topcis: [a]\n")
        #expect { try loader.section("preprocessor", defaults: Section()) } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.kind == .unknownKey && error.description.contains("preprocessor.topcis")
        }
    }

    @Test func wrongTypeIsAnInvalidValue() throws {
        let loader = try ConfigurationLoader(yaml: "preprocessor:\n  maxPayloadBytes: lots\n")
        #expect { try loader.section("preprocessor", defaults: Section()) } throws: { error in
            (error as? ConfigurationError)?.kind == .invalidValue
        }
    }

    @Test func badEnvironmentValuesAreRejected() throws {
        let loader = try ConfigurationLoader(yaml: "", environment: ["SCADA_HTTP_PORT": "eighty"])
        #expect(throws: ConfigurationError.self) { try loader.common(defaultHTTPPort: 1) }
        let badBrokers = try ConfigurationLoader(yaml: "", environment: ["SCADA_KAFKA_BROKERS": "nohostport"])
        #expect(throws: ConfigurationError.self) { try badBrokers.common(defaultHTTPPort: 1) }
        let badLevel = try ConfigurationLoader(yaml: "", environment: ["SCADA_LOG_LEVEL": "loud"])
        #expect(throws: ConfigurationError.self) { try badLevel.common(defaultHTTPPort: 1) }
    }

    @Test func invalidYAMLIsReported() {
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader(yaml: "a: [unclosed") }
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader(yaml: "- just\n- a list\n") }
    }
}
