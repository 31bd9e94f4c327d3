import Logging
import SCADACore
import SCADAKafka
import SCADAMongo

/// Everything the routes read and write, built once by ``APIGateway``.
struct GatewayState: Sendable {
    let configuration: APIGatewayConfiguration
    let database: MongoDatabase
    let latest: LatestView
    let alarms: AlarmView
    let analytics: AnalyticsView
    let deadLetters: DeadLetterRing
    let telemetryHub: EventHub
    let commands: CommandDispatcher
    let producer: KafkaProducer
    let metrics: GatewayMetrics
    let logger: Logger

    var devices: MongoCollection { database.collection(Collections.devices) }
    var telemetry: MongoCollection { database.collection(Collections.telemetry) }
    var rollups: MongoCollection { database.collection(Collections.rollups) }
    var alertsCollection: MongoCollection { database.collection(Collections.alerts) }
    var commandsCollection: MongoCollection { database.collection(Collections.commands) }

    /// Runs a MongoDB query; an unreachable database is a 503 problem.
    func query<T>(_ body: () async throws(MongoError) -> T) async throws(Problem) -> T {
        do {
            return try await body()
        } catch {
            logger.warning("MongoDB query failed", metadata: ["error": "\(error)"])
            throw Problem(.unavailable, "the historian database is not answering")
        }
    }
}
