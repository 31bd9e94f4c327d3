import Foundation
import Logging
import SCADACore
import SCADAKafka
import SCADAMongo
import SCADAOps
import SCADATestSupport
@testable import DBInterface

let testLogger: Logger = {
    var logger = Logger(label: "db-interface.test")
    logger.logLevel = ProcessInfo.processInfo.environment["SCADA_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
    return logger
}()

/// Real tansu and nx-27017 with the topics the historian reads.
struct Servers {
    let kafka: KafkaServer
    let mongo: MongoServer

    static func start() async throws -> Servers {
        async let kafka = KafkaServer.start()
        async let mongo = MongoServer.start()
        let servers = Servers(kafka: try await kafka, mongo: try await mongo)
        for topic in [Topics.telemetry, Topics.deviceStatus, Topics.alerts, Topics.deadLetter] {
            try servers.kafka.createTopic(topic, partitions: topic == Topics.telemetry ? 3 : 1)
        }
        return servers
    }

    func shutdown() {
        kafka.shutdown()
        mongo.shutdown()
    }

    func database() throws -> (MongoClient, MongoDatabase) {
        let client = try MongoClient(configuration: MongoClientConfiguration(uri: mongo.uri, serverSelectionTimeout: .seconds(5)),
                                     logger: testLogger)
        return (client, client.database(Collections.database))
    }

    func producer() throws -> KafkaProducer {
        try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: kafka.bootstrapServers), logger: testLogger)
    }
}

/// The historian running in this process until `stop()` (graceful) or `abort()` (like kill -9: no commit).
enum RunningHistorian {
    static func start(_ servers: Servers, configure: (inout DBInterfaceConfiguration) -> Void = { _ in }) async throws -> RunningService {
        var common = CommonConfiguration(defaultHTTPPort: 0)
        common.kafka.brokers = servers.kafka.bootstrapServers
        common.kafka.sessionTimeoutMs = 6000
        common.mongodb.uri = servers.mongo.uri
        var configuration = DBInterfaceConfiguration()
        configuration.retry.maxMs = 1000
        configure(&configuration)
        let registry = MetricsRegistry()
        let readiness = Readiness(checks: ["kafka", "mongodb"])
        let historian = Historian(common: common, configuration: configuration,
                                  metrics: DBInterfaceMetrics(factory: registry.factory), readiness: readiness, logger: testLogger)
        return try await RunningService.start(historian, registry: registry, readiness: readiness, logger: testLogger)
    }
}

/// Two hours ago, on a minute boundary: recent enough for the 7-day TTL (nx-27017 expires at once).
let testBase: Int64 = {
    let now = Int64(Date().timeIntervalSince1970 * 1000) - 7_200_000
    return now / 60_000 * 60_000
}()

/// A telemetry record of `device` with `seq`, one per second from `testBase`.
func sample(_ device: String, seq: Int64, base: Int64 = testBase) -> TelemetryRecord {
    TelemetryRecord(deviceId: device, deviceType: "manufacturing", site: "plant-1", line: "line1",
                    eventTime: base + seq * 1000, receiveTime: base + seq * 1000 + 5, seq: seq,
                    metrics: ["temperature": 20 + Double(seq % 17) * 0.5, "voltages.L1": 230 + Double(seq % 5)],
                    states: ["status": .string("running")], sourceTopic: "factory/line1")
}

func send(_ records: [TelemetryRecord], with producer: KafkaProducer) async throws {
    let results = await producer.send(try records.map {
        KafkaProducerRecord(topic: Topics.telemetry, key: Array($0.deviceId.utf8), value: try $0.jsonBytes())
    })
    for result in results { _ = try result.get() }
}

/// Rollups recomputed from the stored raw samples, keyed by bucket id: (samples, sum, count, min, max) of `metric`.
func recomputedRollups(_ database: MongoDatabase, metric: String) async throws -> [String: [Double]] {
    let raw = try await database.collection(Collections.telemetry).find()
    let records = raw.compactMap(RawSample.record)
    var result: [String: [Double]] = [:]
    for (key, bucket) in RollupBucket.aggregate(records) {
        guard let stats = bucket.metrics[metric] else { continue }
        result[key.id] = [Double(bucket.samples), stats.sum, Double(stats.count), stats.min, stats.max]
    }
    return result
}

func storedRollups(_ database: MongoDatabase, metric: String) async throws -> [String: [Double]] {
    var result: [String: [Double]] = [:]
    for document in try await database.collection(Collections.rollups).find() {
        guard case .string(let id)? = document["_id"],
              case .document(let stats)? = document[path: "m." + FieldNames.encode(metric)] else { continue }
        result[id] = [document["samples"]?.asDouble ?? -1, stats["sum"]?.asDouble ?? -1, stats["count"]?.asDouble ?? -1,
                      stats["min"]?.asDouble ?? -1, stats["max"]?.asDouble ?? -1]
    }
    return result
}

extension Servers {
    /// The dead letters on `scada.deadletter`, consumed until `count` arrived (or a minute passed).
    func deadLetters(count: Int) async throws -> [KafkaConsumerMessage] {
        let consumer = try kafka.consumer(topics: [Topics.deadLetter], logger: testLogger)
        let letters = try await consumer.consume(count: count)
        await consumer.close()
        return letters
    }
}

