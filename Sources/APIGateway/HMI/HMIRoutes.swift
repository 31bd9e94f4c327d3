import Foundation
import Hummingbird

/// The operator HMI: `GET /` (the page) and `GET /hmi/{file}` (its scripts, styles, icon), served from the
/// module's resources (`HMI/Resources`) without authentication — the page signs in with a token the user types.
/// Files are read once at start-up; answers carry an `ETag` and `Cache-Control: no-cache` (the browser revalidates
/// and gets a 304 when nothing changed, so a new release is picked up at once) and a strict Content-Security-Policy.
enum HMIRoutes {
    static func add(to router: Router<GatewayContext>) {
        let assets = HMIAssets.shared
        router.get("/") { request, _ in try assets.response("index.html", request: request) }
        router.get("hmi/{file}") { request, context in
            try assets.response(try context.parameters.identifier("file"), request: request)
        }
    }
}

/// The HMI's static files, in memory, each with its content type and entity tag.
struct HMIAssets: Sendable {
    struct Asset: Sendable {
        let bytes: ByteBuffer
        let contentType: String
        let etag: String
    }

    static let shared = HMIAssets(directory: locate())

    /// `SCADA_HMI_DIR` (serve a working copy while editing), else the module's resource bundle next to the
    /// executable (where `swift build` and the container image put it). Looked up by hand rather than through
    /// `Bundle.module`, whose accessor stops the process when the bundle is missing: here the HMI answers 404 instead.
    static func locate() -> URL? {
        if let directory = ProcessInfo.processInfo.environment["SCADA_HMI_DIR"], !directory.isEmpty {
            return URL(fileURLWithPath: directory)
        }
        var roots = [Bundle.main.bundleURL]
        if let executable = Bundle.main.executableURL { roots.append(executable.deletingLastPathComponent()) }
        for root in roots {
            let directory = root.appendingPathComponent("scada_APIGateway.resources").appendingPathComponent("Resources")
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("index.html").path) { return directory }
        }
        return nil
    }

    let assets: [String: Asset]

    init(directory: URL?) {
        var assets: [String: Asset] = [:]
        if let directory, let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) {
            for name in names {
                guard let type = Self.contentType(of: name),
                      let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { continue }
                assets[name] = Asset(bytes: ByteBuffer(bytes: data), contentType: type, etag: Self.etag(of: data))
            }
        }
        self.assets = assets
    }

    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        .xContentTypeOptions: "nosniff",
    ]

    func response(_ name: String, request: Request) throws(Problem) -> Response {
        guard let asset = assets[name] else {
            throw Problem(.notFound, assets.isEmpty ? "the HMI files are not installed (scada_APIGateway.resources next to the executable, or SCADA_HMI_DIR)"
                                                    : "no HMI file '\(name)'")
        }
        var headers = Self.securityHeaders
        headers[.cacheControl] = "no-cache"
        headers[.eTag] = asset.etag
        if let presented = request.headers[.ifNoneMatch], presented.split(separator: ",").contains(where: {
            $0.trimmingCharacters(in: .whitespaces) == asset.etag
        }) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = asset.contentType
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.bytes))
    }

    static func contentType(of name: String) -> String? {
        switch name.split(separator: ".").last.map(String.init) ?? "" {
        case "html": "text/html; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "json": "application/json"
        default: nil
        }
    }

    /// A strong entity tag: FNV-1a over the file's bytes.
    static func etag(of data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "\"" + String(hash, radix: 16) + "\""
    }
}
