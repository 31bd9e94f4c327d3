import Foundation
import Logging
import SCADACore
import SCADAKafka

/// Reads the alarm states of some partitions back from the compacted `scada.alarm-state`, up to its end.
///
/// The end is found by consuming, not by watermark: a marker record (a tombstone with a unique key) is
/// written to each partition first, and the partition is read from the beginning until the marker's offset.
struct StateRestorer: Sendable {
    let producer: KafkaProducer
    let bootstrapServers: String
    let topic: String
    let extra: [String: String]
    let timeout: Duration
    let logger: Logger

    /// The latest state of every alarm on each partition (tombstoned alarms left out).
    func restore(_ partitions: [Int32]) async throws -> [Int32: [AlertRecord]] {
        guard !partitions.isEmpty else { return [:] }
        var ends: [Int32: Int64] = [:]
        for partition in partitions {
            let marker = KafkaProducerRecord(topic: topic, key: Array((AlarmTopics.restoreMarkerPrefix + UUID().uuidString).utf8),
                                             value: [], partition: partition)
            let report = try await producer.send(marker)
            ends[partition] = report.offset
        }
        let reader = try KafkaPartitionReader(bootstrapServers: bootstrapServers, partitions: partitions.map { (topic, $0) },
                                              start: .beginning, clientID: "anomaly-detector-restore", prefetchKilobytes: 65_536,
                                              extra: extra, logger: logger)
        var latest: [Int32: [String: AlertRecord]] = [:]
        var done = Set<Int32>()
        let deadline = ContinuousClock.now + timeout
        do {
            while done.count < partitions.count {
                guard ContinuousClock.now < deadline else {
                    throw AnomalyDetectorError("alarm state of partitions \(partitions.sorted()) not read back within \(timeout)")
                }
                try Task.checkCancellation()
                for message in try await reader.poll(maxMessages: 5_000, timeout: .milliseconds(200)) {
                    if let end = ends[message.partition], message.offset >= end { done.insert(message.partition) }
                    guard let key = message.key.map({ String(decoding: $0, as: UTF8.self) }),
                          !key.hasPrefix(AlarmTopics.restoreMarkerPrefix) else { continue }
                    if message.value.isEmpty {
                        latest[message.partition]?[key] = nil
                    } else if let record = try? AlertRecord(jsonBytes: message.value) {
                        latest[message.partition, default: [:]][record.alertId] = record
                    } else {
                        logger.warning("unreadable alarm state skipped", metadata: ["key": "\(key)", "offset": "\(message.offset)"])
                    }
                }
            }
        } catch {
            await reader.close()
            throw error
        }
        await reader.close()
        var result: [Int32: [AlertRecord]] = [:]
        for partition in partitions { result[partition] = Array((latest[partition] ?? [:]).values) }
        return result
    }
}
