import Hummingbird

/// The OpenAPI 3.1 document served at `/api/v1/openapi.json` (hand-written in ``OpenAPISpec``; a test keeps it
/// and the router in step).
enum OpenAPIDocument {
    static let buffer = ByteBuffer(string: OpenAPISpec.json)

    static func response() -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: buffer))
    }
}
