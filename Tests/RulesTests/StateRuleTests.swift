import JSON
import Rules
import Testing

/// State rules: fire once when the condition starts to hold, stay quiet, resolve once;
/// first sight, for_polls, incomplete polls and disappearance.
struct StateRuleTests {
    static let lowQuality = "{field: current_quality_rating, in: [Low, RED]}"

    @Test func firesOnceStaysQuietAndResolvesOnce() throws {
        var driver = ChannelDriver(try Fixture.stateRule(Self.lowQuality))
        #expect(driver.events(#"{"current_quality_rating":"High"}"#) == [])
        #expect(driver.events(#"{"current_quality_rating":"Low"}"#) == ["r:firing"])
        #expect(driver.events(#"{"current_quality_rating":"RED"}"#) == [])
        #expect(driver.events(#"{"current_quality_rating":"Low"}"#) == [])
        #expect(driver.events(#"{"current_quality_rating":"High"}"#) == ["r:resolved"])
        #expect(driver.events(#"{"current_quality_rating":"High"}"#) == [])
        #expect(driver.events(#"{"current_quality_rating":"Low"}"#) == ["r:firing"])
    }

    @Test func firingAndResolvedFactsCarryTheFieldTransition() throws {
        var driver = ChannelDriver(try Fixture.stateRule(Self.lowQuality))
        _ = driver.poll(#"{"current_quality_rating":"High"}"#)
        let fired = try #require(driver.poll(#"{"current_quality_rating":"Low"}"#).first)
        #expect(fired.field == "current_quality_rating" && fired.from == "High" && fired.to == "Low")
        #expect(driver.state.firing["r"] == OpenAlert(value: "Low"))
        let resolved = try #require(driver.poll(#"{"current_quality_rating":"Medium"}"#).first)
        #expect(resolved.status == .resolved && resolved.from == "Low" && resolved.to == "Medium")
        #expect(driver.state.isEmpty)
    }

    @Test func firesOnFirstSightWhenTheConditionAlreadyHolds() throws {
        var driver = ChannelDriver(try Fixture.stateRule(Self.lowQuality))
        let facts = driver.poll(#"{"current_quality_rating":"Low"}"#)
        #expect(facts.map(\.status) == [.firing])
        #expect(facts.first?.from == nil)
    }

    @Test func forPollsWaitsForConsecutiveCompletePolls() throws {
        var driver = ChannelDriver(try Fixture.stateRule(Self.lowQuality, extra: "for_polls: 3"))
        #expect(driver.events(#"{"current_quality_rating":"Low"}"#) == [])
        #expect(driver.state.pending["r"] == 1)
        #expect(driver.events(#"{"current_quality_rating":"Low"}"#) == [])
        // An incomplete poll neither counts nor breaks the streak.
        #expect(driver.events(#"{"current_quality_rating":"High"}"#, complete: false) == [])
        #expect(driver.state.pending["r"] == 2)
        // A poll where it does not hold resets the count.
        #expect(driver.events(#"{"current_quality_rating":"High"}"#) == [])
        #expect(driver.state.pending["r"] == nil)
        #expect(driver.events(#"{"current_quality_rating":"Low"}"#) == [])
        #expect(driver.events(#"{"current_quality_rating":"Low"}"#) == [])
        #expect(driver.events(#"{"current_quality_rating":"Low"}"#) == ["r:firing"])
        #expect(driver.state.pending.isEmpty)
        #expect(driver.events(#"{"current_quality_rating":"Low"}"#) == [])
        #expect(driver.events(#"{"current_quality_rating":"High"}"#) == ["r:resolved"])
    }

    @Test func incompletePollYieldsNothingAndKeepsTheState() throws {
        let rules = try Fixture.rules("""
            rules:
              - {name: low, summary: s, alert: {field: current_quality_rating, equals: Low}}
              - {name: gone, summary: s, disappeared: true}
              - {name: moved, summary: s, change: {field: current_quality_rating}}
            """)
        let engine = RuleEngine(rules: rules)
        let firing = ChannelRuleState(firing: ["low": OpenAlert(value: "Low")], pending: ["x": 1])
        let previous = Fixture.json(#"{"current_quality_rating":"Low"}"#)
        for current in [nil, Fixture.json(#"{"current_quality_rating":"High"}"#)] {
            let evaluation = engine.evaluate(channelID: "c1", previous: previous, current: current, pollComplete: false,
                                             state: firing, context: Fixture.context)
            #expect(evaluation.facts.isEmpty)
            #expect(evaluation.state == firing)
        }
    }

    @Test func disappearedFiresOnceResolvesOnReturnAndClosesOpenAlerts() throws {
        let rules = try Fixture.rules("""
            rules:
              - {name: low, summary: s, alert: {field: current_quality_rating, equals: Low}}
              - {name: gone, summary: "{{channel.setup_info.phone_number}} gone", disappeared: true}
            """)
        var driver = ChannelDriver(rules)
        #expect(driver.events(#"{"current_quality_rating":"Low","setup_info":{"phone_number":"+49"}}"#) == ["low:firing"])
        #expect(driver.events(nil, complete: false) == [])
        let gone = driver.poll(nil)
        #expect(gone.map { "\($0.rule):\($0.status.rawValue)" } == ["low:resolved", "gone:firing"])
        // With the channel absent, templates see the last document seen.
        #expect(gone.last?.summary == "+49 gone")
        #expect(driver.events(nil) == [])
        #expect(driver.events(#"{"current_quality_rating":"Low"}"#) == ["low:firing", "gone:resolved"])
    }

    @Test func disappearedWithForPollsAndScopeOnTheLastDocument() throws {
        let rules = try Fixture.rules("""
            rules:
              - name: gone
                summary: s
                disappeared: true
                for_polls: 2
                where: [{field: status, equals: ready}]
            """)
        var ready = ChannelDriver(rules)
        _ = ready.poll(#"{"status":"ready"}"#)
        #expect(ready.events(nil) == [])
        #expect(ready.events(nil) == ["gone:firing"])
        var removed = ChannelDriver(rules)
        _ = removed.poll(#"{"status":"removed"}"#)
        #expect(removed.events(nil) == [])
        #expect(removed.events(nil) == [])
    }

    @Test func sendResolvedDefaultsToTrueAndCanBeTurnedOff() throws {
        let rules = try Fixture.rules("""
            rules:
              - {name: a, summary: s, alert: {field: x, exists: true}}
              - {name: b, summary: s, alert: {field: x, exists: true}, send_resolved: false}
              - {name: c, summary: s, change: {field: x}}
            """)
        #expect(rules.rules.map(\.sendResolved) == [true, false, false])
        var driver = ChannelDriver(rules)
        #expect(driver.poll(#"{"x":1}"#).map(\.sendResolved) == [true, false])
    }

    @Test func unknownEnumValuesNeverCrashOrFireOrderRules() throws {
        let rules = try Fixture.rules("""
            rules:
              - {name: high_limit, summary: s, alert: {field: current_limit, above: TIER_50}}
              - {name: low_quality, summary: s, alert: {field: current_quality_rating, below: High}}
              - {name: limit_up, summary: s, change: {field: current_limit, direction: up}}
              - {name: quality_down, summary: s, change: {field: current_quality_rating, direction: down}}
            """)
        var driver = ChannelDriver(rules)
        let strange = [#""TIER_42""#, #""""#, "null", "7", "true", #"["TIER_1K"]"#, #"{"tier":"TIER_1K"}"#, #""TIER_1K ""#, #""tier_1k""#]
        for value in strange {
            let document = #"{"current_limit":\#(value),"current_quality_rating":\#(value)}"#
            #expect(driver.events(document) == [], "value \(value)")
        }
    }

    @Test func statesForRulesNoLongerLoadedAreKept() throws {
        let engine = RuleEngine(rules: try Fixture.stateRule(Self.lowQuality))
        let state = ChannelRuleState(firing: ["old_rule": OpenAlert(value: nil)])
        let evaluation = engine.evaluate(channelID: "c1", previous: nil, current: Fixture.json(#"{"current_quality_rating":"Low"}"#),
                                         pollComplete: true, state: state, context: Fixture.context)
        #expect(evaluation.state.firing.keys.sorted() == ["old_rule", "r"])
    }
}
