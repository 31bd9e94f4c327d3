import Foundation
import Hummingbird
import Synchronization

/// A token bucket per client: `requestsPerSecond` sustained, `burst` at once. Over the limit a request is
/// answered 429 with `Retry-After` (whole seconds until a token is back).
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: UInt64
    }

    private let buckets = Mutex<[String: Bucket]>([:])
    let rate: Double
    let burst: Double
    let maxClients: Int

    init(_ configuration: APIGatewayConfiguration.RateLimit) {
        rate = configuration.requestsPerSecond
        burst = Double(configuration.burst)
        maxClients = configuration.maxClients
    }

    /// nil when `client` may go ahead (and a token was taken), else the seconds to wait.
    func take(_ client: String, now: UInt64 = DispatchTime.now().uptimeNanoseconds) -> Int? {
        buckets.withLock { buckets in
            if buckets.count >= maxClients, buckets[client] == nil {
                // Forget clients idle for a minute; if that is not enough, start over (a fresh bucket is full).
                let idle = now &- 60_000_000_000
                buckets = buckets.filter { $0.value.updated > idle }
                if buckets.count >= maxClients { buckets.removeAll(keepingCapacity: true) }
            }
            var bucket = buckets[client] ?? Bucket(tokens: burst, updated: now)
            let elapsed = Double(now &- bucket.updated) / 1e9
            bucket.tokens = min(burst, bucket.tokens + elapsed * rate)
            bucket.updated = now
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                buckets[client] = bucket
                return nil
            }
            buckets[client] = bucket
            return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up)))
        }
    }
}

/// Applies the ``RateLimiter`` to every request except the ops routes; keyed by the caller's subject, or its
/// address when anonymous.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = GatewayContext
    let limiter: RateLimiter

    func handle(_ request: Request, context: GatewayContext, next: (Request, GatewayContext) async throws -> Response) async throws -> Response {
        if AuthMiddleware.publicPaths.contains(request.uri.path) { return try await next(request, context) }
        let client = context.identity.map { "s:" + $0.subject } ?? "a:" + context.remoteAddress
        if let wait = limiter.take(client) {
            throw Problem(.rateLimited, "rate limit of \(limiter.rate) requests/s (burst \(Int(limiter.burst))) exceeded",
                          headers: [.retryAfter: String(wait)])
        }
        return try await next(request, context)
    }
}
