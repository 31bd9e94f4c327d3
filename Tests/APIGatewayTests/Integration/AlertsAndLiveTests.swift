import AsyncHTTPClient
import Foundation
import HummingbirdWSClient
import Logging
import SCADACore
import SCADAKafka
import SCADATestSupport
import Synchronization
import Testing
@testable import APIGateway

/// Alarms: list and detail from the views, SSE with `Last-Event-ID` replay, WebSocket, and operator actions that
/// reach `scada.alert-actions` (this test acts as the anomaly-detector and answers with the alarm's new state).
@Suite(.serialized) struct AlertsAndLiveTests {
    @Test func reconnectingSSEClientMissesNothingAndWebSocketStreams() async throws {
        let servers = try await Servers.start()
        defer { servers.shutdown() }
        let producer = try servers.producer()
        let gateway = try await RunningGateway.start(servers)
        let url = gateway.baseURL + "/api/v1/alerts/stream"
        let start = nowMilliseconds
        func transition(_ n: Int64) throws -> (String, String?, [UInt8]) {
            let state: AlertRecord.State = n % 2 == 1 ? .activeUnacknowledged : .normal
            return (Topics.alerts, "TANK", try alert("TANK", sequence: n, state: state, transition: n % 2 == 1 ? .raised : .cleared,
                                                     at: start + n).jsonBytes())
        }
        // First connection: transitions 1...3, then the client goes away.
        let lastSeen: String = try await withThrowingTaskGroup(of: Void.self) { group in
            let (stream, continuation) = AsyncStream<SSEItem>.makeStream()
            group.addTask { try await readSSE(url, token: TestTokens.viewer, into: continuation) }
            var iterator = stream.makeAsyncIterator()
            try await awaitConnected(&iterator)
            try await send(try (1...3).map(transition), with: producer)
            let events = try await nextEvents(3, from: &iterator)
            #expect(events.map { $0.object["sequence"] as? Int } == [1, 2, 3])
            #expect(events.allSatisfy { $0.event == "alert" && $0.id != nil })
            group.cancelAll()
            return try #require(events.last?.id)
        }
        // Missed while away: 4...6. Then a reconnect with Last-Event-ID gets exactly those, then live ones.
        try await send(try (4...6).map(transition), with: producer)
        try await eventually("the gateway to see transition 6") {
            try await gateway.request("/api/v1/alerts").items.first?["sequence"] as? Int == 6
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            let (stream, continuation) = AsyncStream<SSEItem>.makeStream()
            group.addTask { try await readSSE(url, token: TestTokens.viewer, lastEventID: lastSeen, into: continuation) }
            var iterator = stream.makeAsyncIterator()
            let replayed = try await nextEvents(3, from: &iterator)
            #expect(replayed.map { $0.object["sequence"] as? Int } == [4, 5, 6])
            try await send([try transition(7)], with: producer)
            let live = try await nextEvents(1, from: &iterator)
            #expect(live.first?.object["sequence"] as? Int == 7)
            group.cancelAll()
        }
        // An id from another gateway instance replays the whole retained log.
        try await withThrowingTaskGroup(of: Void.self) { group in
            let (stream, continuation) = AsyncStream<SSEItem>.makeStream()
            group.addTask { try await readSSE(url + "?device=TANK", token: TestTokens.viewer, lastEventID: "otherepoch-3", into: continuation) }
            var iterator = stream.makeAsyncIterator()
            let all = try await nextEvents(7, from: &iterator)
            #expect(all.map { $0.object["sequence"] as? Int } == Array(1...7))
            group.cancelAll()
        }

        // WebSocket: the same transitions, with replay by `last_event_id`.
        let received = Locked<[String]>([])
        let port = try #require(gateway.gateway.port)
        try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/alerts/ws?access_token=\(TestTokens.viewer)&last_event_id=\(lastSeen)",
                                          logger: testLogger) { inbound, outbound, _ in
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message, !text.contains("heartbeat") else { continue }
                if received.withLock({ $0.append(text); return $0.count }) == 4 { try await outbound.close(.normalClosure, reason: nil); break }
            }
        }
        let messages = received.withLock { $0 }
        #expect(messages.count == 4)
        #expect(messages.first?.contains(#""event":"alert""#) == true && messages.first?.contains(#""sequence":4"#) == true)

        // Live telemetry over SSE, filtered by device.
        try await withThrowingTaskGroup(of: Void.self) { group in
            let (stream, continuation) = AsyncStream<SSEItem>.makeStream()
            group.addTask { try await readSSE(gateway.baseURL + "/api/v1/telemetry/stream?device=D2", token: TestTokens.viewer, into: continuation) }
            var iterator = stream.makeAsyncIterator()
            try await awaitConnected(&iterator)
            let records = [sample("D1", seq: 1, base: start), sample("D2", seq: 1, base: start), sample("D2", seq: 2, base: start)]
            try await send(try records.map { (Topics.telemetry, $0.deviceId, try $0.jsonBytes()) }, with: producer)
            let events = try await nextEvents(1, from: &iterator, timeout: .seconds(60))
            #expect(events.allSatisfy { $0.object["device_id"] as? String == "D2" && $0.event == "telemetry" })
            group.cancelAll()
        }
        try await gateway.stop()
        await producer.shutdown()
    }

    @Test func acknowledgeAndShelveThroughTheAPI() async throws {
        let servers = try await Servers.start()
        defer { servers.shutdown() }
        let producer = try servers.producer()
        let gateway = try await RunningGateway.start(servers) { $0.alarmActions.resultTimeoutMs = 8_000 }
        let raised = alert("TANK", sequence: 1, state: .activeUnacknowledged, transition: .raised, at: nowMilliseconds)
        try await send([(Topics.alarmState, raised.alertId, try raised.jsonBytes()), (Topics.alerts, "TANK", try raised.jsonBytes())], with: producer)
        try await eventually("the alarm in the view") { try await gateway.request("/api/v1/alerts/\(raised.alertId)").status == 200 }
        let listed = try await gateway.request("/api/v1/alerts?state=active_unacknowledged&severity=critical&device=TANK&active=true")
        #expect(listed.items.map { $0["alert_id"] as? String } == [raised.alertId])
        #expect(try await gateway.request("/api/v1/alerts?state=normal").items.isEmpty)

        // The test plays the anomaly-detector: it reads scada.alert-actions and answers with the new state.
        let detector = try KafkaConsumer(configuration: KafkaConsumerConfiguration(
            bootstrapServers: servers.kafka.bootstrapServers, groupID: "test-detector", topics: [Topics.alertActions],
            sessionTimeout: .milliseconds(6000)), logger: testLogger)
        let seen = Locked<[AlarmAction]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var current = raised
                while !Task.isCancelled {
                    for message in try await detector.poll(maxMessages: 10, timeout: .milliseconds(200)) {
                        let action = try AlarmAction(jsonBytes: message.value)
                        #expect(message.key.map { String(decoding: $0, as: UTF8.self) } == raised.alertId)
                        seen.withLock { $0.append(action) }
                        guard action.action == .acknowledge else { continue }  // shelving is left unanswered (202)
                        current.sequence += 1
                        current.state = .activeAcknowledged
                        current.acknowledged = true
                        current.transition = .acknowledged
                        current.actions.append(AlarmActionEntry(action: .acknowledge, user: action.user, comment: action.comment,
                                                                at: nowMilliseconds, requestId: action.requestId))
                        try await send([(Topics.alerts, "TANK", try current.jsonBytes()), (Topics.alarmState, current.alertId, try current.jsonBytes())],
                                       with: producer)
                    }
                }
            }
            // Wait until the detector's group has its partition, so the action is not missed.
            for await event in detector.events { if case .assigned = event { break } }
            let ack = try await gateway.request(.POST, "/api/v1/alerts/\(raised.alertId)/ack", token: TestTokens.operator,
                                                json: #"{"comment":"on it"}"#)
            #expect(ack.status == 200, "\(ack.text)")
            #expect(ack.object["state"] as? String == "active_acknowledged")
            let requestID = try #require(ack.object["request_id"] as? String)
            #expect((ack.object["actions"] as? [[String: Any]])?.last?["request_id"] as? String == requestID)
            let action = try #require(seen.withLock { $0.first })
            #expect(action.requestId == requestID && action.user == "api-token-2" && action.comment == "on it" && action.action == .acknowledge)

            let shelve = try await gateway.request(.POST, "/api/v1/alerts/\(raised.alertId)/shelve", token: TestTokens.operator,
                                                   json: #"{"duration":"2h","comment":"maintenance"}"#)
            #expect(shelve.status == 202 && shelve.object["status"] as? String == "pending")
            try await eventually("the shelve action on Kafka") { seen.withLock { $0.count } == 2 }
            let shelved = try #require(seen.withLock { $0.last })
            #expect(shelved.action == .shelve)
            let expires = try #require(shelved.expiresAt)
            #expect(abs(expires - (nowMilliseconds + 7_200_000)) < 60_000)
            group.cancelAll()
        }
        await detector.close()
        let detail = try await gateway.request("/api/v1/alerts/\(raised.alertId)")
        #expect(detail.object["state"] as? String == "active_acknowledged")
        #expect((detail.object["actions"] as? [[String: Any]])?.first?["user"] as? String == "api-token-2")
        try await gateway.stop()
        await producer.shutdown()
    }

    /// A client that stops reading is dropped once its buffer overflows, and its stream ends with the reason.
    @Test func slowSSEClientIsDroppedWithAReason() async throws {
        let servers = try await Servers.start()
        defer { servers.shutdown() }
        let producer = try servers.producer()
        let gateway = try await RunningGateway.start(servers) { $0.live.clientBufferEvents = 5 }
        var request = HTTPClientRequest(url: gateway.baseURL + "/api/v1/alerts/stream")
        request.headers.add(name: "Authorization", value: "Bearer \(TestTokens.viewer)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(300))
        #expect(response.status.code == 200)
        // The body is not read meanwhile: once the socket buffers are full the gateway cannot write, and the
        // client's 5-event buffer overflows.
        let start = nowMilliseconds
        var sent: Int64 = 0
        try await eventually("the slow client to be dropped", timeout: .seconds(120)) {
            try await send(try (1...2_000).map { n in
                (Topics.alerts, "TANK", try alert("TANK", sequence: sent + Int64(n), state: .activeUnacknowledged, transition: .updated,
                                                  at: start + sent + Int64(n)).jsonBytes())
            }, with: producer)
            sent += 2_000
            return gateway.service.metric("api_gateway_stream_clients_dropped_total") >= 1
                || gateway.service.metric("api_gateway_stream_clients") == 0
        }
        var text = ""
        for try await chunk in response.body { text += String(buffer: chunk) }
        #expect(text.hasSuffix("\n\n") && text.contains("event: close\ndata: {\"reason\":\"slow_client\""))
        #expect(gateway.service.metric("api_gateway_stream_clients_dropped_total") == 1)
        try await gateway.stop()
        await producer.shutdown()
    }
}
