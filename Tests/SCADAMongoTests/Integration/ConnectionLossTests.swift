import Foundation
import SCADAMongo
import SCADATestSupport
import Testing

/// Serialized: one test stops the server the others use.
@Suite(.mongoServer, .serialized, .timeLimit(.minutes(3)))
struct ConnectionLossTests {
    /// Stop the server: operations fail fast with a retryable `.connection`; restart it: the same
    /// client works again and the data is still there. Done once with SIGTERM and once with SIGKILL.
    @Test func lostConnectionIsRetryableAndRecovers() async throws {
        let fx = try MongoFixture.require()
        let client = try MongoClient(configuration: .testing(uri: fx.server.uri, serverSelectionTimeout: .seconds(2)))
        defer { client.close() }
        let c = client.database("outage").collection("samples")
        try await c.insertMany((0..<50).map { ["_id": .int64(Int64($0))] })

        for (round, crash) in [(1, false), (2, true)] {
            if crash { fx.server.kill9() } else { fx.server.stop() }
            let clock = ContinuousClock()
            // The first call may hit a pooled socket (network error), later ones fail server selection.
            for attempt in 1...2 {
                let started = clock.now
                let error = try await withDeadline(10, "operation against a stopped server") {
                    await mongoError { _ = try await c.insertOne(["round": .int64(Int64(round)), "attempt": .int64(Int64(attempt))]) }
                }
                let elapsed = clock.now - started
                #expect(error?.kind == .connection, "round \(round) attempt \(attempt): \(String(describing: error))")
                #expect(error?.isRetryable == true)
                #expect(error?.isDuplicateKey == false)
                #expect(elapsed < .seconds(6), "failed after \(elapsed), selection timeout is 2 s")
                print("outage round \(round) (\(crash ? "SIGKILL" : "SIGTERM")), attempt \(attempt): \(error?.kind.description ?? "-") after \(elapsed)")
            }
            let pingError = await mongoError { try await client.ping() }
            #expect(pingError?.kind == .connection)

            try await fx.server.restart()
            let restarted = clock.now
            let recovered = try await withDeadline(20, "recovery after restart") {
                while true {
                    do {
                        try await client.ping()
                        return clock.now
                    } catch let error as MongoError where error.isRetryable {
                        try await Task.sleep(for: .milliseconds(200))
                    }
                }
            }
            print("outage round \(round): client usable \(recovered - restarted) after the server listened again")
            #expect(try await c.countDocuments(["_id": ["$lt": 50]]) == 50, "data kept across the restart")
            try await c.insertOne(["_id": .int64(Int64(1000 + round))])
        }
        #expect(try await c.countDocuments() == 52)
    }

    @Test func unreachableServerFailsWithinTheSelectionTimeout() async throws {
        let port = try Loopback.freePort()
        let client = try MongoClient(configuration: .testing(uri: "mongodb://127.0.0.1:\(port)", serverSelectionTimeout: .seconds(1)))
        defer { client.close() }
        let clock = ContinuousClock()
        let started = clock.now
        let error = try await withDeadline(10, "ping of an unreachable server") { await mongoError { try await client.ping() } }
        #expect(error?.kind == .connection)
        #expect(error?.isRetryable == true)
        #expect(clock.now - started < .seconds(4))
    }

    @Test func invalidURIAndClosedClient() async throws {
        for uri in ["", "http://localhost", "mongodb://", "mongodb://host:99999"] {
            let error = try #require(throws: MongoError.self, "\(uri)") { try MongoClient(uri: uri) }
            #expect(error.kind == .invalidURI, "\(uri): \(error)")
        }
        let fx = try MongoFixture.require()
        let client = try MongoClient(configuration: .testing(uri: fx.server.uri))
        try await client.ping()
        client.close()
        let error = await mongoError { try await client.ping() }
        #expect(error?.kind == .clientClosed)
    }
}
