import Testing
import SCADATestSupport

@Suite struct HarnessSmokeTests {
    @Test func mosquittoStartsAndStops() async throws {
        let broker = try await MosquittoServer.start()
        #expect(Loopback.isListening(port: broker.port))
        broker.stop()
        #expect(!broker.isRunning)
        try await broker.restart()
        #expect(Loopback.isListening(port: broker.port))
        broker.shutdown()
    }

    @Test func tansuStarts() async throws {
        let kafka = try await KafkaServer.start()
        try kafka.createTopic("smoke", partitions: 2)
        kafka.shutdown()
    }

    @Test func mongoStarts() async throws {
        let mongo = try await MongoServer.start()
        #expect(Loopback.isListening(port: mongo.port))
        mongo.shutdown()
    }
}
