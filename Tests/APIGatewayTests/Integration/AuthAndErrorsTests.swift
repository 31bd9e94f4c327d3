import Foundation
import JWTKit
import SCADACore
import SCADATestSupport
import Testing
@testable import APIGateway

/// Every auth rule and every malformed-parameter answer, against a gateway on real servers.
@Suite(.serialized) struct AuthAndErrorsTests {
    static let readRoutes = ["/api/v1/whoami", "/api/v1/devices", "/api/v1/devices/X", "/api/v1/devices/X/latest", "/api/v1/devices/X/history",
                             "/api/v1/alerts", "/api/v1/alerts/X", "/api/v1/analytics/latest", "/api/v1/deadletters",
                             "/api/v1/commands/X", "/api/v1/alerts/stream", "/api/v1/telemetry/stream",
                             "/api/devices/status", "/api/devices/X/latest", "/api/devices/X/history"]
    static let writeRoutes = ["/api/v1/devices/X/commands", "/api/v1/alerts/X/ack", "/api/v1/alerts/X/shelve", "/api/v1/alerts/X/unshelve"]

    @Test func authRulesAndProblems() async throws {
        let servers = try await Servers.start()
        defer { servers.shutdown() }
        let rsa = try RSAKeyPair.generate()
        let gateway = try await RunningGateway.start(servers, environment: ["SCADA_JWT_RS256_PUBLIC_KEY": rsa.publicPEM])

        // Ops routes and the OpenAPI document need no token.
        for path in ["/healthz", "/readyz", "/metrics", "/api/v1/openapi.json"] {
            #expect(try await gateway.request(path, token: nil).status == 200, "\(path)")
        }
        // 401 without a token, with a wrong one, and with a non-bearer scheme; problem+json each time.
        for path in Self.readRoutes {
            let answer = try await gateway.request(path, token: nil)
            #expect(answer.status == 401 && answer.isProblem, "\(path): \(answer.status)")
            #expect(answer.object["type"] as? String == "urn:scada:problem:unauthorized")
            #expect(answer.headers.first(name: "WWW-Authenticate")?.hasPrefix("Bearer") == true)
            #expect(try await gateway.request(path, token: "not-a-token-at-all").status == 401, "\(path)")
        }
        #expect(try await gateway.request("/api/v1/devices", token: nil, headers: [("Authorization", "Basic dXNlcjpwYXNz")]).status == 401)
        for path in Self.writeRoutes {
            #expect(try await gateway.request(.POST, path, token: nil, json: "{}").status == 401, "\(path)")
            // A viewer may not send commands or act on alarms.
            let answer = try await gateway.request(.POST, path, token: TestTokens.viewer, json: #"{"command":"x"}"#)
            #expect(answer.status == 403 && answer.isProblem, "\(path): \(answer.status)")
            #expect(answer.object["type"] as? String == "urn:scada:problem:forbidden")
        }
        // Every role reads.
        for token in [TestTokens.viewer, TestTokens.operator, TestTokens.admin] {
            #expect(try await gateway.request("/api/v1/devices", token: token).status == 200)
        }
        let whoami = try await gateway.request("/api/v1/whoami", token: TestTokens.operator)
        #expect(whoami.object["role"] as? String == "operator" && whoami.object["subject"] as? String == "api-token-2")
        #expect(whoami.object["roles"] as? [String] == ["viewer", "operator"])
        // An operator gets past the role check (the alarm is unknown: 404).
        #expect(try await gateway.request(.POST, "/api/v1/alerts/nope/ack", token: TestTokens.operator).status == 404)

        // JWT HS256 and RS256: valid ones pass; expired, not yet valid, wrong audience, unknown role and a bad signature do not.
        let now = Date()
        let hs = await JWTKeyCollection().add(hmac: HMACKey(from: TestTokens.hs256Secret), digestAlgorithm: .sha256)
        let rs = try await JWTKeyCollection().add(rsa: Insecure.RSA.PrivateKey(pem: rsa.privatePEM), digestAlgorithm: .sha256)
        func claims(exp: TimeInterval = 300, nbf: TimeInterval = -10, aud: String = "scada-api", role: String = "operator") -> TestClaims {
            TestClaims(sub: "alice", exp: .init(value: now + exp), nbf: .init(value: now + nbf), aud: .init(value: [aud]), role: role)
        }
        let goodHS = try await hs.sign(claims())
        let goodRS = try await rs.sign(claims(role: "viewer"))
        #expect(try await gateway.request("/api/v1/devices", token: goodHS).status == 200)
        #expect(try await gateway.request("/api/v1/devices", token: goodRS).status == 200)
        #expect(try await gateway.request(.POST, "/api/v1/alerts/nope/ack", token: goodRS).status == 403)
        #expect(try await gateway.request(.POST, "/api/v1/alerts/nope/ack", token: goodHS).status == 404)
        for bad in [try await hs.sign(claims(exp: -120)), try await hs.sign(claims(nbf: 600)), try await hs.sign(claims(aud: "other")),
                    try await hs.sign(claims(role: "root")), goodHS.dropLast(3) + "AAA"] {
            let answer = try await gateway.request("/api/v1/devices", token: String(bad))
            #expect(answer.status == 401 && answer.isProblem, "\(answer.text)")
        }

        // Malformed parameters: 400 problems naming the parameter.
        let malformed: [(String, String)] = [
            ("/api/v1/devices/X/history?from=yesterday", "from"), ("/api/v1/devices/X/history?to=2026-13-01T00:00:00Z", "to"),
            ("/api/v1/devices/X/history?from=2000&to=1000", "from"), ("/api/v1/devices/X/history?resolution=5m", "resolution"),
            ("/api/v1/devices/X/history?format=xml", "format"), ("/api/v1/devices/X/history?limit=0", "limit"),
            ("/api/v1/devices/X/history?cursor=%%%", "cursor"), ("/api/v1/devices?online=maybe", "online"),
            ("/api/v1/devices?limit=abc", "limit"), ("/api/v1/devices?cursor=bm9wZQ", "cursor"), ("/api/v1/devices?colour=red", "colour"),
            ("/api/v1/alerts?state=burning", "state"), ("/api/v1/alerts?severity=huge", "severity"), ("/api/v1/alerts?from=x", "from"),
            ("/api/v1/alerts?active=2", "active"), ("/api/v1/deadletters?since=later", "since"),
            ("/api/devices/X/history?duration=forever", "duration"), ("/api/v1/devices?type=", "type"),
            ("/api/v1/devices?limit=1&limit=2", "limit"),
        ]
        for (path, parameter) in malformed {
            let answer = try await gateway.request(path)
            #expect(answer.status == 400 && answer.isProblem, "\(path): \(answer.status) \(answer.text)")
            #expect(answer.object["parameter"] as? String == parameter, "\(path): \(answer.text)")
            #expect(answer.object["type"] as? String == "urn:scada:problem:invalid-parameter")
        }
        // Malformed bodies.
        for body in ["not json", "[1]", #"{"command": 5}"#, #"{"command":"x","params":[1]}"#, #"{"command":"x","extra":1}"#] {
            let answer = try await gateway.request(.POST, "/api/v1/devices/X/commands", token: TestTokens.operator, json: body)
            #expect(answer.status == 400 && answer.isProblem, "\(body): \(answer.text)")
        }
        let shelve = try await gateway.request(.POST, "/api/v1/alerts/X/shelve", token: TestTokens.operator, json: #"{"duration":"forever"}"#)
        #expect(shelve.status == 400 && shelve.object["parameter"] as? String == "duration")
        // Unknown routes and methods, oversized query, headers and body.
        let unknown = try await gateway.request("/api/v1/nothing-here")
        #expect(unknown.status == 404 && unknown.isProblem)
        let longQuery = try await gateway.request("/api/v1/devices?type=" + String(repeating: "a", count: 5000))
        #expect(longQuery.status == 414 && longQuery.isProblem)
        let bigHeader = try await gateway.request("/api/v1/devices", headers: [("X-Padding", String(repeating: "b", count: 20_000))])
        #expect(bigHeader.status == 431 && bigHeader.isProblem)
        let bigBody = try await gateway.request(.POST, "/api/v1/devices/X/commands", token: TestTokens.operator,
                                                json: #"{"command":"x","params":{"p":""# + String(repeating: "c", count: 70_000) + #""}}"#)
        #expect(bigBody.status == 413 && bigBody.isProblem)
        // Metrics per route, with the route pattern as label.
        let metrics = try await gateway.request("/metrics", token: nil).text
        #expect(metrics.contains("api_gateway_requests_total{"))
        #expect(metrics.contains("route=\"/api/v1/devices/{id}/history\""))
        #expect(metrics.contains("api_gateway_request_duration_seconds_bucket"))
        try await gateway.stop()
    }

    @Test func rateLimitAnswers429WithRetryAfterAndCORS() async throws {
        let servers = try await Servers.start()
        defer { servers.shutdown() }
        let gateway = try await RunningGateway.start(servers) {
            $0.rateLimit.requestsPerSecond = 1
            $0.rateLimit.burst = 3
            $0.cors.allowOrigins = ["https://hmi.example"]
        }
        var statuses: [Int] = []
        for _ in 0..<5 { statuses.append(try await gateway.request("/api/v1/devices").status) }
        #expect(statuses.prefix(3).allSatisfy { $0 == 200 })
        let limited = try await gateway.request("/api/v1/devices")
        #expect(limited.status == 429 && limited.isProblem)
        #expect(Int(limited.headers.first(name: "Retry-After") ?? "") ?? 0 >= 1)
        // Another client has its own bucket; ops routes are never limited.
        #expect(try await gateway.request("/api/v1/devices", token: TestTokens.operator).status == 200)
        #expect(try await gateway.request("/healthz", token: nil).status == 200)
        // CORS: the configured origin is allowed (preflight and answers), others get no CORS headers.
        let preflight = try await gateway.request(.OPTIONS, "/api/v1/devices", token: nil,
                                                  headers: [("Origin", "https://hmi.example"), ("Access-Control-Request-Method", "GET")])
        #expect(preflight.status == 204)
        #expect(preflight.headers.first(name: "Access-Control-Allow-Origin") == "https://hmi.example")
        let other = try await gateway.request("/healthz", token: nil, headers: [("Origin", "https://evil.example")])
        #expect(other.headers.first(name: "Access-Control-Allow-Origin") == nil)
        try await gateway.stop()
    }
}

struct TestClaims: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var nbf: NotBeforeClaim
    var aud: AudienceClaim
    var role: String
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// An RSA key pair made by openssl, as PEM.
struct RSAKeyPair {
    let privatePEM: String
    let publicPEM: String

    static func generate() throws -> RSAKeyPair {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gw-rsa-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("key.pem").path, pub = directory.appendingPathComponent("pub.pem").path
        for arguments in [["genrsa", "-out", key, "2048"], ["rsa", "-in", key, "-pubout", "-out", pub]] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = arguments
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw TestServerError("openssl \(arguments[0]) failed") }
        }
        return RSAKeyPair(privatePEM: try String(contentsOfFile: key, encoding: .utf8), publicPEM: try String(contentsOfFile: pub, encoding: .utf8))
    }
}
