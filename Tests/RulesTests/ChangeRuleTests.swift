import Rules
import Testing

/// Change rules: once per observed transition, never on first sight; from/to/direction filters; tier order.
struct ChangeRuleTests {
    static func changeRule(_ trigger: String, scope: String = "") throws -> RuleSet {
        try Fixture.rules("""
            rules:
              - name: c
                summary: "{{field}}: {{from}} -> {{to}}"
                change: \(trigger)
            \(scope.isEmpty ? "" : "    where: " + scope)
            """)
    }

    @Test func firesOncePerTransitionAndNeverOnFirstSight() throws {
        var driver = ChannelDriver(try Self.changeRule("{field: settings.tier}"))
        #expect(driver.events(#"{"settings":{"tier":"a"}}"#) == [])
        let changed = driver.poll(#"{"settings":{"tier":"b"}}"#)
        #expect(changed.map(\.status) == [.changed])
        #expect(changed.first?.summary == "settings.tier: a -> b")
        #expect(driver.events(#"{"settings":{"tier":"b"}}"#) == [])
        #expect(driver.events(#"{"settings":{"tier":"a"}}"#) == ["c:changed"])
        #expect(driver.events(#"{"settings":{}}"#) == ["c:changed"])
        #expect(driver.events(#"{"settings":{"tier":null}}"#) == [], "null and absent are the same value")
        #expect(driver.state.isEmpty, "change rules keep no state")
    }

    @Test func noChangeWhileAbsentOrAfterAnIncompletePoll() throws {
        var driver = ChannelDriver(try Self.changeRule("{field: current_limit}"))
        _ = driver.poll(#"{"current_limit":"TIER_1K"}"#)
        #expect(driver.events(nil) == [])
        #expect(driver.events(#"{"current_limit":"TIER_2K"}"#, complete: false) == [])
        #expect(driver.events(#"{"current_limit":"TIER_2K"}"#) == ["c:changed"])
    }

    struct Transition: CustomTestStringConvertible, Sendable {
        let trigger: String
        let from: String
        let to: String
        let fires: Bool
        var testDescription: String { "\(trigger): \(from) → \(to) = \(fires)" }
    }

    static let transitions: [Transition] = [
        // Tier order, TIER_2K included; NA / TIER_NOT_SET / unknown tiers are unordered.
        Transition(trigger: "{field: current_limit, direction: up}", from: "TIER_1K", to: "TIER_2K", fires: true),
        Transition(trigger: "{field: current_limit, direction: up}", from: "TIER_2K", to: "TIER_10K", fires: true),
        Transition(trigger: "{field: current_limit, direction: up}", from: "TIER_50", to: "TIER_UNLIMITED", fires: true),
        Transition(trigger: "{field: current_limit, direction: up}", from: "TIER_2K", to: "TIER_1K", fires: false),
        Transition(trigger: "{field: current_limit, direction: down}", from: "TIER_2K", to: "TIER_1K", fires: true),
        Transition(trigger: "{field: current_limit, direction: down}", from: "TIER_100K", to: "TIER_10K", fires: true),
        Transition(trigger: "{field: current_limit, direction: down}", from: "TIER_1K", to: "TIER_2K", fires: false),
        Transition(trigger: "{field: current_limit, direction: up}", from: "NA", to: "TIER_1K", fires: false),
        Transition(trigger: "{field: current_limit, direction: down}", from: "TIER_1K", to: "NA", fires: false),
        Transition(trigger: "{field: current_limit, direction: up}", from: "TIER_NOT_SET", to: "TIER_50", fires: false),
        Transition(trigger: "{field: current_limit, direction: down}", from: "TIER_50", to: "TIER_NOT_SET", fires: false),
        Transition(trigger: "{field: current_limit, direction: up}", from: "TIER_1K", to: "TIER_5K", fires: false),
        Transition(trigger: "{field: current_limit, direction: any}", from: "TIER_1K", to: "NA", fires: true),
        Transition(trigger: "{field: current_limit}", from: "NA", to: "TIER_NOT_SET", fires: true),
        // Quality: two scales that never compare with each other.
        Transition(trigger: "{field: current_quality_rating, direction: down}", from: "High", to: "Low", fires: true),
        Transition(trigger: "{field: current_quality_rating, direction: down}", from: "GREEN", to: "RED", fires: true),
        Transition(trigger: "{field: current_quality_rating, direction: down}", from: "GREEN", to: "Low", fires: false),
        Transition(trigger: "{field: current_quality_rating, direction: up}", from: "RED", to: "High", fires: false),
        Transition(trigger: "{field: current_quality_rating, direction: down}", from: "High", to: "UNKNOWN", fires: false),
        // from / to filters.
        Transition(trigger: "{field: status, from: [ready]}", from: "ready", to: "error", fires: true),
        Transition(trigger: "{field: status, from: [ready]}", from: "created", to: "error", fires: false),
        Transition(trigger: "{field: status, to: [error, removed]}", from: "ready", to: "removed", fires: true),
        Transition(trigger: "{field: status, to: [error, removed]}", from: "removed", to: "ready", fires: false),
        Transition(trigger: "{field: current_limit, from: [TIER_1K], to: [TIER_250], direction: down}", from: "TIER_1K", to: "TIER_250", fires: true),
        Transition(trigger: "{field: current_limit, from: [TIER_1K], to: [TIER_250], direction: down}", from: "TIER_2K", to: "TIER_250", fires: false),
    ]

    @Test(arguments: transitions)
    func transitionFiresExactlyWhenExpected(_ row: Transition) throws {
        let field = row.trigger.contains("current_limit") ? "current_limit"
            : row.trigger.contains("quality") ? "current_quality_rating" : "status"
        var driver = ChannelDriver(try Self.changeRule(row.trigger))
        _ = driver.poll(#"{"\#(field)":"\#(row.from)"}"#)
        let facts = driver.poll(#"{"\#(field)":"\#(row.to)"}"#)
        #expect(facts.count == (row.fires ? 1 : 0))
        if row.fires {
            #expect(facts.first?.from == row.from && facts.first?.to == row.to)
        }
    }

    @Test func whereScopeIsCheckedOnTheCurrentDocument() throws {
        var driver = ChannelDriver(try Self.changeRule("{field: current_limit, direction: down}",
                                                       scope: "[{field: status, not_in: [removed]}]"))
        _ = driver.poll(#"{"current_limit":"TIER_1K","status":"ready"}"#)
        #expect(driver.events(#"{"current_limit":"TIER_250","status":"removed"}"#) == [])
        #expect(driver.events(#"{"current_limit":"TIER_50","status":"ready"}"#) == ["c:changed"])
    }

    @Test func factsFollowRuleOrderAcrossFiles() throws {
        let rules = try RuleSet.parse([
            ("a.yml", "rules:\n  - {name: z_first, summary: s, change: {field: x}}\n"),
            ("b.yml", "rules:\n  - {name: a_second, summary: s, change: {field: x}}\n  - {name: m_third, summary: s, change: {field: x}}\n"),
        ])
        var driver = ChannelDriver(rules)
        _ = driver.poll(#"{"x":1}"#)
        #expect(driver.poll(#"{"x":2}"#).map(\.rule) == ["z_first", "a_second", "m_third"])
    }
}
