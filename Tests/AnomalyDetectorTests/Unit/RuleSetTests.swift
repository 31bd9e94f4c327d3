import Foundation
import SCADATestSupport
import SCADACore
import Testing
@testable import AnomalyDetector

@Suite struct RuleSetTests {
    @Test func shippedRulesFileParses() throws {
        let path = Tools.repositoryRoot.appendingPathComponent("configmaps/anomaly-rules.yaml").path
        let rules = try RuleSet.load(path: path)
        #expect(rules.rules.count > 10)
    }

    @Test func typoIsRefusedWithItsName() {
        #expect(throws: RulesError.self) { try RuleSet.parse("rules:\n  - {name: a, metric: m, detector: limits, hii: 3}\n") }
        do {
            _ = try RuleSet.parse("rules:\n  - {name: a, metric: m, detector: limits, hii: 3}\n")
        } catch {
            #expect(error.description.contains("unknown key 'hii'"))
        }
    }

    @Test func badValuesAreRefused() {
        for text in ["rules:\n  - {name: a, detector: limits, hi: 3}\n",          // no metric
                     "rules:\n  - {name: a, metric: m, detector: limits}\n",       // no limit
                     "rules:\n  - {name: a, metric: m, detector: nope}\n",         // unknown detector
                     "rules:\n  - {name: a, metric: m, detector: limits, hi: x}\n",
                     "rules: [\n",                                                 // broken YAML
                     "rules:\n  - {name: a, metric: m, detector: limits, hi: 3}\n  - {name: a, metric: m, detector: limits, hi: 3}\n"] {
            #expect(throws: RulesError.self) { try RuleSet.parse(text) }
        }
    }

    @Test func selectionByTypeAndPattern() throws {
        let set = try RuleSet.parse("""
        rules:
          - {name: a, deviceType: energy, devices: "ENERGY*", metric: "voltages.*", detector: limits, hi: 250}
        """)
        let rule = try #require(CompiledRules(set, version: 1).rules.first)
        #expect(rule.selects(deviceID: "ENERGY1-PLC", deviceType: "energy"))
        #expect(!rule.selects(deviceID: "ENERGY1-PLC", deviceType: "manufacturing"))
        #expect(!rule.selects(deviceID: "LINE1", deviceType: "energy"))
        #expect(rule.key?.matches("voltages.L1") == true && rule.key?.matches("currents.L1") == false)
        #expect(GlobPattern("a?c*").matches("abcdef") && !GlobPattern("a?c*").matches("ac"))
    }

    @Test func glob() {
        #expect(GlobPattern("*").matches("anything"))
        #expect(GlobPattern("LINE*-PLC").matches("LINE12-PLC"))
        #expect(!GlobPattern("LINE*-PLC").matches("LINE12-PLX"))
        #expect(GlobPattern("exact").matches("exact") && !GlobPattern("exact").matches("exactly"))
    }
}
