import Rules
import Testing

/// Every leaf operator and combinator, as (condition, document, holds?) rows: a state rule
/// with the condition fires on first sight exactly when the condition holds.
struct ConditionOperatorTests {
    struct Row: CustomTestStringConvertible, Sendable {
        let condition: String
        let document: String
        let holds: Bool
        var testDescription: String { "\(condition) on \(document) → \(holds)" }
    }

    static let rows: [Row] = [
        // equals / not_equals: enums, numbers and booleans compared as text.
        Row(condition: "{field: status, equals: ready}", document: #"{"status":"ready"}"#, holds: true),
        Row(condition: "{field: status, equals: ready}", document: #"{"status":"error"}"#, holds: false),
        Row(condition: "{field: status, equals: ready}", document: #"{}"#, holds: false),
        Row(condition: "{field: version, equals: 3}", document: #"{"version":3}"#, holds: true),
        Row(condition: "{field: is_oba, equals: true}", document: #"{"is_oba":true}"#, holds: true),
        Row(condition: "{field: is_oba, equals: true}", document: #"{"is_oba":"true"}"#, holds: true),
        Row(condition: "{field: status, not_equals: ready}", document: #"{"status":"error"}"#, holds: true),
        Row(condition: "{field: status, not_equals: ready}", document: #"{"status":"ready"}"#, holds: false),
        Row(condition: "{field: status, not_equals: ready}", document: #"{}"#, holds: true),
        // in / not_in
        Row(condition: "{field: status, in: [error, removed]}", document: #"{"status":"removed"}"#, holds: true),
        Row(condition: "{field: status, in: [error, removed]}", document: #"{"status":"ready"}"#, holds: false),
        Row(condition: "{field: status, in: [error, removed]}", document: #"{"status":null}"#, holds: false),
        Row(condition: "{field: status, not_in: [error, removed]}", document: #"{"status":"ready"}"#, holds: true),
        Row(condition: "{field: status, not_in: [error, removed]}", document: #"{"status":"error"}"#, holds: false),
        Row(condition: "{field: status, not_in: [error, removed]}", document: #"{}"#, holds: true),
        // exists: null counts as absent; nested paths.
        Row(condition: "{field: cancelled_at, exists: true}", document: #"{"cancelled_at":"2026-01-01"}"#, holds: true),
        Row(condition: "{field: cancelled_at, exists: true}", document: #"{"cancelled_at":null}"#, holds: false),
        Row(condition: "{field: cancelled_at, exists: false}", document: #"{}"#, holds: true),
        Row(condition: "{field: settings.throughput, exists: true}", document: #"{"settings":{"throughput":{"level":"x"}}}"#, holds: true),
        Row(condition: "{field: settings.tier, exists: true}", document: #"{"settings":"flat"}"#, holds: false),
        // matches: unanchored search, anchors when written.
        Row(condition: #"{field: setup_info.phone_number, matches: "^\\+49"}"#, document: #"{"setup_info":{"phone_number":"+4915"}}"#, holds: true),
        Row(condition: #"{field: setup_info.phone_number, matches: "^\\+49"}"#, document: #"{"setup_info":{"phone_number":"+3349"}}"#, holds: false),
        Row(condition: "{field: client.name, matches: 'ac?me'}", document: #"{"client":{"name":"The Acme and acme"}}"#, holds: true),
        Row(condition: "{field: client.name, matches: 'x'}", document: #"{"client":{}}"#, holds: false),
        // above / below along built-in orders; other scales, NA and unknown values never hold.
        Row(condition: "{field: current_limit, above: TIER_1K}", document: #"{"current_limit":"TIER_2K"}"#, holds: true),
        Row(condition: "{field: current_limit, above: TIER_1K}", document: #"{"current_limit":"TIER_1K"}"#, holds: false),
        Row(condition: "{field: current_limit, above: TIER_1K}", document: #"{"current_limit":"NA"}"#, holds: false),
        Row(condition: "{field: current_limit, below: TIER_1K}", document: #"{"current_limit":"TIER_250"}"#, holds: true),
        Row(condition: "{field: current_limit, below: TIER_1K}", document: #"{"current_limit":"TIER_NOT_SET"}"#, holds: false),
        Row(condition: "{field: current_limit, below: TIER_1K}", document: #"{"current_limit":"TIER_42"}"#, holds: false),
        Row(condition: "{field: current_quality_rating, below: High}", document: #"{"current_quality_rating":"Medium"}"#, holds: true),
        Row(condition: "{field: current_quality_rating, below: High}", document: #"{"current_quality_rating":"RED"}"#, holds: false),
        Row(condition: "{field: current_quality_rating, above: RED}", document: #"{"current_quality_rating":"YELLOW"}"#, holds: true),
        Row(condition: "{field: current_quality_rating, above: RED}", document: #"{"current_quality_rating":"High"}"#, holds: false),
        // combinators
        Row(condition: "{all: [{field: a, equals: 1}, {field: b, equals: 2}]}", document: #"{"a":1,"b":2}"#, holds: true),
        Row(condition: "{all: [{field: a, equals: 1}, {field: b, equals: 2}]}", document: #"{"a":1,"b":3}"#, holds: false),
        Row(condition: "{any: [{field: a, equals: 1}, {field: b, equals: 2}]}", document: #"{"a":0,"b":2}"#, holds: true),
        Row(condition: "{any: [{field: a, equals: 1}, {field: b, equals: 2}]}", document: #"{"a":0,"b":0}"#, holds: false),
        Row(condition: "{not: {field: a, equals: 1}}", document: #"{"a":1}"#, holds: false),
        Row(condition: "{not: {field: a, equals: 1}}", document: #"{"a":2}"#, holds: true),
        Row(condition: "{not: {any: [{field: a, exists: true}, {all: [{field: b, in: [x]}]}]}}", document: #"{"b":"y"}"#, holds: true),
        Row(condition: "{not: {any: [{field: a, exists: true}, {all: [{field: b, in: [x]}]}]}}", document: #"{"b":"x"}"#, holds: false),
    ]

    @Test(arguments: rows)
    func operatorHoldsExactlyWhenExpected(_ row: Row) throws {
        var driver = ChannelDriver(try Fixture.stateRule(row.condition))
        let facts = driver.poll(row.document)
        #expect(facts.map(\.status) == (row.holds ? [.firing] : []))
    }

    @Test func whereScopeMustHoldToo() throws {
        let rules = try Fixture.rules("""
            rules:
              - name: r
                summary: s
                alert: {field: current_quality_rating, equals: Low}
                where:
                  - {field: status, not_in: [removed]}
                  - {field: is_oba, equals: false}
            """)
        var driver = ChannelDriver(rules)
        #expect(driver.events(#"{"current_quality_rating":"Low","status":"ready","is_oba":true}"#) == [])
        #expect(driver.events(#"{"current_quality_rating":"Low","status":"ready","is_oba":false}"#) == ["r:firing"])
        // The scope stopping to hold resolves the alert like the condition would.
        #expect(driver.events(#"{"current_quality_rating":"Low","status":"removed","is_oba":false}"#) == ["r:resolved"])
    }

    @Test func ordersDeclaredInFilesWorkForAboveAndDirection() throws {
        let rules = try RuleSet.parse([
            ("orders.yml", "orders:\n  settings.tier: [basic, regular, premium]\n  integration.state: [[a, b], [x, y]]\n"),
            ("rules.yml", """
                rules:
                  - {name: premium, summary: s, alert: {field: settings.tier, above: regular}}
                  - {name: tier_down, summary: s, change: {field: settings.tier, direction: down}}
                  - {name: state_up, summary: s, change: {field: integration.state, direction: up}}
                """),
        ])
        #expect(rules.orders["settings.tier"] == ValueOrder(scales: [["basic", "regular", "premium"]]))
        var driver = ChannelDriver(rules)
        #expect(driver.events(#"{"settings":{"tier":"regular"},"integration":{"state":"a"}}"#) == [])
        #expect(driver.events(#"{"settings":{"tier":"premium"},"integration":{"state":"b"}}"#) == ["premium:firing", "state_up:changed"])
        #expect(driver.events(#"{"settings":{"tier":"basic"},"integration":{"state":"x"}}"#) == ["premium:resolved", "tier_down:changed"])
    }
}
