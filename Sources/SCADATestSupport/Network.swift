import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Loopback networking helpers for tests.
public enum Loopback {
    public static let host = "127.0.0.1"

    /// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestServerError("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr(host)
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, len) == 0 && getsockname(fd, pointer, &len) == 0
            }
        }
        guard bound else { throw TestServerError("bind() to a free port failed: errno \(errno)") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    public static func isListening(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        addr.sin_addr.s_addr = inet_addr(host)
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// Waits until `port` accepts connections, or throws after `timeout` seconds.
    public static func waitUntilListening(port: Int, timeout: TimeInterval, server: ServerProcess) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if isListening(port: port) { return }
            if !server.isRunning {
                throw TestServerError("\(server.name) exited before listening on port \(port). Log:\n\(server.logTail())", exitedEarly: true)
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        throw TestServerError("\(server.name) did not listen on port \(port) within \(Int(timeout)) s. Log:\n\(server.logTail())")
    }
}

extension Loopback {
    /// TCP connections in state ESTABLISHED whose remote end is 127.0.0.1:`port` (the clients of a test
    /// server), read from `/proc/net/tcp`: tells whether released clients really closed their sockets.
    public static func establishedConnections(toPort port: Int) -> Int {
        guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return 0 }
        let remote = String(format: "0100007F:%04X", port)
        return table.split(separator: "\n").dropFirst().filter { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            return fields.count > 3 && fields[2] == remote && fields[3] == "01"
        }.count
    }
}
