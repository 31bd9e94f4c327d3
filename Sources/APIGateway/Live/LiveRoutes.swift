import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging

/// Live streams over Server-Sent Events (`/api/v1/alerts/stream`, `/api/v1/telemetry/stream?device=…`) and
/// WebSocket (`/api/v1/alerts/ws`, `/api/v1/telemetry/ws?device=…`). Alert events carry ids; a client that
/// reconnects with `Last-Event-ID` (header, or `last_event_id` query) first gets every retained transition after
/// it. A client whose buffer overflows is dropped with a final `close` event (SSE) or close frame 1008 (WebSocket)
/// saying why.
enum LiveRoutes {
    static let lastEventIDHeader = HTTPField.Name("Last-Event-ID") ?? .accept
    /// Tells a proxy in front (nginx) not to buffer the stream.
    static let accelBufferingHeader = HTTPField.Name("X-Accel-Buffering") ?? .cacheControl

    static func add(to router: RouterGroup<GatewayContext>, alarmsHub: EventHub, telemetryHub: EventHub, metrics: GatewayMetrics) {
        router.get("alerts/stream") { request, _ in
            let query = try QueryParameters(request, known: ["device", "last_event_id"])
            let lastID = try request.headers[lastEventIDHeader] ?? query.string("last_event_id")
            return try sse(hub: alarmsHub, keys: try devices(query), lastEventID: lastID, stream: "alerts", metrics: metrics)
        }
        router.get("telemetry/stream") { request, _ in
            let query = try QueryParameters(request, known: ["device"])
            return try sse(hub: telemetryHub, keys: try devices(query), lastEventID: nil, stream: "telemetry", metrics: metrics)
        }
        router.ws("alerts/ws", shouldUpgrade: { request, _ in
            _ = try QueryParameters(request, known: ["device", "last_event_id"])
            return .upgrade([:])
        }, onUpgrade: { _, outbound, context in
            let query = try QueryParameters(context.request, known: ["device", "last_event_id"])
            try await webSocket(outbound: outbound, hub: alarmsHub, keys: try devices(query), lastEventID: try query.string("last_event_id"),
                                stream: "alerts", metrics: metrics, logger: context.logger)
        })
        router.ws("telemetry/ws", shouldUpgrade: { request, _ in
            _ = try QueryParameters(request, known: ["device"])
            return .upgrade([:])
        }, onUpgrade: { _, outbound, context in
            let query = try QueryParameters(context.request, known: ["device"])
            try await webSocket(outbound: outbound, hub: telemetryHub, keys: try devices(query), lastEventID: nil,
                                stream: "telemetry", metrics: metrics, logger: context.logger)
        })
    }

    /// `device=a,b` as a filter; nil (all devices) when absent.
    static func devices(_ query: QueryParameters) throws(Problem) -> Set<String>? {
        guard let text = try query.string("device") else { return nil }
        let names = Set(text.split(separator: ",").map(String.init).filter { !$0.isEmpty })
        guard !names.isEmpty, names.count <= 100 else { throw Problem.invalid("device", "must list 1-100 device ids") }
        return names
    }

    static func sse(hub: EventHub, keys: Set<String>?, lastEventID: String?, stream: String, metrics: GatewayMetrics) throws -> Response {
        guard let subscription = hub.subscribe(keys: keys, lastEventID: lastEventID) else {
            throw Problem(.tooManyStreams, "the gateway serves at most \(hub.maxClients) \(stream) streams")
        }
        let headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-cache",
                                   accelBufferingHeader: "no"]
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            metrics.streamClient(transport: "sse", stream: stream, delta: 1)
            defer { metrics.streamClient(transport: "sse", stream: stream, delta: -1) }
            try await writer.write(ByteBuffer(string: "retry: 2000\n: connected\n\n"))
            for event in subscription.replay { try await writer.write(frame(event, hub: hub)) }
            for await item in subscription.stream {
                switch item {
                case .event(let event): try await writer.write(frame(event, hub: hub))
                case .heartbeat: try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                }
            }
            if let reason = closeReason(subscription, hub: hub) {
                if subscription.flags.overflowed { metrics.streamClientsDropped.increment() }
                try await writer.write(ByteBuffer(string: "event: close\ndata: \(String(decoding: reason.bytes, as: UTF8.self))\n\n"))
            }
            try await writer.finish(nil)
        })
    }

    static func frame(_ event: LiveEvent, hub: EventHub) -> ByteBuffer {
        var bytes = Array("id: \(hub.eventID(event))\nevent: \(event.name)\ndata: ".utf8)
        bytes.append(contentsOf: event.data)
        bytes.append(contentsOf: [0x0A, 0x0A])
        return ByteBuffer(bytes: bytes)
    }

    static func closeReason(_ subscription: EventHub.Subscription, hub: EventHub) -> JSON? {
        if subscription.flags.overflowed {
            return .object([("reason", .string("slow_client")),
                            ("detail", .string("the client fell more than \(hub.bufferCapacity) events behind; reconnect with Last-Event-ID"))])
        }
        if subscription.flags.closedByServer { return .object([("reason", .string("server_shutdown"))]) }
        return nil
    }

    static func webSocket(outbound: WebSocketOutboundWriter, hub: EventHub, keys: Set<String>?, lastEventID: String?, stream: String,
                          metrics: GatewayMetrics, logger: Logger) async throws {
        guard let subscription = hub.subscribe(keys: keys, lastEventID: lastEventID) else {
            try await outbound.close(.policyViolation, reason: "too many \(stream) streams")
            return
        }
        metrics.streamClient(transport: "ws", stream: stream, delta: 1)
        defer { metrics.streamClient(transport: "ws", stream: stream, delta: -1) }
        func message(_ event: LiveEvent) -> String {
            var bytes = Array("{\"id\":\"\(hub.eventID(event))\",\"event\":\"\(event.name)\",\"data\":".utf8)
            bytes.append(contentsOf: event.data)
            bytes.append(UInt8(ascii: "}"))
            return String(decoding: bytes, as: UTF8.self)
        }
        for event in subscription.replay { try await outbound.write(.text(message(event))) }
        for await item in subscription.stream {
            switch item {
            case .event(let event): try await outbound.write(.text(message(event)))
            case .heartbeat: try await outbound.write(.text("{\"event\":\"heartbeat\"}"))
            }
        }
        if subscription.flags.overflowed {
            metrics.streamClientsDropped.increment()
            try await outbound.close(.policyViolation, reason: "slow client: more than \(hub.bufferCapacity) events behind")
        } else if subscription.flags.closedByServer {
            try await outbound.close(.goingAway, reason: "server shutdown")
        }
    }
}
