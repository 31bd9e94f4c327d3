import Hummingbird

/// An RFC 9457 problem: every error the gateway answers is one, as `application/problem+json`, with a
/// stable `type` per kind of error (`urn:scada:problem:<kind>`), so clients can branch on it.
struct Problem: Error, HTTPResponseError, Sendable {
    enum Kind: String, Sendable, CaseIterable {
        case invalidParameter = "invalid-parameter"
        case invalidBody = "invalid-body"
        case unauthorized
        case forbidden
        case notFound = "not-found"
        case methodNotAllowed = "method-not-allowed"
        case rateLimited = "rate-limited"
        case bodyTooLarge = "body-too-large"
        case headersTooLarge = "headers-too-large"
        case queryTooLong = "query-too-long"
        case unsupportedMediaType = "unsupported-media-type"
        case conflict
        case unavailable
        case upstreamFailed = "upstream-failed"
        case tooManyStreams = "too-many-streams"
        case internalError = "internal-error"

        var status: HTTPResponse.Status {
            switch self {
            case .invalidParameter, .invalidBody: .badRequest
            case .unauthorized: .unauthorized
            case .forbidden: .forbidden
            case .notFound: .notFound
            case .methodNotAllowed: .methodNotAllowed
            case .rateLimited, .tooManyStreams: .tooManyRequests
            case .bodyTooLarge: .contentTooLarge
            case .headersTooLarge: .init(code: 431, reasonPhrase: "Request Header Fields Too Large")
            case .queryTooLong: .uriTooLong
            case .unsupportedMediaType: .unsupportedMediaType
            case .conflict: .conflict
            case .unavailable: .serviceUnavailable
            case .upstreamFailed: .badGateway
            case .internalError: .internalServerError
            }
        }

        var title: String {
            switch self {
            case .invalidParameter: "Invalid parameter"
            case .invalidBody: "Invalid request body"
            case .unauthorized: "Authentication required"
            case .forbidden: "Not allowed for this role"
            case .notFound: "Not found"
            case .methodNotAllowed: "Method not allowed"
            case .rateLimited: "Too many requests"
            case .bodyTooLarge: "Request body too large"
            case .headersTooLarge: "Request headers too large"
            case .queryTooLong: "Query string too long"
            case .unsupportedMediaType: "Unsupported media type"
            case .conflict: "Conflict"
            case .unavailable: "Service unavailable"
            case .upstreamFailed: "Upstream system failed"
            case .tooManyStreams: "Too many live streams"
            case .internalError: "Internal error"
            }
        }

        var type: String { "urn:scada:problem:\(rawValue)" }
    }

    var kind: Kind
    var detail: String
    /// The offending query parameter, path parameter or body field, when there is one.
    var parameter: String?
    var extraHeaders: HTTPFields = [:]

    init(_ kind: Kind, _ detail: String, parameter: String? = nil, headers: HTTPFields = [:]) {
        self.kind = kind
        self.detail = detail
        self.parameter = parameter
        self.extraHeaders = headers
    }

    static func invalid(_ parameter: String, _ detail: String) -> Problem {
        Problem(.invalidParameter, "parameter '\(parameter)': \(detail)", parameter: parameter)
    }

    var status: HTTPResponse.Status { kind.status }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        response(instance: request.uri.path)
    }

    func response(instance: String) -> Response {
        var fields: [(String, JSON)] = [("type", .string(kind.type)), ("title", .string(kind.title)),
                                        ("status", .int(Int64(kind.status.code))), ("detail", .string(detail)),
                                        ("instance", .string(instance))]
        if let parameter { fields.append(("parameter", .string(parameter))) }
        var headers = extraHeaders
        headers[.contentType] = "application/problem+json"
        return Response(status: kind.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSON.object(fields).bytes)))
    }
}
