import Foundation

/// Finds the server binaries that `scripts/setup.sh` installs, and says how to install a missing one.
public enum Tools {
    /// The repository root (this file lives in Sources/SCADATestSupport/).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The project-local Python venv: `$SCADA_VENV`, else `<repo>/.venv`.
    public static var venv: URL {
        if let path = ProcessInfo.processInfo.environment["SCADA_VENV"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return repositoryRoot.appendingPathComponent(".venv")
    }

    /// The absolute path of `name`, searched in the venv, then PATH, then /usr/sbin.
    /// Throws an error naming the install command when it is missing.
    /// With `SCADA_NO_SERVERS=1` (`make test-unit`) every server start fails: a unit test that needs one is misfiled.
    public static func locate(_ name: String, installHint: String) throws -> String {
        if ProcessInfo.processInfo.environment["SCADA_NO_SERVERS"] == "1" {
            throw TestServerError("`\(name)` was asked for, but SCADA_NO_SERVERS=1: tests under Tests/*/Unit/ must not start servers")
        }
        var candidates = [venv.appendingPathComponent("bin").appendingPathComponent(name).path]
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        candidates += path.split(separator: ":").map { "\($0)/\(name)" }
        candidates += ["/usr/sbin/\(name)", "/usr/bin/\(name)"]
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw TestServerError("`\(name)` was not found. Install it with: \(installHint)")
    }

    /// A fresh scratch directory for one server or test, removed by the caller when done.
    public static func scratchDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("scada-\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
