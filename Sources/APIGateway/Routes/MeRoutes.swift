import Hummingbird

/// `GET /api/v1/me`: who the presented token is (for the HMI's sign-in and role-dependent controls).
enum MeRoutes {
    static func add(to router: RouterGroup<GatewayContext>) {
        router.get("me") { request, context in
            _ = try QueryParameters(request, known: [])
            let identity = try context.require(.viewer)
            return Responses.json(.object([("subject", .string(identity.subject)), ("role", .string(identity.role.rawValue)),
                                           ("method", .string(identity.method))]))
        }
    }
}
