import Foundation
import Logging
import SCADACore
import SCADAKafka
import SCADAMQTT
import SCADAOps

/// The main loop; the only owner of the evaluator. Each turn: take what the side tasks left in the
/// inbox (partition changes, rules, actions, statuses), run the timers, evaluate a batch of telemetry,
/// publish the transitions and, once Kafka acknowledged them, mark the batch processed.
final class DetectorLoop: @unchecked Sendable {
    let configuration: AnomalyDetectorConfiguration
    let metrics: AnomalyDetectorMetrics
    let readiness: Readiness
    let logger: Logger
    let consumer: KafkaConsumer
    let producer: KafkaProducer
    let publisher: AlarmPublisher
    let restorer: StateRestorer
    let analytics: MQTTClient?
    let inbox: Inbox
    let stopping: StopFlag
    private let evaluator: Evaluator
    private let kpis: KPIAggregator
    private var assigned = Set<Int32>()
    private var rulesVersion = 1
    private var lastTimer = ContinuousClock.now
    private var lastCommit = ContinuousClock.now
    private var lastKPI = ContinuousClock.now
    private var pendingCommit = false

    init(configuration: AnomalyDetectorConfiguration, metrics: AnomalyDetectorMetrics, readiness: Readiness, logger: Logger,
         consumer: KafkaConsumer, producer: KafkaProducer, publisher: AlarmPublisher, restorer: StateRestorer,
         analytics: MQTTClient?, inbox: Inbox, stopping: StopFlag, rules: CompiledRules) {
        self.configuration = configuration
        self.metrics = metrics
        self.readiness = readiness
        self.logger = logger
        self.consumer = consumer
        self.producer = producer
        self.publisher = publisher
        self.restorer = restorer
        self.analytics = analytics
        self.inbox = inbox
        self.stopping = stopping
        kpis = KPIAggregator(nominalLineSpeed: configuration.analytics.nominalLineSpeed, now: Self.nowMs())
        evaluator = Evaluator(rules: rules, kpis: kpis)
        evaluator.actionHistoryLimit = configuration.actionHistoryLimit
        readiness.set("state", ready: false, detail: "waiting for partitions")
    }

    static func nowMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    func run() async throws {
        while !stopping.isSet && !Task.isCancelled {
            try await handleInbox()
            await runTimers()
            let messages: [KafkaConsumerMessage]
            do {
                messages = try await consumer.poll(maxMessages: configuration.maxPollRecords, timeout: .milliseconds(100))
            } catch {
                logger.error("Kafka poll failed", metadata: ["error": "\(error)"])
                try await Task.sleep(for: .milliseconds(500))
                continue
            }
            if !messages.isEmpty { try await process(messages) }
            await commitIfDue(force: false)
        }
        if !Task.isCancelled { await commitIfDue(force: true) }
    }

    // MARK: Inbox

    private func handleInbox() async throws {
        let contents = inbox.take()
        for partition in contents.revoked where assigned.contains(partition) {
            assigned.remove(partition)
            evaluator.drop(partition: partition)
            logger.info("partition given up", metadata: ["partition": "\(partition)"])
        }
        let fresh = contents.assigned.filter { !evaluator.owns($0) }
        assigned.formUnion(contents.assigned)
        if !fresh.isEmpty { try await restore(fresh) }
        if !contents.revoked.isEmpty || !contents.assigned.isEmpty { updateReadiness() }
        if let rules = contents.rules {
            rulesVersion += 1
            evaluator.replaceRules(CompiledRules(rules, version: rulesVersion))
        }
        let now = Self.nowMs()
        for action in contents.actions {
            switch evaluator.apply(action, now: now) {
            case .applied: metrics.actionsApplied.increment()
            case .rejected(let reason):
                metrics.actionsRejected.increment()
                logger.warning("alarm action refused", metadata: ["alarm": "\(action.alarmId)", "action": "\(action.action.rawValue)",
                                                                "user": "\(action.user)", "reason": "\(reason)"])
            case .duplicate, .notOwned: break
            }
        }
        for status in contents.statuses {
            for partition in evaluator.ownedPartitions { evaluator.status(status, partition: partition) }
        }
        await publishOutputs()
    }

    /// Reads back the alarm state of `partitions` before any of their records is evaluated.
    private func restore(_ partitions: [Int32]) async throws {
        readiness.set("state", ready: false, detail: "restoring partitions \(partitions.sorted())")
        let started = ContinuousClock.now
        let restored = try await restorer.restore(partitions)
        for partition in partitions { evaluator.restore(partition: partition, alarms: restored[partition] ?? []) }
        metrics.restoreSeconds.recordNanoseconds(Int64((ContinuousClock.now - started) / .nanoseconds(1)))
        // The gauge counts the restored alarms from now on, not from the next timer tick.
        metrics.setAlarmCounts(evaluator.alarmCounts())
        logger.info("alarm state restored", metadata: [
            "partitions": "\(partitions.sorted())", "alarms": "\(restored.values.reduce(0) { $0 + $1.count })",
            "ms": "\(Int((ContinuousClock.now - started) / .milliseconds(1)))"])
        updateReadiness()
    }

    private func updateReadiness() {
        let missing = assigned.filter { !evaluator.owns($0) }
        if assigned.isEmpty {
            readiness.set("state", ready: false, detail: "no partitions assigned yet")
        } else if missing.isEmpty {
            readiness.set("state", ready: true, detail: "restored partitions \(assigned.sorted())")
        } else {
            readiness.set("state", ready: false, detail: "restoring \(missing.sorted())")
        }
    }

    // MARK: Evaluation

    private func process(_ messages: [KafkaConsumerMessage]) async throws {
        let unrestored = Set(messages.lazy.map(\.partition).filter { !self.evaluator.owns($0) })
        if !unrestored.isEmpty {
            assigned.formUnion(unrestored)
            try await restore(Array(unrestored))
        }
        let started = ContinuousClock.now
        var deadLetters: [(KafkaConsumerMessage, String)] = []
        var duplicates = 0
        for message in messages {
            do {
                let record = try TelemetryRecord(jsonBytes: message.value)
                if !evaluator.evaluate(record, partition: message.partition) { duplicates += 1 }
            } catch {
                deadLetters.append((message, error.description))
            }
        }
        metrics.recordEvaluation(ContinuousClock.now - started)
        metrics.evaluated.increment(by: Int64(messages.count - duplicates))
        if duplicates > 0 { metrics.duplicatesSkipped.increment(by: Int64(duplicates)) }
        if let newest = messages.lazy.compactMap(\.timestamp).max() {
            metrics.lagSeconds.record(max(0, Date().timeIntervalSince(newest)))
        }
        for (message, detail) in deadLetters { await sendDeadLetter(message, detail: detail) }
        await publishOutputs()
        consumer.markProcessed(messages)
        pendingCommit = true
    }

    private func publishOutputs() async {
        guard evaluator.hasOutputs else { return }
        let outputs = evaluator.takeOutputs()
        // Every transition is an event an operator may ask about later: logged once, as it is published.
        for output in outputs {
            logger.info("alarm transition", metadata: [
                "alarm": "\(output.record.alertId)", "state": "\(output.record.state.rawValue)",
                "transition": "\(output.record.transition?.rawValue ?? "-")", "sequence": "\(output.record.sequence)",
                "event_time": "\(output.record.eventTime)", "partition": "\(output.partition)",
            ])
        }
        await publisher.publish(outputs)
    }

    private func runTimers() async {
        let now = ContinuousClock.now
        if now - lastTimer >= .milliseconds(configuration.timerIntervalMs) {
            lastTimer = now
            evaluator.tick(now: Self.nowMs())
            await publishOutputs()
            metrics.setAlarmCounts(evaluator.alarmCounts())
            metrics.devices.record(evaluator.deviceCount)
        }
        if configuration.analytics.enabled, now - lastKPI >= .milliseconds(Int64(configuration.analytics.intervalSeconds * 1000)) {
            lastKPI = now
            await publishKPIs()
        }
    }

    private func publishKPIs() async {
        let critical = evaluator.alarms.filter { $0.state.isActive && $0.severity == .critical }
        let (records, cloud) = kpis.close(now: Self.nowMs(), activeCritical: critical)
        let kafka = records.compactMap { record in
            (try? record.jsonBytes()).map { KafkaProducerRecord(topic: Topics.analytics, key: Array(record.site.utf8), value: $0) }
        }
        for result in await producer.send(kafka) {
            if case .failure(let error) = result { logger.warning("analytics record not delivered", metadata: ["error": "\(error)"]) }
        }
        guard let analytics else { return }
        for document in cloud {
            analytics.publish(MQTTMessage(topic: configuration.analytics.topic, payload: document.json, qos: .atLeastOnce)) { _ in }
        }
    }

    private func commitIfDue(force: Bool) async {
        guard pendingCommit, force || ContinuousClock.now - lastCommit >= .milliseconds(configuration.commitIntervalMs) else { return }
        lastCommit = ContinuousClock.now
        pendingCommit = false
        do {
            try await consumer.commit()
        } catch {
            logger.warning("offset commit failed; records may be evaluated again (restored alarms are not raised twice)",
                           metadata: ["error": "\(error)"])
        }
    }

    private func sendDeadLetter(_ message: KafkaConsumerMessage, detail: String) async {
        metrics.deadLetters.increment()
        let headers = [
            KafkaHeader(key: DeadLetter.reasonHeader, value: "invalid_record"),
            KafkaHeader(key: DeadLetter.detailHeader, value: detail),
            KafkaHeader(key: DeadLetter.sourceHeader, value: "\(message.topic)/\(message.partition)/\(message.offset)"),
            KafkaHeader(key: DeadLetter.serviceHeader, value: AnomalyDetectorService.name),
            KafkaHeader(key: DeadLetter.rejectedAtHeader, value: String(Self.nowMs())),
        ]
        do {
            _ = try await producer.send(KafkaProducerRecord(topic: Topics.deadLetter, key: message.key, value: message.value, headers: headers))
        } catch {
            logger.error("dead letter not delivered", metadata: ["error": "\(error)"])
        }
    }
}
