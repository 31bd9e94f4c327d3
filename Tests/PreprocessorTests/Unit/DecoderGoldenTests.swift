import Foundation
import SCADACore
import Testing
@testable import Preprocessor

/// Every decoder folder's golden cases: `Decoders/<name>/testdata/<case>/input.json` (`{"topic", "payload"}`, the
/// payload sent exactly as written) normalised with the default configuration must give `expected.json`: the
/// canonical record, or `{"rejected": {"reason", "detail"}}`. `SCADA_GOLDEN_RECORD=1` rewrites the expected files.
@Suite struct DecoderGoldenTests {
    static let decoders = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../Sources/Preprocessor/Decoders").standardizedFileURL
    static let receivedAt: Int64 = 1_747_379_100_000

    struct Case: CustomTestStringConvertible, Sendable {
        let folder: URL
        var testDescription: String { "\(folder.deletingLastPathComponent().deletingLastPathComponent().lastPathComponent)/\(folder.lastPathComponent)" }
    }

    static func folders() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: decoders.path)) ?? []
        return names.sorted().map { decoders.appendingPathComponent($0) }.filter { $0.hasDirectoryPath || isDirectory($0) }
    }

    static func isDirectory(_ url: URL) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &directory) && directory.boolValue
    }

    static func cases() -> [Case] {
        folders().flatMap { folder in
            let testdata = folder.appendingPathComponent("testdata")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: testdata.path)) ?? []
            return names.sorted().map { Case(folder: testdata.appendingPathComponent($0)) }
        }
    }

    /// Every folder is a decoder: a `decoder.yaml` that the catalog embeds, and at least one golden case.
    @Test func everyFolderIsAnEmbeddedDecoderWithGoldenCases() throws {
        let folders = Self.folders()
        #expect(folders.count >= 8, "decoder folders not found under \(Self.decoders.path)")
        let embedded = try DecoderCatalog.builtIn().map(\.name)
        #expect(embedded == folders.map(\.lastPathComponent), "rebuild: the embedded tables differ from the folders")
        for folder in folders {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("decoder.yaml").path), "\(folder.lastPathComponent)")
            let cases = (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("testdata").path)) ?? []
            #expect(!cases.isEmpty, "\(folder.lastPathComponent) has no testdata case")
        }
        let decoders = try DecoderCatalog.decoders(custom: [])
        #expect(Set(decoders.keys) == Set(embedded))
    }

    @Test(arguments: cases()) func golden(_ testCase: Case) throws {
        let input = try Data(contentsOf: testCase.folder.appendingPathComponent("input.json"))
        let (topic, payload) = try Self.split(input)
        let normaliser = try Normaliser(configuration: PreprocessorConfiguration())
        let produced: [UInt8]
        switch normaliser.process(topic: topic, payload: payload, receiveTime: Self.receivedAt) {
        case .telemetry(_, let json, _):
            produced = json
        case .rejected(let rejection):
            produced = Array(#"{"rejected":{"reason":"\#(rejection.reason.rawValue)","detail":\#(Self.quoted(rejection.detail))}}"#.utf8)
        case let other:
            Issue.record("\(testCase.testDescription): neither telemetry nor a rejection: \(other)")
            return
        }
        let expectedURL = testCase.folder.appendingPathComponent("expected.json")
        if ProcessInfo.processInfo.environment["SCADA_GOLDEN_RECORD"] == "1" {
            let object = try JSONSerialization.jsonObject(with: Data(produced))
            try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
                .write(to: expectedURL)
        }
        let expected = try Data(contentsOf: expectedURL)
        if let record = try? TelemetryRecord(jsonBytes: Array(expected)) {
            #expect(try TelemetryRecord(jsonBytes: produced) == record, "\(testCase.testDescription): \(String(decoding: produced, as: UTF8.self))")
        } else {
            let want = try #require(JSONSerialization.jsonObject(with: expected) as? NSDictionary, "\(testCase.testDescription): expected.json")
            let got = try JSONSerialization.jsonObject(with: Data(produced)) as? NSDictionary
            #expect(got == want, "\(testCase.testDescription): \(String(decoding: produced, as: UTF8.self))")
        }
    }

    /// The topic, and the payload's bytes exactly as they stand in the file (`"payload"` must be the last key).
    static func split(_ input: Data) throws -> (topic: String, payload: [UInt8]) {
        let object = try #require(JSONSerialization.jsonObject(with: input) as? [String: Any], "input.json is not an object")
        let topic = try #require(object["topic"] as? String, "input.json has no topic")
        let bytes = Array(input)
        let key = Array(#""payload""#.utf8)
        let start = try #require(bytes.indices.first { bytes[$0...].starts(with: key) }, "input.json has no payload")
        var body = bytes[(start + key.count)...].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") }
        #expect(body.first == UInt8(ascii: ":"))
        body = body.dropFirst()
        while let last = body.last, [UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r")].contains(last) { body = body.dropLast() }
        #expect(body.last == UInt8(ascii: "}"), "input.json must end with the payload's object")
        return (topic, Array(body.dropLast()).trimmingSpaces())
    }

    static func quoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text])) ?? Data("[\"\"]".utf8)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
}

private extension Array where Element == UInt8 {
    func trimmingSpaces() -> [UInt8] {
        let space: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        return Array(drop(while: space).reversed().drop(while: space).reversed())
    }
}
