import Foundation
import Hummingbird

/// `/healthz`, `/readyz` and `/metrics`, added to a service's router.
public enum OpsRoutes {
    public static func add<Context: RequestContext>(to router: Router<Context>, service: String,
                                                    readiness: Readiness, metrics: MetricsRegistry) {
        let started = Date()
        router.get("healthz") { _, _ -> Response in
            let uptime = Int(Date().timeIntervalSince(started))
            return jsonResponse(.ok, ["status": "ok", "service": service, "uptime_s": uptime])
        }
        router.get("readyz") { _, _ -> Response in
            let checks = readiness.snapshot
            var body: [String: Any] = ["ready": readiness.isReady, "service": service]
            body["checks"] = checks.map { ["name": $0.name, "ready": $0.ready, "detail": $0.detail] }
            return jsonResponse(readiness.isReady ? .ok : .serviceUnavailable, body)
        }
        router.get("metrics") { _, _ -> Response in
            Response(status: .ok,
                     headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.render())))
        }
    }

    /// A JSON response from a Foundation JSON object.
    public static func jsonResponse(_ status: HTTPResponse.Status, _ object: Any) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Forwards to `OpsRoutes.jsonResponse`.
func jsonResponse(_ status: HTTPResponse.Status, _ object: Any) -> Response {
    OpsRoutes.jsonResponse(status, object)
}
