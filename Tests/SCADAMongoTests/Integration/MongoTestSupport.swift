import Foundation
import Logging
import SCADAMongo
import SCADATestSupport
import Testing

/// One nx-27017 server and a client on it, shared by the tests of one suite.
struct MongoFixture: Sendable {
    let server: MongoServer
    let client: MongoClient

    /// The fixture of the enclosing `.mongoServer` suite.
    @TaskLocal static var current: MongoFixture?

    static func require() throws -> MongoFixture {
        try #require(current, "the suite needs the .mongoServer trait")
    }

    /// A database with a name unique to the calling test.
    func database(_ test: String = #function) -> MongoDatabase {
        let name = "t_" + test.prefix { $0.isLetter || $0.isNumber } + "_" + UUID().uuidString.prefix(6)
        return client.database(String(name))
    }
}

/// Starts a fresh nx-27017 for the suite it is attached to and shuts it down afterwards.
struct MongoServerTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let server = try await MongoServer.start()
        defer { server.shutdown() }
        let client = try MongoClient(configuration: .testing(uri: server.uri))
        defer { client.close() }
        try await MongoFixture.$current.withValue(MongoFixture(server: server, client: client)) {
            try await function()
        }
    }
}

extension Trait where Self == MongoServerTrait {
    /// A real nx-27017 server for this suite (started once, shut down when the suite ends).
    static var mongoServer: Self { MongoServerTrait() }
}

extension MongoClientConfiguration {
    /// Short timeouts so a broken server fails a test in seconds, never hangs it.
    static func testing(uri: String, serverSelectionTimeout: Duration = .seconds(5)) -> MongoClientConfiguration {
        MongoClientConfiguration(
            uri: uri, appName: "scada-mongo-tests", maxPoolSize: 4, serverSelectionTimeout: serverSelectionTimeout,
            connectTimeout: .seconds(2), socketTimeout: .seconds(20), heartbeatFrequency: .milliseconds(500))
    }
}

/// Runs `body`, failing if it takes longer than `seconds`.
func withDeadline<T: Sendable>(
    _ seconds: Double, _ what: String = "operation", _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw DeadlineExceeded(description: "\(what) took longer than \(seconds) s")
        }
        return value
    }
}

struct DeadlineExceeded: Error, CustomStringConvertible {
    let description: String
}

/// The `MongoError` `body` throws, or a test failure if it throws nothing or something else.
func mongoError(_ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async -> MongoError? {
    do {
        try await body()
        Issue.record("expected a MongoError, got success", sourceLocation: sourceLocation)
        return nil
    } catch let error as MongoError {
        return error
    } catch {
        Issue.record("expected a MongoError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
