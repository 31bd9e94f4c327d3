import AsyncHTTPClient
import Foundation
import NIOCore
import SCADATestSupport

/// One Server-Sent Event (comments and the `retry` field are skipped).
struct SSEEvent: Sendable, Equatable {
    var id: String?
    var event: String?
    var data: String

    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] ?? [:] }
}

/// What a stream reader hands out: `connected` once the server's first bytes arrived (the subscription exists),
/// then the events.
enum SSEItem: Sendable {
    case connected
    case event(SSEEvent)
}

/// Reads an SSE stream into `continuation` until the server ends it or the task is cancelled.
func readSSE(_ url: String, token: String, lastEventID: String? = nil, into continuation: AsyncStream<SSEItem>.Continuation) async throws {
    defer { continuation.finish() }
    var request = HTTPClientRequest(url: url)
    request.headers.add(name: "Authorization", value: "Bearer \(token)")
    request.headers.add(name: "Accept", value: "text/event-stream")
    if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(600))
    guard response.status.code == 200 else { throw TestServerError("stream answered \(response.status.code)") }
    var pending = ""
    var announced = false
    for try await chunk in response.body {
        if !announced { continuation.yield(.connected); announced = true }
        pending += String(buffer: chunk)
        while let range = pending.range(of: "\n\n") {
            let block = pending[..<range.lowerBound]
            pending = String(pending[range.upperBound...])
            var event = SSEEvent(id: nil, event: nil, data: "")
            var hasData = false
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix("id: ") { event.id = String(line.dropFirst(4)) }
                else if line.hasPrefix("event: ") { event.event = String(line.dropFirst(7)) }
                else if line.hasPrefix("data: ") { event.data += String(line.dropFirst(6)); hasData = true }
            }
            if hasData { continuation.yield(.event(event)) }
        }
    }
}

/// The next `count` events from `iterator`, within `timeout`.
func nextEvents(_ count: Int, from iterator: inout AsyncStream<SSEItem>.Iterator, timeout: Duration = .seconds(30)) async throws -> [SSEEvent] {
    var events: [SSEEvent] = []
    let deadline = ContinuousClock.now + timeout
    while events.count < count {
        guard ContinuousClock.now < deadline else { throw TestServerError("got \(events.count) of \(count) events") }
        guard let item = await iterator.next() else { throw TestServerError("the stream ended after \(events.count) of \(count) events") }
        if case .event(let event) = item { events.append(event) }
    }
    return events
}

/// Waits for `.connected`.
func awaitConnected(_ iterator: inout AsyncStream<SSEItem>.Iterator) async throws {
    while let item = await iterator.next() {
        if case .connected = item { return }
    }
    throw TestServerError("the stream ended before it was connected")
}
