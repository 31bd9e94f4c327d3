import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The api-gateway over HTTP: requests with the bearer token, answers mapped to ``CLIFailure`` exit codes,
/// paging through `next_cursor`, and Server-Sent Event streams.
struct APIClient: Sendable {
    let baseURL: String
    let token: String?
    let timeoutSeconds: Int64

    struct Answer: Sendable {
        let status: Int
        let contentType: String
        let body: [UInt8]
        var json: JSONValue { JSONValue.parse(body) ?? .null }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// `path` with its query (nil values left out), percent-encoded.
    func address(_ path: String, _ query: [(String, String?)]) -> String {
        var components = URLComponents()
        components.queryItems = query.compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        let encoded = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return baseURL + path + (encoded.isEmpty ? "" : "?" + encoded)
    }

    /// One request; a non-2xx answer becomes the matching ``CLIFailure`` (unless `accept` lists its status).
    func send(_ method: HTTPMethod, _ path: String, query: [(String, String?)] = [], json body: JSONValue? = nil,
              accept: Set<Int> = []) async throws -> Answer {
        var request = HTTPClientRequest(url: address(path, query))
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: Array(body.prettyJSON.utf8)))
        }
        let answer: Answer
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeoutSeconds))
            let bytes = try await response.body.collect(upTo: 256 << 20)
            answer = Answer(status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type") ?? "",
                            body: Array(bytes.readableBytesView))
        } catch {
            throw CLIFailure(.server, "cannot reach \(baseURL): \(error)")
        }
        if !accept.contains(answer.status), let failure = CLIFailure.forStatus(answer.status, detail: Self.detail(of: answer)) {
            throw failure
        }
        return answer
    }

    func get(_ path: String, query: [(String, String?)] = []) async throws -> Answer {
        try await send(.GET, path, query: query)
    }

    /// Every item of a paged list (following `next_cursor`, at most `max`).
    func items(_ path: String, query: [(String, String?)] = [], max: Int = 100_000) async throws -> [JSONValue] {
        var items: [JSONValue] = []
        var cursor: String?
        repeat {
            let page = try await get(path, query: query + [("cursor", cursor)]).json
            items += page["items"]?.items ?? []
            cursor = page["next_cursor"]?.string
        } while cursor != nil && items.count < max
        return items
    }

    /// A problem answer's detail, else the status line.
    static func detail(of answer: Answer) -> String {
        let json = answer.json
        let detail = json["detail"]?.string ?? json["title"]?.string ?? answer.text.prefix(200).description
        return "HTTP \(answer.status): \(detail)"
    }

    /// Reads an SSE stream, calling `handle` per event until it returns false or the stream ends.
    func stream(_ path: String, query: [(String, String?)] = [], lastEventID: String? = nil,
                handle: (SSEEvent) throws -> Bool) async throws {
        var request = HTTPClientRequest(url: address(path, query))
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.headers.add(name: "Accept", value: "text/event-stream")
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .hours(24 * 365))
        } catch {
            throw CLIFailure(.server, "cannot reach \(baseURL): \(error)")
        }
        guard response.status.code == 200 else {
            let bytes = (try? await response.body.collect(upTo: 1 << 20)).map { Array($0.readableBytesView) } ?? []
            let answer = Answer(status: Int(response.status.code), contentType: "", body: bytes)
            throw CLIFailure.forStatus(answer.status, detail: Self.detail(of: answer)) ?? CLIFailure(.server, "unexpected answer")
        }
        var parser = SSEParser()
        for try await buffer in response.body {
            for event in parser.feed(Array(buffer.readableBytesView)) {
                if try !handle(event) { return }
            }
        }
    }
}
