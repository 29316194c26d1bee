import Foundation
import Rules
import Testing
import YAMLSupport

/// The rule unit-test runner: passing and failing tests, the printed report, bad test files.
struct RuleTestRunnerTests {
    static let ruleFile = "rules:\n  - {name: low, summary: 'low {{to}}', severity: critical, alert: {field: q, equals: Low}}\n"

    static func write(_ files: [String: String]) throws -> String {
        try LoaderTests.scratchDirectory(files)
    }

    @Test func failingExpectationsAreReportedWithExpectedAndActual() throws {
        let directory = try Self.write(["rules.yml": Self.ruleFile, "t.yml": """
            rule_files: [rules.yml]
            tests:
              - name: passes
                polls:
                  - channels: [{id: c1, q: High}]
                  - channels: [{id: c1, q: Low}]
                expect:
                  - {poll: 2, events: [{rule: low, channel: c1, status: firing, from: High, to: Low, summary: low Low}]}
              - name: wrong status
                polls:
                  - channels: [{id: c1, q: High}]
                  - channels: [{id: c1, q: Low}]
                  - channels: [{id: c1, q: Low}]
                expect:
                  - {poll: 2, events: [{rule: low, status: resolved}]}
                  - {poll: 3, events: [{rule: low}]}
            """])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = try RuleTestRunner().run(files: [directory + "/t.yml"])
        #expect(report.results.map(\.passed) == [true, false])
        #expect(!report.passed)
        #expect(report.failures.first?.mismatches.map(\.poll) == [2, 3])
        let text = report.description
        #expect(text.contains("  PASS  passes"))
        #expect(text.contains("  FAIL  wrong status"))
        #expect(text.contains("expected: {rule: low, status: resolved}"))
        #expect(text.contains("actual:   {rule: low, channel: c1, status: firing, from: High, to: Low, severity: critical, summary: \"low Low\"}"))
        #expect(text.contains("poll 3: expected 1 event(s), got 0"))
        #expect(text.hasSuffix("2 test(s), 1 passed, 1 failed"))
    }

    @Test func matchingIgnoresOrderButNotCount() throws {
        let directory = try Self.write(["rules.yml": "rules:\n  - {name: a, summary: s, alert: {field: q, exists: true}}\n", "t.yml": """
            rule_files: [rules.yml]
            tests:
              - name: two channels in any order
                polls:
                  - channels: [{id: c1, q: 1}, {id: c2, q: 1}]
                expect:
                  - {poll: 1, events: [{channel: c2}, {rule: a}]}
              - name: count must match
                polls:
                  - channels: [{id: c1, q: 1}, {id: c2, q: 1}]
                expect:
                  - {poll: 1, events: [{rule: a}]}
            """])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = try RuleTestRunner().run(files: [directory + "/t.yml"])
        #expect(report.results.map(\.passed) == [true, false])
    }

    @Test func incompletePollsAdvanceNothing() throws {
        let directory = try Self.write(["rules.yml": Self.ruleFile + "  - {name: moved, summary: s, change: {field: q}}\n", "t.yml": """
            rule_files: [rules.yml]
            tests:
              - name: partial poll
                polls:
                  - channels: [{id: c1, q: High}]
                  - complete: false
                    channels: [{id: c1, q: Low}]
                  - complete: false
                  - channels: [{id: c1, q: Low}]
                expect:
                  - {poll: 2, events: []}
                  - {poll: 3, events: []}
                  - {poll: 4, events: [{rule: low, from: High}, {rule: moved, from: High, to: Low}]}
            """])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let report = try RuleTestRunner().run(files: [directory + "/t.yml"])
        #expect(report.passed, "\(report)")
    }

    @Test func badTestFilesGiveLocatedDiagnostics() throws {
        let directory = try Self.write(["rules.yml": Self.ruleFile, "bad.yml": """
            rule_files: [rules.yml, missing.yml]
            tests:
              - name: typos
                pols: []
                expect:
                  - {poll: 1, events: [{rule: low, stauts: firing}]}
              - name: bad values
                polls:
                  - channels: [{id: c1}, {id: c1}, {q: 1}]
                expect:
                  - {poll: 4, events: []}
                  - {poll: 1, events: [{status: fired}]}
            """])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/bad.yml"
        do {
            _ = try RuleTestRunner().run(files: [file])
            Issue.record("a bad test file ran")
        } catch {
            #expect(error.items.map(\.description) == [
                "\(file):3:5: missing required key 'polls'",
                "\(file):4:5: unknown key 'pols' (did you mean 'polls'?)",
                "\(file):6:16: poll 1 does not exist; this test has no polls",
                "\(file):6:40: unknown key 'stauts' (did you mean 'status'?)",
                "\(file):9:30: channel 'c1' is listed twice in one poll",
                "\(file):9:40: a channel needs an 'id'",
                "\(file):11:16: poll 4 does not exist; this test has polls 1 to 1",
                "\(file):12:37: 'status' must be one of firing, resolved, changed, received, found 'fired'",
            ])
        }
    }

    @Test func missingRuleFilesOfATestAreReported() throws {
        let directory = try Self.write(["t.yml": "rule_files: [nope.yml]\ntests:\n  - {name: x, polls: [{channels: []}]}\n"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: Diagnostics.self) { try RuleTestRunner().run(files: [directory + "/t.yml"]) }
        do {
            _ = try RuleTestRunner().run(files: [directory + "/t.yml"])
        } catch {
            #expect(error.items.map(\.description) == ["\(directory)/nope.yml: no such file or directory; check the rules path"])
        }
    }
}
