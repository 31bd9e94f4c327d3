import Foundation
import Testing

@Test func zzProbeTiming() async throws {
    let child = Process()
    child.executableURL = URL(fileURLWithPath: "/work/main/.venv/bin/tansu")
    child.arguments = ["broker", "--listener-url", "tcp://127.0.0.1:39125", "--advertised-listener-url", "tcp://127.0.0.1:39125", "--storage-engine", "memory://tansu/", "--silent"]
    child.standardInput = FileHandle.nullDevice
    try child.run()
    try await Task.sleep(for: .seconds(1))
    let pid = child.processIdentifier
    let t0 = ContinuousClock.now
    child.terminate()
    var gone: Duration? = nil
    var zombie = ""
    while child.isRunning && ContinuousClock.now - t0 < .seconds(6) {
        if gone == nil, let s = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) {
            let state = s.split(separator: " ")[2]
            if state == "Z" { gone = ContinuousClock.now - t0; zombie = String(s.prefix(60)) }
        }
        usleep(20_000)
    }
    print("PROBE isRunning false after \(ContinuousClock.now - t0); process became zombie after \(String(describing: gone)) \(zombie)")
    let alive = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)).map { String($0.prefix(60)) } ?? "gone"
    print("PROBE stat now: \(alive)")
}
