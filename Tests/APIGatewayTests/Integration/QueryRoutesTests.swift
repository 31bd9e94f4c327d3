import DBInterface
import Foundation
import SCADACore
import SCADAKafka
import SCADAMongo
import SCADAOps
import SCADATestSupport
import Testing
@testable import APIGateway

/// Queries over data the real db-interface stored: registry, completeness, latest, history (raw, 1m, 1h, CSV),
/// the seed-003 routes, analytics and dead letters.
@Suite(.serialized) struct QueryRoutesTests {
    /// Two hours ago on an hour boundary: inside the telemetry TTL.
    static let base: Int64 = (nowMilliseconds - 3 * 3_600_000) / 3_600_000 * 3_600_000

    @Test func devicesLatestHistoryAndCompatibility() async throws {
        let servers = try await Servers.start()
        defer { servers.shutdown() }
        let producer = try servers.producer()
        let historian = try await startHistorian(servers)
        // LINE1 has samples 1...7200 (two hours, one a second) with seq 101...200 missing; LINE2 a few samples.
        let line1 = (1...7200).filter { !(101...200).contains($0) }.map { sample("LINE1", seq: Int64($0), base: Self.base) }
        try await send(line1.map { (Topics.telemetry, $0.deviceId, try $0.jsonBytes()) }, with: producer)
        try await send((1...5).map { sample("LINE2", seq: $0, base: Self.base, topic: "factory/line2") }
                        .map { (Topics.telemetry, $0.deviceId, try $0.jsonBytes()) }, with: producer)
        let status = DeviceStatusRecord(deviceId: "LINE1", status: .online, eventTime: Self.base, receiveTime: Self.base, sourceTopic: "status/LINE1")
        try await send([(Topics.deviceStatus, "LINE1", try status.jsonBytes())], with: producer)
        let (client, database) = try servers.database()
        defer { client.close() }
        let last = Locked<String>("")
        do {
            try await eventually("the historian to store everything", timeout: .seconds(120)) {
                let device = try await database.collection(Collections.devices).findOne(["_id": "LINE1"])
                last.withLock { $0 = "\(device.map { "\($0)" } ?? "none") written=\(historian.metric("db_interface_samples_written_total"))" }
                return device?["seq_stored"]?.int64Value == 7100 && BSONConversion.bool(device?["online"]) == true
            }
        } catch {
            Issue.record("registry: \(last.withLock { $0 })")
            throw error
        }
        try await historian.stop()

        // The gateway starts afterwards: its latest view is warmed from MongoDB.
        let gateway = try await RunningGateway.start(servers)
        let list = try await gateway.request("/api/v1/devices")
        #expect(list.status == 200)
        #expect(list.items.map { $0["device_id"] as? String } == ["LINE1", "LINE2"])
        let page1 = try await gateway.request("/api/v1/devices?limit=1")
        #expect(page1.items.count == 1 && page1.items.first?["device_id"] as? String == "LINE1")
        let cursor = try #require(page1.object["next_cursor"] as? String)
        let page2 = try await gateway.request("/api/v1/devices?limit=1&cursor=\(cursor)")
        #expect(page2.items.map { $0["device_id"] as? String } == ["LINE2"] && page2.object["next_cursor"] is NSNull)
        #expect(try await gateway.request("/api/v1/devices?online=true").items.map { $0["device_id"] as? String } == ["LINE1"])
        #expect(try await gateway.request("/api/v1/devices?type=energy").items.isEmpty)
        #expect(try await gateway.request("/api/v1/devices?site=plant-1&line=line1").items.count == 2)

        let detail = try await gateway.request("/api/v1/devices/LINE1")
        let completeness = try #require(detail.object["completeness"] as? [String: Any])
        #expect(completeness["expected"] as? Int == 7200 && completeness["stored"] as? Int == 7100 && completeness["missing"] as? Int == 100)
        #expect(detail.object["online"] as? Bool == true)
        #expect(try await gateway.request("/api/v1/devices/NOPE").status == 404)

        let latest = try await gateway.request("/api/v1/devices/LINE1/latest")
        #expect(latest.status == 200)
        #expect(latest.object["source_topic"] as? String == "factory/line1")
        #expect(latest.object["seq"] as? Int == 7200)
        #expect((latest.object["metrics"] as? [String: Any])?["temperature"] as? Double == 20)

        // Live updates reach the latest view.
        try await eventually("a live sample in latest") {
            try await send([(Topics.telemetry, "LINE2", try sample("LINE2", seq: 9000, base: Self.base, topic: "factory/line2").jsonBytes())],
                           with: producer)
            return try await gateway.request("/api/v1/devices/LINE2/latest").object["seq"] as? Int == 9000
        }

        // History: raw for short ranges (paged), 1m rollups for a day, 1h aggregates, CSV.
        let from = Self.base, minute = Int64(60_000)
        let raw = try await gateway.request("/api/v1/devices/LINE1/history?metric=temperature&from=\(from)&to=\(from + 10 * minute)&limit=250")
        #expect(raw.object["resolution"] as? String == "raw")
        #expect(raw.object["count"] as? Int == 250)
        func times(_ answer: Answer) -> [Int] { (answer.object["points"] as? [[String: Any]] ?? []).compactMap { $0["t"] as? Int } }
        var seen = times(raw)
        var next = raw.object["next_cursor"] as? String
        while let cursor = next {
            let more = try await gateway.request("/api/v1/devices/LINE1/history?metric=temperature&from=\(from)&to=\(from + 10 * minute)&limit=250&cursor=\(cursor)")
            seen += times(more)
            next = more.object["next_cursor"] as? String
        }
        // seq 1...599 in the first 10 minutes, without 101...200, each once and in order.
        let expected = (1...599).filter { !(101...200).contains($0) }.map { Int(from) + $0 * 1000 }
        let duplicates = Dictionary(grouping: seen, by: { $0 }).filter { $0.value.count > 1 }.keys.map { ($0 - Int(from)) / 1000 }
        #expect(seen.count == expected.count && Set(seen) == Set(expected) && seen == seen.sorted(),
                "missing/extra \(Set(seen).symmetricDifference(expected).sorted().prefix(5)), duplicate seqs \(duplicates.sorted()), count \(seen.count)")
        let iso = ISOTime.string(milliseconds: from)
        let day = try await gateway.request("/api/v1/devices/LINE1/history?metric=temperature&from=\(iso)&to=\(from + 24 * 60 * minute)")
        #expect(day.object["resolution"] as? String == "1m")
        #expect(day.object["count"] as? Int == 120)  // minutes 0...120 (seq 7200 is in minute 120) but minute 2 (seq 120...179) is all missing
        let firstBucket = try #require((day.object["points"] as? [[String: Any]])?.first?["stats"] as? [String: [String: Any]])
        #expect(firstBucket["temperature"]?["count"] as? Int == 59)
        let hourly = try await gateway.request("/api/v1/devices/LINE1/history?metric=temperature&from=\(from)&to=\(from + 3 * 60 * minute)&resolution=1h")
        let hours = try #require(hourly.object["points"] as? [[String: Any]])
        #expect(hours.count == 3)
        #expect(((hours.first?["stats"] as? [String: [String: Any]])?["temperature"]?["count"] as? Int) == 3599 - 100)
        let csv = try await gateway.request("/api/v1/devices/LINE1/history?metric=temperature&from=\(from)&to=\(from + minute)&format=csv")
        #expect(csv.contentType.hasPrefix("text/csv"))
        let lines = csv.text.split(separator: "\n")
        #expect(lines.first == "time,metric,value" && lines.count == 60)

        // Seed 003's dashboard routes.
        let compatStatus = try await gateway.request("/api/devices/status")
        #expect((compatStatus.object["devices"] as? [[String: Any]])?.contains { $0["device_id"] as? String == "LINE1" && $0["status"] as? String == "online" } == true)
        let compatLatest = try await gateway.request("/api/devices/LINE1/latest")
        #expect(compatLatest.object["temperature"] as? Double == 20 && compatLatest.object["timestamp"] is String)
        let compatHistory = try await gateway.request("/api/devices/LINE2/history?duration=7d")
        #expect((compatHistory.object["data"] as? [[String: Any]])?.isEmpty == false)
        try await gateway.stop()
        await producer.shutdown()
    }

    @Test func analyticsAndDeadLetters() async throws {
        let servers = try await Servers.start()
        defer { servers.shutdown() }
        let producer = try servers.producer()
        let gateway = try await RunningGateway.start(servers)
        try await send([(Topics.analytics, "plant-1", Array(#"{"site":"plant-1","oee":0.81}"#.utf8)),
                        (Topics.analytics, "plant-1", Array(#"{"site":"plant-1","oee":0.83,"power_kw":120.5}"#.utf8)),
                        (Topics.analytics, "plant-2", Array("not json".utf8))], with: producer)
        let rejectedAt = nowMilliseconds
        try await send([(Topics.deadLetter, "PLC9", Array(#"{"broken": "#.utf8))], with: producer, headers: [
            KafkaHeader(key: DeadLetter.reasonHeader, value: "invalid_json"), KafkaHeader(key: DeadLetter.detailHeader, value: "unexpected end"),
            KafkaHeader(key: DeadLetter.sourceHeader, value: "factory/line9"), KafkaHeader(key: DeadLetter.serviceHeader, value: "preprocessor"),
            KafkaHeader(key: DeadLetter.rejectedAtHeader, value: String(rejectedAt)),
        ])
        try await eventually("analytics and a dead letter") {
            let analytics = try await gateway.request("/api/v1/analytics/latest").items
            let letters = try await gateway.request("/api/v1/deadletters?since=\(rejectedAt - 1000)").items
            return analytics.count == 1 && (analytics.first?["value"] as? [String: Any])?["oee"] as? Double == 0.83 && letters.count == 1
        }
        let letter = try #require(try await gateway.request("/api/v1/deadletters").items.first)
        #expect(letter["reason"] as? String == "invalid_json" && letter["service"] as? String == "preprocessor")
        #expect(letter["payload"] as? String == #"{"broken": "#)
        #expect(try await gateway.request("/api/v1/deadletters?since=\(ISOTime.string(milliseconds: rejectedAt + 60_000))").items.isEmpty)
        try await gateway.stop()
        await producer.shutdown()
    }

    func startHistorian(_ servers: Servers) async throws -> RunningService {
        var common = servers.common
        common.http.port = 0
        let registry = MetricsRegistry()
        let readiness = Readiness(checks: ["kafka", "mongodb"])
        var configuration = DBInterfaceConfiguration()
        configuration.batch.flushIntervalMs = 200
        let historian = Historian(common: common, configuration: configuration, metrics: DBInterfaceMetrics(factory: registry.factory),
                                  readiness: readiness, logger: testLogger)
        return try await RunningService.start(historian, registry: registry, readiness: readiness, logger: testLogger)
    }
}
