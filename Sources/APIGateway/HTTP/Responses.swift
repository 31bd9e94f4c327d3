import Hummingbird

/// Building answers.
enum Responses {
    static let jsonHeaders: HTTPFields = [.contentType: "application/json"]

    static func json(_ value: JSON, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = jsonHeaders
        for field in headers { fields[field.name] = field.value }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: value.bytes)))
    }

    static func json(buffer: ByteBuffer) -> Response {
        Response(status: .ok, headers: jsonHeaders, body: .init(byteBuffer: buffer))
    }

    /// A page of `items` with the cursor of the next page (null on the last).
    static func page(_ items: [JSON], next: String?, extra: [(String, JSON)] = []) -> Response {
        json(.object([("items", .array(items)), ("count", .int(Int64(items.count))),
                      ("next_cursor", next.map { .string(Cursor.make($0)) } ?? .null)] + extra))
    }

    static func csv(_ text: String, filename: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                        .contentDisposition: "attachment; filename=\"\(filename)\""],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// Path parameters.
extension Parameters {
    /// A required path parameter; a 400 problem when it is empty or longer than 200 bytes.
    func identifier(_ name: String) throws(Problem) -> String {
        guard let value = get(name), !value.isEmpty, value.utf8.count <= 200 else {
            throw Problem.invalid(name, "must be 1-200 bytes")
        }
        return value
    }
}

/// Reads a JSON object body (at most `limit` bytes); 413 when larger, 400 when not a JSON object.
func readJSONObject(_ request: Request, limit: Int, required: Bool) async throws -> [(String, JSON)] {
    var request = request
    let buffer: ByteBuffer
    do {
        buffer = try await request.collectBody(upTo: limit)
    } catch {
        throw Problem(.bodyTooLarge, "the request body is larger than \(limit) bytes")
    }
    if buffer.readableBytes == 0 {
        guard !required else { throw Problem(.invalidBody, "a JSON object body is required") }
        return []
    }
    if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/json") {
        throw Problem(.unsupportedMediaType, "the request body must be application/json, not \(type)")
    }
    guard case .object(let fields)? = JSON.parse(Array(buffer.readableBytesView)) else {
        throw Problem(.invalidBody, "the request body is not a JSON object")
    }
    return fields
}

extension Array where Element == (String, JSON) {
    subscript(field name: String) -> JSON? { first { $0.0 == name }?.1 }

    /// Rejects fields not in `known`.
    func checkKnown(_ known: Set<String>) throws(Problem) {
        for (name, _) in self where !known.contains(name) {
            throw Problem(.invalidBody, "unknown field '\(name)' (known: \(known.sorted().joined(separator: ", ")))", parameter: name)
        }
    }
}
