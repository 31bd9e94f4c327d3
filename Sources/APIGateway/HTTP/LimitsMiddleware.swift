import Hummingbird

/// Rejects requests whose query string or headers are larger than configured (414, 431); the body limit is
/// applied where a body is read (413).
struct LimitsMiddleware<Context: RequestContext>: RouterMiddleware {
    let limits: APIGatewayConfiguration.Limits

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let query = request.uri.query, query.utf8.count > limits.maxQueryBytes {
            throw Problem(.queryTooLong, "the query string is longer than \(limits.maxQueryBytes) bytes")
        }
        var headerBytes = 0
        for field in request.headers { headerBytes += field.name.rawName.utf8.count + field.value.utf8.count + 4 }
        if headerBytes > limits.maxHeaderBytes {
            throw Problem(.headersTooLarge, "the request headers are larger than \(limits.maxHeaderBytes) bytes")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limits.maxBodyBytes {
            throw Problem(.bodyTooLarge, "the request body is larger than \(limits.maxBodyBytes) bytes")
        }
        return try await next(request, context)
    }
}

/// CORS for the configured origins (`*` for any): preflight requests are answered 204.
struct CORSPolicyMiddleware<Context: RequestContext>: RouterMiddleware {
    let configuration: APIGatewayConfiguration.CORS

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !configuration.allowOrigins.isEmpty, let origin = request.headers[.origin] else {
            return try await next(request, context)
        }
        let any = configuration.allowOrigins.contains("*")
        guard any || configuration.allowOrigins.contains(origin) else { return try await next(request, context) }
        var headers: HTTPFields = [.accessControlAllowOrigin: any ? "*" : origin, .vary: "Origin"]
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            headers[.accessControlAllowMethods] = "GET, POST, OPTIONS"
            headers[.accessControlAllowHeaders] = configuration.allowHeaders.joined(separator: ", ")
            headers[.accessControlMaxAge] = String(configuration.maxAgeSeconds)
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        for field in headers { response.headers[field.name] = field.value }
        response.headers[.accessControlExposeHeaders] = "Retry-After, Link"
        return response
    }
}
