import Hummingbird

/// Resolves the caller from `Authorization: Bearer …` (a static API token, else a JWT) into
/// ``GatewayContext/identity``. A request without credentials passes on anonymous (routes that need a role
/// answer 401); one with credentials that do not verify is answered 401 at once. Ops routes and the OpenAPI
/// document are public. Streams also take `?access_token=` (EventSource and WebSocket cannot set headers).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = GatewayContext
    let tokens: TokenTable
    let jwt: JWTVerifier
    let allowQueryTokenOnStreams: Bool

    static let publicPaths: Set<String> = ["/healthz", "/readyz", "/metrics", "/api/v1/openapi.json"]

    func handle(_ request: Request, context: GatewayContext, next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if Self.publicPaths.contains(path) { return try await next(request, context) }
        guard let token = presentedToken(request, path: path) else { return try await next(request, context) }
        var context = context
        if let identity = tokens.identity(for: token.utf8) {
            context.identity = identity
        } else if jwt.isEnabled, JWTVerifier.algorithm(of: String(token)) != nil {
            do {
                context.identity = try await jwt.identity(for: String(token))
            } catch {
                throw Self.unauthorized(error.reason)
            }
        } else {
            throw Self.unauthorized("the token is not valid")
        }
        return try await next(request, context)
    }

    private func presentedToken(_ request: Request, path: String) -> Substring? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return parts[1] }
            return ""
        }
        if allowQueryTokenOnStreams, path.hasSuffix("/stream") || path.hasSuffix("/ws"),
           let token = request.uri.queryParameters["access_token"] {
            return token
        }
        return nil
    }

    static func unauthorized(_ detail: String) -> Problem {
        Problem(.unauthorized, detail, headers: [.wwwAuthenticate: "Bearer realm=\"scada\", error=\"invalid_token\""])
    }
}

/// Lets a request through only if the caller has at least `role`.
struct RequireRole: RouterMiddleware {
    typealias Context = GatewayContext
    let role: Role

    func handle(_ request: Request, context: GatewayContext, next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        _ = try context.require(role)
        return try await next(request, context)
    }
}
