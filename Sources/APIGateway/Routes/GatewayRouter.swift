import Hummingbird
import SCADAOps

/// Assembles the gateway's router: middleware (outermost first) problem answers, metrics, CORS, size limits,
/// authentication, rate limiting; then the public ops routes and OpenAPI document, the viewer routes, and the
/// operator routes.
enum GatewayRouter {
    static func build(state: GatewayState, tokens: TokenTable, jwt: JWTVerifier, readiness: Readiness,
                      registry: MetricsRegistry) -> Router<GatewayContext> {
        let configuration = state.configuration
        let router = Router(context: GatewayContext.self)
        router.add(middleware: ProblemMiddleware<GatewayContext>(logger: state.logger))
        router.add(middleware: RequestMetricsMiddleware<GatewayContext>(metrics: state.metrics))
        router.add(middleware: CORSPolicyMiddleware<GatewayContext>(configuration: configuration.cors))
        router.add(middleware: LimitsMiddleware<GatewayContext>(limits: configuration.limits))
        router.add(middleware: AuthMiddleware(tokens: tokens, jwt: jwt, allowQueryTokenOnStreams: configuration.auth.allowQueryTokenOnStreams))
        if configuration.rateLimit.enabled {
            router.add(middleware: RateLimitMiddleware(limiter: RateLimiter(configuration.rateLimit)))
        }
        OpsRoutes.add(to: router, service: APIGatewayService.name, readiness: readiness, metrics: registry)
        router.get("api/v1/openapi.json") { _, _ in OpenAPIDocument.response() }
        HMIRoutes.add(to: router)

        let reads = router.group("api/v1").add(middleware: RequireRole(role: .viewer))
        DeviceRoutes.add(to: reads, state: state)
        HistoryRoutes.add(to: reads, state: state)
        AlertRoutes.addReads(to: reads, state: state)
        MiscRoutes.add(to: reads, state: state)
        MeRoutes.add(to: reads)
        CommandRoutes.addRead(to: reads, state: state)
        LiveRoutes.add(to: reads, alarmsHub: state.alarms.hub, telemetryHub: state.telemetryHub, metrics: state.metrics)

        let writes = router.group("api/v1").add(middleware: RequireRole(role: .operator))
        CommandRoutes.addSend(to: writes, state: state)
        AlertRoutes.addActions(to: writes, state: state)

        CompatibilityRoutes.add(to: router.group("api").add(middleware: RequireRole(role: .viewer)), state: state)
        return router
    }
}
