import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of every gateway route: who is asking (set by ``AuthMiddleware``) and from where.
struct GatewayContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<GatewayContext>
    /// The authenticated caller; nil until ``AuthMiddleware`` ran, and for anonymous requests.
    var identity: Identity?
    /// The peer's IP address (the rate-limit key of unauthenticated requests).
    let remoteAddress: String

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The caller, if it holds at least `role`; otherwise a 401 (no credentials) or 403 problem.
    func require(_ role: Role) throws(Problem) -> Identity {
        guard let identity else {
            throw Problem(.unauthorized, "a bearer token is required", headers: [.wwwAuthenticate: "Bearer realm=\"scada\""])
        }
        guard identity.role >= role else {
            throw Problem(.forbidden, "this needs the \(role.rawValue) role; the token has \(identity.role.rawValue)")
        }
        return identity
    }
}
