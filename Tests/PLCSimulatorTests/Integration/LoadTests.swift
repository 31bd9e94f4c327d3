import Foundation
import Logging
import SCADATestSupport
import Testing
@testable import PLCSimulator

extension IntegrationTests {
    @Suite(.timeLimit(.minutes(2)))
    struct LoadTests {
        @Test func smallLoadRunIsFullyAcknowledged() async throws {
            let broker = try await MosquittoServer.start()
            defer {
                broker.kill9()
                try? FileManager.default.removeItem(at: broker.directory)
            }
            var options = LoadOptions(count: 20_000, devices: 50, url: broker.url)
            options.connections = 2
            let report = try await LoadGenerator.run(options, logger: Logger(label: "load-test"))
            #expect(report.succeeded)
            #expect(report.acknowledged == 20_000 && report.failed == 0)
            #expect(report.rate > 0)
            #expect(report.summary.contains("RESULT rate="))
        }

        @Test func loadAgainstNoBrokerFails() async throws {
            let port = try Loopback.freePort()
            var options = LoadOptions(count: 10, devices: 1, url: "mqtt://127.0.0.1:\(port)")
            options.window = 1
            options.connectTimeout = .seconds(1)
            await #expect(throws: (any Error).self) { try await LoadGenerator.run(options, logger: Logger(label: "load-test")) }
        }
    }
}
