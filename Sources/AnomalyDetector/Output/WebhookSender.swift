import AsyncHTTPClient
import Foundation
import Logging

/// POSTs every transition (AlertRecord JSON) to each configured URL, retrying with capped exponential
/// backoff. A bounded queue decouples it from evaluation: when full, the oldest transitions are dropped.
final class WebhookSender: Sendable {
    private let urls: [String]
    private let settings: AnomalyDetectorConfiguration.Webhooks
    private let stream: AsyncStream<[UInt8]>
    private let continuation: AsyncStream<[UInt8]>.Continuation
    private let metrics: AnomalyDetectorMetrics
    private let logger: Logger

    init(settings: AnomalyDetectorConfiguration.Webhooks, metrics: AnomalyDetectorMetrics, logger: Logger) {
        urls = settings.urls
        self.settings = settings
        (stream, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(settings.queueCapacity))
        self.metrics = metrics
        self.logger = logger
    }

    func enqueue(_ payload: [UInt8]) {
        if case .dropped = continuation.yield(payload) { metrics.webhookFailures.increment() }
    }

    func finish() { continuation.finish() }

    /// Delivers until ``finish()`` (then drains the queue) or cancellation.
    func run() async {
        for await payload in stream {
            for url in urls { await deliver(payload, to: url) }
        }
    }

    private func deliver(_ payload: [UInt8], to url: String) async {
        var delay = settings.initialBackoffMs
        for attempt in 1...settings.maxAttempts {
            do {
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(payload)
                let response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(Int64(settings.timeoutMs)))
                if (200..<300).contains(response.status.code) { return }
                logger.warning("webhook answered \(response.status.code)", metadata: ["url": "\(url)", "attempt": "\(attempt)"])
            } catch {
                logger.warning("webhook failed", metadata: ["url": "\(url)", "attempt": "\(attempt)", "error": "\(error)"])
            }
            if attempt == settings.maxAttempts || Task.isCancelled { break }
            try? await Task.sleep(for: .milliseconds(delay))
            delay = min(settings.maxBackoffMs, delay * 2)
        }
        metrics.webhookFailures.increment()
    }
}
