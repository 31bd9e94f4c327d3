import Testing
@testable import APIGateway

/// The live-stream fan-out: replay after `Last-Event-ID`, filters, and slow clients dropped instead of buffered without bound.
struct EventHubTests {
    func hub(buffer: Int = 100, replay: Int = 5) -> EventHub {
        EventHub(name: "t", epoch: "e1", replayCapacity: replay, bufferCapacity: buffer, maxClients: 2)
    }

    @Test func replaysWhatAReconnectingClientMissedFromTheBoundedLog() async throws {
        let hub = hub()
        for n in 1...7 { hub.publish(name: "alert", key: n % 2 == 0 ? "A" : "B", data: Array("\(n)".utf8)) }
        let resumed = try #require(hub.subscribe(keys: nil, lastEventID: "e1-4"))
        #expect(resumed.replay.map(\.id) == [5, 6, 7])
        // The log holds the last 5 (3...7); an id of another epoch replays all of them.
        let foreign = try #require(hub.subscribe(keys: nil, lastEventID: "e0-6"))
        #expect(foreign.replay.map(\.id) == [3, 4, 5, 6, 7])
        // Client limit.
        #expect(hub.subscribe(keys: nil, lastEventID: nil) == nil)
        hub.publish(name: "alert", key: "A", data: [])
        var iterator = resumed.stream.makeAsyncIterator()
        guard case .event(let live)? = await iterator.next() else { Issue.record("no live event"); return }
        #expect(live.id == 8 && hub.eventID(live) == "e1-8")
        #expect(EventHub.sequence(of: "e1-8", epoch: "e1") == 8)
        #expect(EventHub.sequence(of: "x-8", epoch: "e1") == nil)
    }

    @Test func filtersByKeyAndDropsASlowClientWithAReason() async throws {
        let hub = hub(buffer: 3, replay: 0)
        let filtered = try #require(hub.subscribe(keys: ["A"], lastEventID: nil))
        let slow = try #require(hub.subscribe(keys: nil, lastEventID: nil))
        hub.publish(name: "x", key: "B", data: [])
        var dropped = 0
        for _ in 0..<4 { dropped += hub.publish(name: "x", key: "A", data: []) }
        #expect(dropped == 2)  // both buffers hold 3; the fourth event overflows them
        #expect(slow.flags.overflowed && filtered.flags.overflowed)
        var ids: [Int64] = []
        for await item in slow.stream { if case .event(let event) = item { ids.append(event.id) } }
        #expect(ids == [1, 2, 3])  // what fitted, then the end of the stream
        #expect(hub.clientCount == 0)
        // Shutdown closes streams and marks why.
        let other = EventHub(name: "t", epoch: "e", replayCapacity: 0, bufferCapacity: 10, maxClients: 10)
        let client = try #require(other.subscribe(keys: nil, lastEventID: nil))
        other.closeAll()
        for await _ in client.stream {}
        #expect(client.flags.closedByServer && !client.flags.overflowed)
        #expect(other.subscribe(keys: nil, lastEventID: nil) == nil)
    }

    @Test func rateLimiterRefillsAndSaysHowLongToWait() {
        var configuration = APIGatewayConfiguration.RateLimit()
        configuration.requestsPerSecond = 2
        configuration.burst = 2
        let limiter = RateLimiter(configuration)
        let start: UInt64 = 1_000_000_000
        #expect(limiter.take("a", now: start) == nil)
        #expect(limiter.take("a", now: start) == nil)
        #expect(limiter.take("a", now: start) == 1)
        #expect(limiter.take("b", now: start) == nil)
        #expect(limiter.take("a", now: start + 600_000_000) == nil)
    }
}
