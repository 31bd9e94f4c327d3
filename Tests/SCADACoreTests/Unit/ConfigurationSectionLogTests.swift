import Foundation
import SCADACore
import Testing

/// The record behind `<service> --print-config-schema`: every section read, with its defaults.
@Suite struct ConfigurationSectionLogTests {
    struct Section: Codable, Equatable {
        var limit = 5
        var name = "x"
    }

    @Test func recordsEachSectionReadWithItsDefaultsNotTheFileValues() throws {
        var loader = try ConfigurationLoader(yaml: "mine:\n  limit: 7\n", source: "test")
        let log = ConfigurationSectionLog()
        loader.sectionLog = log
        let section = try loader.section("mine", defaults: Section())
        #expect(section.limit == 7)
        _ = try loader.section("absent", defaults: Section())
        let recorded = log.sections
        #expect(Set(recorded.keys) == ["mine", "absent"])
        let defaults = try JSONDecoder().decode(Section.self, from: try #require(recorded["mine"]))
        #expect(defaults == Section())
    }

    @Test func anUnknownKeyStillFailsWhileRecording() throws {
        var loader = try ConfigurationLoader(yaml: "mine:\n  limitt: 7\n", source: "test")
        loader.sectionLog = ConfigurationSectionLog()
        #expect(throws: ConfigurationError.self) { try loader.section("mine", defaults: Section()) }
    }
}
