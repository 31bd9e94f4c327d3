import Foundation
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

    /// A server must not inherit the test runner's descriptors: one holding the runner's output pipe
    /// keeps `swift test` waiting for end-of-file after the tests finish.
    @Test func serversInheritNoDescriptors() async throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        let ourPipe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(ends[1])")
        let broker = try await MosquittoServer.start()
        defer { broker.shutdown() }
        let pid = try #require(broker.pid)
        let theirs = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").compactMap {
            try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)")
        }
        #expect(!theirs.isEmpty)
        #expect(!theirs.contains(ourPipe))
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
