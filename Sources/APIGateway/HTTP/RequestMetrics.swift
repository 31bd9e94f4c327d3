import CoreMetrics
import Dispatch
import Hummingbird
import struct Prometheus.PrometheusMetricsFactory
import Synchronization

/// The gateway's Prometheus metrics: requests per route, method and status, latency per route, live clients.
final class GatewayMetrics: Sendable {
    private struct Key: Hashable { var route: String; var method: String; var status: Int }
    private struct TimerKey: Hashable { var route: String; var method: String }

    let factory: PrometheusMetricsFactory
    private let counters = Mutex<[Key: CoreMetrics.Counter]>([:])
    private let timers = Mutex<[TimerKey: CoreMetrics.Timer]>([:])
    let streamClients: [String: CoreMetrics.Meter]
    let streamClientsDropped: CoreMetrics.Counter
    let commandsSent: CoreMetrics.Counter
    let commandAcks: CoreMetrics.Counter
    let alarmActions: CoreMetrics.Counter
    let viewUpdates: CoreMetrics.Counter

    init(factory: PrometheusMetricsFactory) {
        self.factory = factory
        var gauges: [String: CoreMetrics.Meter] = [:]
        for transport in ["sse", "ws"] {
            for stream in ["alerts", "telemetry"] {
                gauges["\(transport):\(stream)"] = CoreMetrics.Meter(label: "api_gateway_stream_clients",
                                                         dimensions: [("transport", transport), ("stream", stream)], factory: factory)
            }
        }
        streamClients = gauges
        streamClientsDropped = CoreMetrics.Counter(label: "api_gateway_stream_clients_dropped_total", factory: factory)
        commandsSent = CoreMetrics.Counter(label: "api_gateway_commands_sent_total", factory: factory)
        commandAcks = CoreMetrics.Counter(label: "api_gateway_command_acks_total", factory: factory)
        alarmActions = CoreMetrics.Counter(label: "api_gateway_alarm_actions_total", factory: factory)
        viewUpdates = CoreMetrics.Counter(label: "api_gateway_view_updates_total", factory: factory)
    }

    func record(route: String, method: String, status: Int, nanoseconds: UInt64) {
        let key = Key(route: route, method: method, status: status)
        let counter = counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = CoreMetrics.Counter(label: "api_gateway_requests_total",
                                  dimensions: [("route", route), ("method", method), ("status", String(status))], factory: factory)
            counters[key] = counter
            return counter
        }
        counter.increment()
        let timerKey = TimerKey(route: route, method: method)
        let timer = timers.withLock { timers in
            if let timer = timers[timerKey] { return timer }
            let timer = CoreMetrics.Timer(label: "api_gateway_request_duration_seconds", dimensions: [("route", route), ("method", method)],
                              preferredDisplayUnit: .seconds, factory: factory)
            timers[timerKey] = timer
            return timer
        }
        timer.recordNanoseconds(Int64(min(nanoseconds, UInt64(Int64.max))))
    }

    func streamClient(transport: String, stream: String, delta: Int) {
        if delta > 0 { streamClients["\(transport):\(stream)"]?.increment(by: Double(delta)) }
        else { streamClients["\(transport):\(stream)"]?.decrement(by: Double(-delta)) }
    }
}

/// Counts and times every request by its route pattern (`/api/v1/devices/{id}`, never the raw path, so the
/// label set stays bounded). Sits inside ``ProblemMiddleware``, so errors are counted with their final status.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: GatewayMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            let response = try await next(request, context)
            metrics.record(route: context.endpointPath ?? "unmatched", method: request.method.rawValue,
                           status: Int(response.status.code), nanoseconds: DispatchTime.now().uptimeNanoseconds &- started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.record(route: context.endpointPath ?? "unmatched", method: request.method.rawValue,
                           status: Int(status), nanoseconds: DispatchTime.now().uptimeNanoseconds &- started)
            throw error
        }
    }
}
