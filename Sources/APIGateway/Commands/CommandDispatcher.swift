import Foundation
import Logging
import SCADACore
import SCADAMQTT
import SCADAMongo
import Synchronization

/// Operator commands: publishes `{"command_id","command","params"}` to `{device topic}/commands` at QoS 1,
/// listens on `{device topic}/commands/ack` (subscribed before the first command to that device is sent), and
/// keeps the audit trail in MongoDB `commands` (who, what, when, and the device's answer, even a late one).
final class CommandDispatcher: Sendable {
    /// A device's answer (docs/payloads.md).
    struct Ack: Sendable {
        var commandID: String
        var result: String
        var reason: String?
        var timestamp: Int64?
        var receivedAt: Int64
    }

    let mqtt: MQTTClient
    let collection: MongoCollection
    let logger: Logger
    let metrics: GatewayMetrics
    let waiters = Waiters<Ack>()
    private let subscribed = Mutex<Set<String>>([])

    init(mqtt: MQTTClient, collection: MongoCollection, metrics: GatewayMetrics, logger: Logger) {
        self.mqtt = mqtt
        self.collection = collection
        self.metrics = metrics
        self.logger = logger
    }

    /// Records, publishes and waits up to `timeout` for the ack. Returns the audit document (with the ack when
    /// it came in time).
    func send(device: String, deviceTopic: String, command: String, params: JSON, identity: Identity,
              timeout: Duration) async throws -> (document: BSONDocument, acked: Bool) {
        let commandID = "cmd-" + UUID().uuidString.lowercased()
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let ackTopic = deviceTopic + "/commands/ack"
        try await ensureSubscribed(ackTopic)
        var document: BSONDocument = [
            "_id": .string(commandID), "device_id": .string(device), "command": .string(command),
            "params_json": .string(String(decoding: params.bytes, as: UTF8.self)),
            "topic": .string(deviceTopic + "/commands"), "user": .string(identity.subject), "role": .string(identity.role.rawValue),
            "auth": .string(identity.method), "requested_at": .datetime(milliseconds: now), "status": "pending",
        ]
        _ = try await collection.insertOne(document)
        let answer = waiters.register(commandID)
        let payload = JSON.object([("command_id", .string(commandID)), ("command", .string(command)), ("params", params)]).bytes
        do {
            try await mqtt.publish(topic: deviceTopic + "/commands", payload: payload, qos: .atLeastOnce)
        } catch {
            waiters.remove(commandID)
            _ = try? await collection.updateOne(filter: ["_id": .string(commandID)],
                                                update: ["$set": ["status": "failed", "error": .string("\(error)")]])
            throw Problem(.upstreamFailed, "the command could not be published to the broker")
        }
        metrics.commandsSent.increment()
        guard let ack = await Waiters<Ack>.first(of: answer, within: timeout) else {
            waiters.remove(commandID)
            return (document, false)
        }
        document["status"] = .string(ack.result)
        document["ack"] = Self.ackDocument(ack)
        return (document, true)
    }

    /// Handles a message on an ack topic: resolves the waiting request and records the outcome.
    func handleAck(_ message: MQTTMessage) async {
        guard case .object(let fields)? = JSON.parse(message.payload),
              case .string(let commandID)? = fields.first(where: { $0.0 == "command_id" })?.1 else {
            logger.warning("ignoring an ack without command_id", metadata: ["topic": "\(message.topic)"])
            return
        }
        func text(_ key: String) -> String? {
            if case .string(let value)? = fields.first(where: { $0.0 == key })?.1 { return value }
            return nil
        }
        var timestamp: Int64?
        if case .int(let value)? = fields.first(where: { $0.0 == "timestamp" })?.1 { timestamp = value }
        let ack = Ack(commandID: commandID, result: text("result") ?? "unknown", reason: text("reason"), timestamp: timestamp,
                      receivedAt: Int64(Date().timeIntervalSince1970 * 1000))
        metrics.commandAcks.increment()
        waiters.resolve(commandID, ack)
        do {
            _ = try await collection.updateOne(filter: ["_id": .string(commandID)],
                                               update: ["$set": ["status": .string(ack.result), "ack": Self.ackDocument(ack)]])
        } catch {
            logger.warning("could not record a command ack", metadata: ["command_id": "\(commandID)", "error": "\(error)"])
        }
    }

    func ensureSubscribed(_ topic: String) async throws {
        guard !subscribed.withLock({ $0.contains(topic) }) else { return }
        do {
            try await mqtt.subscribe(topic, qos: .atLeastOnce)
        } catch {
            throw Problem(.upstreamFailed, "the broker refused the ack subscription")
        }
        subscribed.withLock { _ = $0.insert(topic) }
    }

    static func ackDocument(_ ack: Ack) -> BSONValue {
        var document: BSONDocument = ["result": .string(ack.result), "received_at": .datetime(milliseconds: ack.receivedAt)]
        if let reason = ack.reason { document["reason"] = .string(reason) }
        if let timestamp = ack.timestamp { document["timestamp"] = .int64(timestamp) }
        return .document(document)
    }
}

/// JSON ⇄ BSON for the free-form parts of documents (command params) and answers built from documents.
enum BSONConversion {
    static func value(_ json: JSON) -> BSONValue {
        switch json {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .int(let number): .int64(number)
        case .double(let number): .double(number)
        case .string(let text): .string(text)
        case .array(let items): .array(items.map(value))
        case .object(let fields): .document(BSONDocument(fields.map { ($0.0, value($0.1)) }))
        case .raw(let bytes): JSON.parse(bytes).map(value) ?? .null
        }
    }

    /// A stored value as JSON: dates as epoch ms, ids as strings.
    static func json(_ value: BSONValue) -> JSON {
        switch value {
        case .double(let number): .double(number)
        case .string(let text): .string(text)
        case .document(let document): json(document)
        case .array(let items): .array(items.map(json))
        case .bool(let flag): .bool(flag)
        case .datetime(let date): .int(Int64((date.timeIntervalSince1970 * 1000).rounded()))
        case .int32(let number): .int(Int64(number))
        case .int64(let number): .int(number)
        case .objectId(let id): .string("\(id)")
        case .null: .null
        default: .string(value.description)
        }
    }

    /// A stored time as UTC ms: a BSON date, epoch ms, or the text some servers (nx-27017) leave after a `$set`
    /// of a date (`2026-01-02 03:04:05[.ffffff]`, UTC).
    static func milliseconds(_ value: BSONValue?) -> Int64? {
        switch value {
        case .datetime(let date)?: Int64((date.timeIntervalSince1970 * 1000).rounded())
        case .string(let text)?: TimeParser.milliseconds(text)
        case let other?: other.int64Value
        case nil: nil
        }
    }

    /// A stored flag (nx-27017 may keep a `$set` boolean as 0/1).
    static func bool(_ value: BSONValue?) -> Bool? {
        value?.boolValue ?? value?.int64Value.map { $0 != 0 }
    }

    static func json(_ document: BSONDocument) -> JSON {
        .object(document.map { ($0.key, json($0.value)) })
    }
}
