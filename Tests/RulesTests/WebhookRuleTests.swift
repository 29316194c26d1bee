import Foundation
import JSON
import Rules
import Testing

@Suite struct WebhookRuleTests {
    static let yaml = """
        rules:
          - name: scam
            summary: "Violation {{webhook.violation_type}} on {{channel.setup_info.phone_number}}{{^channel.setup_info.phone_number}}{{webhook.phone_number}}{{/channel.setup_info.phone_number}}"
            description: "status {{status}}, rule {{rule}}"
            severity: critical
            labels: {team: trust}
            webhook:
              event: [account_violation, ACCOUNT_RESTRICTION]
            where: {field: webhook.violation_type, in: [SCAM, FRAUD]}
          - name: created
            summary: "New {{webhook.data.id}}"
            webhook: {event: channel_created}
          - name: low
            summary: "low"
            alert: {field: current_quality_rating, equals: Low}
        """

    let engine: RuleEngine

    init() throws { engine = RuleEngine(rules: try Fixture.rules(Self.yaml)) }

    @Test func anEventOfTheRulesNamesWhoseWhereHoldsIsReceived() {
        let payload = Fixture.json(#"{"event": "account_violation", "phone_number": "+1 555", "violation_type": "SCAM"}"#)
        let channel = Fixture.json(#"{"id": "c1", "setup_info": {"phone_number": "+4930111"}}"#)
        let facts = engine.evaluateWebhook(event: "account_violation", payload: payload, channelID: "c1", channel: channel,
                                           context: Fixture.context)
        #expect(facts.count == 1)
        #expect(facts.first?.rule == "scam" && facts.first?.status == .received && facts.first?.channelID == "c1")
        #expect(facts.first?.summary == "Violation SCAM on +4930111")
        #expect(facts.first?.description == "status received, rule scam")
        #expect(facts.first?.labels == ["team": "trust"] && facts.first?.severity == .critical && facts.first?.sendResolved == false)
        // Without a channel the payload's own number is used, and the event is partner-wide.
        let alone = engine.evaluateWebhook(event: "Account_Restriction", payload: payload, channelID: nil, channel: nil,
                                           context: Fixture.context)
        #expect(alone.map(\.summary) == ["Violation SCAM on +1 555"] && alone.first?.channelID == "")
    }

    @Test func otherEventsAndPayloadsFireNothing() {
        let spam = Fixture.json(#"{"violation_type": "SPAM"}"#)
        #expect(engine.evaluateWebhook(event: "account_violation", payload: spam, channelID: nil, channel: nil, context: Fixture.context).isEmpty)
        #expect(engine.evaluateWebhook(event: "channel_live", payload: spam, channelID: nil, channel: nil, context: Fixture.context).isEmpty)
        let created = engine.evaluateWebhook(event: "channel_created", payload: Fixture.json(#"{"data": {"id": "c9"}}"#),
                                             channelID: nil, channel: nil, context: Fixture.context)
        #expect(created.map(\.summary) == ["New c9"] && created.first?.severity == .warning)
    }

    @Test func pollsNeverFireWebhookRules() {
        var driver = ChannelDriver(engine.rules)
        _ = driver.poll(#"{"id": "c1", "current_quality_rating": "High"}"#)
        let facts = driver.poll(#"{"id": "c1", "current_quality_rating": "Low", "violation_type": "SCAM"}"#)
        #expect(facts.map(\.rule) == ["low"])
        #expect(engine.hasWebhookRules)
        #expect(engine.rules.summary.hasSuffix("(1 state, 0 change, 0 disappeared, 2 webhook)"))
    }

    @Test func badWebhookRulesAreRefusedWithTheirPosition() {
        let found = Fixture.diagnostics("""
            rules:
              - name: a
                summary: s
                webhook: {}
              - name: b
                summary: s
                webhook: {event: [ok, "two words"]}
              - name: c
                summary: s
                webhook: {event: x}
                for_polls: 2
              - name: d
                summary: s
                webhook: {event: x}
                alert: {field: f, equals: v}
              - name: e
                summary: s
                webhook: {event: x}
                send_resolved: true
            """)
        #expect(found.contains { $0.hasPrefix("test.yml:4:14:") && $0.contains("'event'") }, "\(found)")
        #expect(found.contains { $0.hasPrefix("test.yml:7:22:") && $0.contains("an event name") }, "\(found)")
        #expect(found.contains { $0.contains("'for_polls' applies to state and disappeared rules, not to webhook rules") }, "\(found)")
        #expect(found.contains { $0.contains("has both 'webhook' and 'alert'") || $0.contains("has both 'alert' and 'webhook'") }, "\(found)")
        #expect(found.contains { $0.contains("webhook rules never resolve") }, "\(found)")
    }
}
