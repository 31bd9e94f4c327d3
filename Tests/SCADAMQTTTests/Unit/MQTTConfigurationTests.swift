import SCADAMQTT
import Testing

@Suite struct MQTTConfigurationTests {
    @Test func parsesHostPortAndCredentials() throws {
        let plain = try MQTTConfiguration(url: "mqtt://broker.local", clientID: "c")
        #expect(plain.host == "broker.local" && plain.port == 1883 && plain.username == nil && plain.tls == nil)
        let full = try MQTTConfiguration(url: "mqtt://op%40plant:s%3Acret@10.0.0.5:1884", clientID: "c")
        #expect(full.host == "10.0.0.5" && full.port == 1884)
        #expect(full.username == "op@plant" && full.password == "s:cret")
        let secure = try MQTTConfiguration(url: "mqtts://broker", clientID: "c")
        #expect(secure.port == 8883 && secure.tls != nil)
    }

    @Test(arguments: ["http://broker:1883", "broker:1883", "mqtt://:1883", "mqtt://broker:99999", "mqtt://:pw@broker"])
    func rejectsBadURLs(_ url: String) {
        #expect { try MQTTConfiguration(url: url, clientID: "c") } throws: { error in
            (error as? MQTTError)?.kind == .invalidURL
        }
    }

    @Test func rejectsEmptyClientID() {
        #expect(throws: MQTTError.self) { try MQTTConfiguration(url: "mqtt://broker", clientID: "") }
    }
}
