import Foundation
import Rules
import Testing

/// The shipped `Rules/` load cleanly, cover every rule the README lists, and pass every
/// rule unit-test file in `Tests/rules/`.
struct ShippedRulesTests {
    static let rulesDirectory = Fixture.repositoryRoot + "/Rules"
    static let testDirectory = Fixture.repositoryRoot + "/Tests/rules"

    static let requiredRules = [
        "quality_low", "quality_degraded", "availability_error", "messaging_limit_up", "messaging_limit_down",
        "billing_tier_changed", "waba_banned", "waba_restricted", "channel_status_error", "channel_removed",
        "channel_cancelled", "channel_terminated", "channel_disappeared",
        "account_violation_reported", "account_restriction_reported", "channel_created_reported",
    ]

    @Test func shippedRulesLoadAndCoverTheSpec() throws {
        let rules = try RuleSet.load(paths: [Self.rulesDirectory])
        let names = Set(rules.rules.map(\.name))
        for name in Self.requiredRules {
            #expect(names.contains(name), "missing shipped rule \(name)")
        }
        #expect(rules.rule(named: "quality_degraded").map { if case .change(let trigger) = $0.kind { trigger.direction == .down } else { false } } == true)
        #expect(rules.rule(named: "channel_disappeared").map { if case .disappeared = $0.kind { true } else { false } } == true)
    }

    @Test func everyShippedRuleHasATestThatNamesIt() throws {
        let files = try Self.testFiles()
        let text = try files.map { try String(contentsOfFile: $0, encoding: .utf8) }.joined()
        for name in Self.requiredRules {
            #expect(text.contains("rule: \(name)"), "no test expects an event of \(name)")
        }
    }

    @Test func ruleUnitTestsInTestsRulesPass() throws {
        let report = try RuleTestRunner().run(files: try Self.testFiles())
        #expect(report.results.count >= Self.requiredRules.count)
        #expect(report.passed, "\(report)")
    }

    static func testFiles() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: testDirectory)
            .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted()
            .map { testDirectory + "/" + $0 }
    }
}
