import Logging
import SCADACore
import SCADAMQTT

/// The MQTT → Kafka loop: takes batches from the MQTT receive buffer, normalises each message and
/// hands the result to Kafka in arrival order (so per-device order is kept). Ends when the MQTT
/// stream ends, after the last received message was handed over.
struct Bridge: Sendable {
    let normaliser: Normaliser
    let output: KafkaOutput
    let metrics: PreprocessorMetrics
    let batchSize: Int
    let intakeLinger: Duration
    let logger: Logger

    /// Most distinct topics whose plan is cached.
    static let planCacheLimit = 100_000

    /// `onBatch` is told the size of every batch taken (the session takeover's intake clock).
    func run(_ mqtt: MQTTClient, onBatch: @Sendable (Int) -> Void = { _ in }) async {
        var plans: [String: TopicPlan] = [:]
        let messages = mqtt.messages
        while true {
            let batch = await messages.nextBatch(max: batchSize)
            if batch.isEmpty { break }
            let receiveTime = Clock.milliseconds()
            metrics.received.increment(by: Int64(batch.count))
            onBatch(batch.count)
            for message in batch {
                let plan: TopicPlan
                if let cached = plans[message.topic] {
                    plan = cached
                } else {
                    plan = normaliser.candidateRoutes(for: message.topic)
                    if plans.count >= Self.planCacheLimit { plans.removeAll(keepingCapacity: true) }
                    plans[message.topic] = plan
                }
                await handle(message, plan: plan, receiveTime: receiveTime, mqtt: mqtt)
            }
            metrics.bufferDepth.record(mqtt.bufferedMessageCount)
            metrics.inFlight.record(output.inFlight)
            // At moderate rates each message would wake this task on its own; gathering for a moment
            // turns thousands of wake-ups per second into hundreds, for at most `intakeLinger` of latency.
            if batch.count < batchSize / 4, intakeLinger > .zero { try? await Task.sleep(for: intakeLinger) }
        }
    }

    /// Normalises `message` and hands the result to Kafka; the message is acknowledged to the broker once
    /// Kafka has its record (or its dead letter), or at once when it is ignored.
    func handle(_ message: MQTTMessage, plan: TopicPlan, receiveTime: Int64, mqtt: MQTTClient) async {
        let receipt = message.receipt
        let delivered: @Sendable () -> Void = { mqtt.acknowledge(receipt) }
        switch normaliser.process(topic: message.topic, payload: message.payload, receiveTime: receiveTime, plan: plan) {
        case .telemetry(let deviceID, let json, let eventTime):
            metrics.valid.increment()
            await output.sendTelemetry(deviceID: deviceID, json: json, eventTime: eventTime, receiveTime: receiveTime,
                                       delivered: delivered)
        case .status(let status):
            metrics.statusChanges.increment()
            await output.sendStatus(status, delivered: delivered)
        case .rejected(let rejection):
            metrics.invalid(rejection.reason)
            logger.debug("rejected", metadata: ["topic": "\(message.topic)", "reason": "\(rejection.reason.rawValue)",
                                                "detail": "\(rejection.detail)"])
            await output.sendDeadLetter(original: message.payload, rejection: rejection, source: message.topic, key: nil,
                                        delivered: delivered)
        case .ignored:
            metrics.ignored.increment()
            delivered()
        }
    }
}
