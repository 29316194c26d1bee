import Foundation
import Rules
import Testing
import YAMLSupport

/// The broken-rule corpus: every file in Fixtures/broken is refused with exactly the listed
/// `FILE:LINE:COLUMN: message` diagnostics (all of them, not just the first).
struct BrokenRuleCorpusTests {
    static let directory = Fixture.repositoryRoot + "/Tests/RulesTests/Fixtures/broken"

    static let expected: KeyValuePairs<String, [String]> = [
        "above-unknown-value.yml": [
            "above-unknown-value.yml:4:42: 'TIER_3K' is not a value of the order of 'current_limit' (ordered values: TIER_50, TIER_250, TIER_1K, TIER_2K, TIER_10K, TIER_100K, TIER_UNLIMITED) (did you mean 'TIER_1K'?)",
        ],
        "above-without-order.yml": [
            "above-without-order.yml:4:35: 'above' needs an order for field 'status', and there is none; declare one under the top-level 'orders:' (known orders: current_limit, current_quality_rating)",
        ],
        "all-not-a-list.yml": [
            "all-not-a-list.yml:5:12: 'all' must be a non-empty list of conditions, found a mapping",
        ],
        "bad-field-path.yml": [
            "bad-field-path.yml:4:20: 'field' must be a dotted path like 'waba_account.status', found 'waba_account..status'",
        ],
        "bad-name-characters.yml": [
            "bad-name-characters.yml:2:11: rule name 'Quality-Low' may only use lowercase letters, digits and '_'",
        ],
        "bad-regex.yml": [
            "bad-regex.yml:4:54: 'matches': invalid regular expression '^(\\+49': expected ')'",
        ],
        "bad-severity.yml": [
            "bad-severity.yml:4:15: 'severity' must be one of critical, warning, info, found 'critcal' (did you mean 'critical'?)",
        ],
        "change-missing-field.yml": [
            "change-missing-field.yml:4:13: missing required key 'field'",
        ],
        "direction-invalid.yml": [
            "direction-invalid.yml:4:47: 'direction' must be one of up, down, any, found 'upwards'",
        ],
        "direction-without-order.yml": [
            "direction-without-order.yml:4:40: 'direction: up' needs an order for field 'status', and there is none; declare one under the top-level 'orders:' (known orders: current_limit, current_quality_rating)",
        ],
        "disappeared-false.yml": [
            "disappeared-false.yml:4:18: 'disappeared' must be true (remove the key for a rule of another kind)",
        ],
        "duplicate-name-same-file.yml": [
            "duplicate-name-same-file.yml:5:11: duplicate rule name 'quality_low' (first defined at duplicate-name-same-file.yml:2:11); rule names must be unique across all rule files",
        ],
        "duplicate-yaml-key.yml": [
            "duplicate-yaml-key.yml:2:5: duplicate key 'name'",
        ],
        "empty-file.yml": [
            "empty-file.yml: file is empty; expected a mapping with a 'rules:' list",
        ],
        "equals-given-a-list.yml": [
            "equals-given-a-list.yml:4:36: 'equals' must be a single value, found a list (did you mean 'in'?)",
        ],
        "equals-null.yml": [
            "equals-null.yml:4:43: 'equals' needs a value, found null; to test for a missing field use 'exists: false'",
        ],
        "exists-not-boolean.yml": [
            "exists-not-boolean.yml:4:42: 'exists' must be true or false",
        ],
        "field-and-combinator.yml": [
            "field-and-combinator.yml:7:7: a condition is either a field test or 'any', not both; wrap them in 'all'",
        ],
        "field-missing.yml": [
            "field-missing.yml:4:12: missing required key 'field'",
        ],
        "for-polls-not-integer.yml": [
            "for-polls-not-integer.yml:5:16: 'for_polls' must be an integer",
        ],
        "for-polls-on-change-rule.yml": [
            "for-polls-on-change-rule.yml:5:5: 'for_polls' applies to state and disappeared rules, not to change rules",
        ],
        "for-polls-zero.yml": [
            "for-polls-zero.yml:5:16: 'for_polls' must be 1 or more, found 0",
        ],
        "in-empty-list.yml": [
            "in-empty-list.yml:4:32: 'in' must be a non-empty list of values, found an empty list",
        ],
        "in-given-a-scalar.yml": [
            "in-given-a-scalar.yml:4:32: 'in' must be a non-empty list of values, found a scalar (for one value use 'equals')",
        ],
        "label-reserved.yml": [
            "label-reserved.yml:4:14: label 'severity' is set by ChannelWatch for routes; choose another name",
            "label-reserved.yml:4:30: label name 'team-name' must start with a letter or '_' and use only letters, digits and '_'",
        ],
        "labels-not-a-mapping.yml": [
            "labels-not-a-mapping.yml:4:13: 'labels' must be a mapping, found a list",
        ],
        "many-errors-in-one-file.yml": [
            "many-errors-in-one-file.yml:3:14: 'summary' template does not parse: a section is opened but never closed (template line 1, column 7)",
            "many-errors-in-one-file.yml:4:15: 'severity' must be one of critical, warning, info, found 'urgent'",
            "many-errors-in-one-file.yml:8:47: 'direction' must be one of up, down, any, found 'sideways'",
            "many-errors-in-one-file.yml:8:61: 'to' must be a non-empty list of values, found a scalar",
            "many-errors-in-one-file.yml:11:43: 'matches': invalid regular expression '[z-a]': character 'z' must compare less than or equal to 'a'",
        ],
        "missing-name.yml": [
            "missing-name.yml:2:5: missing required key 'name'",
        ],
        "missing-summary.yml": [
            "missing-summary.yml:2:5: missing required key 'summary'",
        ],
        "misspelt-operator.yml": [
            "misspelt-operator.yml:6:7: unknown key 'equal' (did you mean 'equals'?)",
        ],
        "nested-too-deep.yml": [
            "nested-too-deep.yml:4:204: conditions are nested more than 32 levels deep; flatten them with 'all'/'any'",
        ],
        "no-kind.yml": [
            "no-kind.yml:2:5: rule 'quality_low' needs one of 'alert' (state rule), 'change' (change rule), 'disappeared: true' or 'webhook' (inbound event rule)",
        ],
        "operator-missing.yml": [
            "operator-missing.yml:4:12: condition on 'status' needs an operator: equals, not_equals, in, not_in, exists, matches, above, below",
        ],
        "orders-malformed.yml": [
            "orders-malformed.yml:2:18: order 'settings.tier' must be a non-empty list of values from lowest to highest, or a list of such lists",
            "orders-malformed.yml:3:29: 'a' appears twice in order 'integration.state'",
        ],
        "reserved-name.yml": [
            "reserved-name.yml:2:11: rule name 'poll_failing' is reserved for a ChannelWatch system alert; choose another name",
        ],
        "rule-not-a-mapping.yml": [
            "rule-not-a-mapping.yml:2:5: a rule must be a mapping, found a scalar",
        ],
        "rules-not-a-list.yml": [
            "rules-not-a-list.yml:2:3: 'rules' must be a list of rules, found a mapping",
        ],
        "send-resolved-not-boolean.yml": [
            "send-resolved-not-boolean.yml:5:20: 'send_resolved' must be true or false",
        ],
        "template-unclosed-section.yml": [
            "template-unclosed-section.yml:3:14: 'summary' template does not parse: a section is opened but never closed (template line 1, column 44)",
        ],
        "template-unclosed-tag.yml": [
            "template-unclosed-tag.yml:4:18: 'description' template does not parse: the template ends inside a tag; close it with '}}' (template line 3, column 1)",
        ],
        "two-kinds.yml": [
            "two-kinds.yml:5:5: rule 'quality_low' has both 'alert' and 'change'; a rule is exactly one of a state rule ('alert'), a change rule ('change'), 'disappeared: true' or a webhook rule ('webhook')",
        ],
        "two-operators.yml": [
            "two-operators.yml:4:43: condition on 'status' has both 'equals' and 'in'; combine tests with 'all' or 'any'",
        ],
        "unknown-rule-key.yml": [
            "unknown-rule-key.yml:4:5: unknown key 'severty' (did you mean 'severity'?)",
        ],
        "unknown-top-key.yml": [
            "unknown-top-key.yml:5:1: unknown key 'order' (did you mean 'orders'?)",
        ],
        "where-misspelt-operator.yml": [
            "where-misspelt-operator.yml:7:9: unknown key 'nott_in' (did you mean 'not_in'?)",
        ],
        "yaml-syntax-error.yml": [
            "yaml-syntax-error.yml:5:1: invalid YAML: while scanning a quoted scalar: found unexpected end of stream",
        ],
    ]

    @Test(arguments: expected.map { $0.key })
    func brokenFileIsRefusedWithItsDiagnostics(_ name: String) throws {
        let wanted = try #require(Self.expected.first { $0.key == name }?.value)
        #expect(!wanted.isEmpty)
        let prefix = Self.directory + "/"
        do {
            _ = try RuleSet.load(paths: [prefix + name])
            Issue.record("\(name) loaded without errors")
        } catch {
            let actual = error.items.map { $0.description.replacingOccurrences(of: prefix, with: "") }
            #expect(actual == wanted)
        }
    }

    @Test func corpusHasAtLeastThirtyFilesAndEveryFileHasAnExpectation() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory).filter { $0.hasSuffix(".yml") }
        #expect(files.count >= 30)
        #expect(Set(files) == Set(Self.expected.map(\.key)))
    }

    @Test func loadingTheWholeDirectoryReportsEveryFilesProblems() {
        do {
            _ = try RuleSet.load(paths: [Self.directory])
            Issue.record("the broken corpus loaded")
        } catch {
            let files = Set(error.items.map { ($0.file as NSString).lastPathComponent })
            #expect(files.count == Self.expected.count)
            #expect(error.items.count >= Self.expected.reduce(0) { $0 + $1.value.count })
        }
    }

    @Test func duplicateNamesAcrossFilesPointAtTheSecondAndMentionTheFirst() {
        let directory = Fixture.repositoryRoot + "/Tests/RulesTests/Fixtures/duplicate"
        do {
            _ = try RuleSet.load(paths: [directory])
            Issue.record("duplicate names loaded")
        } catch {
            #expect(error.items.map(\.description) == [
                "\(directory)/b-second.yml:6:11: duplicate rule name 'quality_low' (first defined at \(directory)/a-first.yml:2:11); rule names must be unique across all rule files",
            ])
        }
    }
}
