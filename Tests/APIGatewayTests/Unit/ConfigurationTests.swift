import Foundation
import SCADACore
import Testing
@testable import APIGateway

/// `configmaps/api-gateway.yaml` lists every option with its default, and decodes.
struct ConfigurationTests {
    @Test func configMapSectionEqualsTheDefaults() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../configmaps/api-gateway.yaml").path
        let loader = try ConfigurationLoader(yaml: try String(contentsOfFile: path, encoding: .utf8))
        let configuration = try loader.section("apiGateway", defaults: APIGatewayConfiguration())
        #expect(configuration == APIGatewayConfiguration())
        try configuration.validate()
        #expect(try loader.common(defaultHTTPPort: 0).http.port == 8000)
        // Unknown keys are reported.
        #expect(throws: (any Error).self) { try ConfigurationLoader(yaml: "apiGateway:\n  rateLimt: {}\n").section("apiGateway", defaults: APIGatewayConfiguration()) }
        var invalid = APIGatewayConfiguration()
        invalid.pagination.maxLimit = 0
        #expect(throws: APIGatewayError.self) { try invalid.validate() }
    }
}
