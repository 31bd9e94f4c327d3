import Foundation
import JWTKit

/// Verifies JWTs signed with HS256 (a shared secret) or RS256 (a configured public key): the signature,
/// `exp` (required), `nbf`, `aud` and `iss` (when configured), and a known role in the `role` claim.
/// The header's `alg` picks the key set, so an HS256 token is never checked against the RSA key or vice versa.
struct JWTVerifier: Sendable {
    private let hs256: JWTKeyCollection?
    private let rs256: JWTKeyCollection?
    let audience: String
    let issuer: String
    let leeway: TimeInterval
    let roleClaim: String

    var isEnabled: Bool { hs256 != nil || rs256 != nil }

    /// Accepts no JWT at all.
    static let disabled = JWTVerifier()

    private init() {
        hs256 = nil
        rs256 = nil
        audience = ""
        issuer = ""
        leeway = 0
        roleClaim = "role"
    }

    init(hs256Secret: String?, rs256PublicKeyPEM: String?, audience: String, issuer: String, roleClaim: String, leewaySeconds: Int) async throws {
        if let secret = hs256Secret, !secret.isEmpty {
            guard secret.utf8.count >= 32 else { throw APIGatewayError("the HS256 secret must be at least 32 bytes") }
            hs256 = await JWTKeyCollection().add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        } else {
            hs256 = nil
        }
        if let pem = rs256PublicKeyPEM, !pem.isEmpty {
            do {
                rs256 = try await JWTKeyCollection().add(rsa: Insecure.RSA.PublicKey(pem: pem), digestAlgorithm: .sha256)
            } catch {
                throw APIGatewayError("the RS256 public key is not a PEM RSA public key: \(error)")
            }
        } else {
            rs256 = nil
        }
        self.audience = audience
        self.issuer = issuer
        self.leeway = TimeInterval(leewaySeconds)
        self.roleClaim = roleClaim
    }

    /// The claims the gateway reads.
    struct Claims: JWTPayload {
        var sub: SubjectClaim?
        var exp: ExpirationClaim
        var nbf: NotBeforeClaim?
        var aud: AudienceClaim?
        var iss: IssuerClaim?

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// Why a token was refused (the text goes into the 401 detail; it never contains the token).
    struct Refusal: Error { var reason: String }

    func identity(for token: String, now: Date = Date()) async throws(Refusal) -> Identity {
        let keys: JWTKeyCollection
        switch Self.algorithm(of: token) {
        case "HS256"?:
            guard let hs256 else { throw Refusal(reason: "HS256 tokens are not accepted here") }
            keys = hs256
        case "RS256"?:
            guard let rs256 else { throw Refusal(reason: "RS256 tokens are not accepted here") }
            keys = rs256
        case let other?:
            throw Refusal(reason: "token algorithm \(other) is not accepted (HS256, RS256)")
        case nil:
            throw Refusal(reason: "the token is not a JWT")
        }
        let claims: Claims
        do {
            claims = try await keys.verify(token, as: Claims.self)
        } catch {
            throw Refusal(reason: "the token's signature or claims are invalid")
        }
        guard claims.exp.value.addingTimeInterval(leeway) > now else { throw Refusal(reason: "the token has expired") }
        if let nbf = claims.nbf, nbf.value.addingTimeInterval(-leeway) > now { throw Refusal(reason: "the token is not valid yet") }
        if !audience.isEmpty {
            guard let aud = claims.aud, aud.value.contains(audience) else { throw Refusal(reason: "the token is not meant for '\(audience)'") }
        }
        if !issuer.isEmpty {
            guard claims.iss?.value == issuer else { throw Refusal(reason: "the token's issuer is not accepted") }
        }
        guard case .string(let roleName)? = Self.claim(roleClaim, of: token), let role = Role(rawValue: roleName) else {
            throw Refusal(reason: "the token has no role claim (viewer, operator, admin)")
        }
        return Identity(subject: claims.sub?.value ?? "jwt", role: role, method: "jwt")
    }

    /// The `alg` of a compact JWS header, if the token has that shape.
    static func algorithm(of token: String) -> String? {
        guard case .string(let alg)? = part(0, of: token)?["alg"] else { return nil }
        return alg
    }

    /// A claim of the (already verified) payload, by name.
    static func claim(_ name: String, of token: String) -> JSON? { part(1, of: token)?[name] }

    /// Header (0) or payload (1) of a compact JWS as a JSON object.
    private static func part(_ index: Int, of token: String) -> [String: JSON]? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var text = parts[index].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text), case .object(let fields)? = JSON.parse(Array(data)) else { return nil }
        return Dictionary(fields, uniquingKeysWith: { first, _ in first })
    }
}
