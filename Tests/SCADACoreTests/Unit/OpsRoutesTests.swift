import Hummingbird
import HummingbirdTesting
import Testing
import SCADAOps

@Suite struct OpsRoutesTests {
    @Test func healthReadinessAndMetrics() async throws {
        let readiness = Readiness(checks: ["kafka"])
        let metrics = MetricsRegistry()
        let router = Router()
        OpsRoutes.add(to: router, service: "test-service", readiness: readiness, metrics: metrics)
        let app = Application(router: router)
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"service\":\"test-service\""))
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("\"name\":\"kafka\""))
            }
            readiness.set("kafka", ready: true)
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("process_resident_memory_bytes "))
            }
        }
    }
}
