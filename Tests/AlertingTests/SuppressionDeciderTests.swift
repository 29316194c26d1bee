import Alerting
import Config
import Foundation
import Testing

/// The pure decision of what is held back: silences first, then inhibition rules.
@Suite struct SuppressionDeciderTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func matchers(_ pairs: KeyValuePairs<String, String>) -> [LabelMatcher] {
        pairs.map { LabelMatcher(label: $0.key, written: $0.value) }
    }

    static func silence(_ pairs: KeyValuePairs<String, String>, from start: TimeInterval = -60, to end: TimeInterval = 3600,
                        id: UUID = UUID()) -> Silence {
        Silence(id: id, matchers: matchers(pairs), startsAt: now + start, endsAt: now + end, comment: "test", createdBy: "t")
    }

    static let quality = ["rule": "quality_low", "severity": "warning", "channel_id": "c1", "waba_id": "w1", "partner_id": "p1"]
    static let limit = ["rule": "limit_down", "severity": "warning", "channel_id": "c2", "waba_id": "w1", "partner_id": "p1"]
    static let banned = FiringAlert(key: "waba_banned/c9", labels: ["rule": "waba_banned", "severity": "critical",
                                                                    "channel_id": "c9", "waba_id": "w1", "partner_id": "p1"])
    static let banRule = InhibitRuleConfig(sourceMatchers: matchers(["rule": "waba_banned"]),
                                           targetMatchers: matchers(["severity": "warning"]), equal: ["waba_id"])

    func decide(_ labels: [String: String], silences: [Silence] = [], rules: [InhibitRuleConfig] = [],
                firing: [FiringAlert] = [], key: String? = "quality_low/c1", at time: Date = now) -> Suppression? {
        SuppressionDecider(silences: silences, inhibitRules: rules, firing: firing, at: time)
            .suppression(labels: labels, alertKey: key)
    }

    @Test func nothingConfiguredSuppressesNothing() {
        #expect(decide(Self.quality) == nil)
        #expect(SuppressionDecider(silences: [], inhibitRules: [Self.banRule], firing: [], at: Self.now).isEmpty)
    }

    @Test func anActiveSilenceMatchingEveryMatcherSilences() {
        let silence = Self.silence(["waba_id": "w1", "rule": "quality_low"])
        #expect(decide(Self.quality, silences: [silence]) == .silenced([silence.id]))
        #expect(decide(Self.limit, silences: [silence]) == nil, "one matcher fails: not silenced")
    }

    @Test func regexMatchersMatchTheWholeValue() {
        let silence = Self.silence(["rule": "=~quality_.*"])
        #expect(decide(Self.quality, silences: [silence]) == .silenced([silence.id]))
        #expect(decide(["rule": "my_quality_low"], silences: [silence]) == nil, "anchored at the start")
        let partial = Self.silence(["rule": "=~quality"])
        #expect(decide(Self.quality, silences: [partial]) == nil, "anchored at the end")
        let spaced = Self.silence(["channel_id": "=~ c[0-9]+"])
        #expect(decide(Self.quality, silences: [spaced]) == .silenced([spaced.id]), "spaces after =~ are ignored")
    }

    @Test func overlappingSilencesAreAllNamed() {
        let first = Self.silence(["waba_id": "w1"]), second = Self.silence(["channel_id": "c1"])
        let other = Self.silence(["channel_id": "c2"])
        #expect(decide(Self.quality, silences: [first, other, second]) == .silenced([first.id, second.id]))
    }

    @Test func aPendingSilenceDoesNotHoldYet() {
        let pending = Self.silence(["waba_id": "w1"], from: 60, to: 3600)
        #expect(pending.state(at: Self.now) == .pending)
        #expect(decide(Self.quality, silences: [pending]) == nil)
        #expect(decide(Self.quality, silences: [pending], at: Self.now + 61) == .silenced([pending.id]))
    }

    @Test func aSilenceEndsExactlyAtItsEndTime() {
        let silence = Self.silence(["waba_id": "w1"], from: -60, to: 60)
        #expect(decide(Self.quality, silences: [silence], at: Self.now + 59.999) == .silenced([silence.id]))
        #expect(decide(Self.quality, silences: [silence], at: Self.now + 60) == nil, "expiry between polls")
        #expect(silence.state(at: Self.now + 60) == .expired)
    }

    @Test func anAbsentLabelMatchesOnlyTheEmptyValue() {
        let silence = Self.silence(["client_id": ""])
        #expect(decide(Self.quality, silences: [silence]) == .silenced([silence.id]))
        let named = Self.silence(["client_id": "acme"])
        #expect(decide(Self.quality, silences: [named]) == nil)
    }

    @Test func aFiringSourceInhibitsTargetsWithEqualLabels() {
        #expect(decide(Self.quality, rules: [Self.banRule], firing: [Self.banned]) == .inhibited(by: "waba_banned/c9"))
        var otherWABA = Self.quality
        otherWABA["waba_id"] = "w2"
        #expect(decide(otherWABA, rules: [Self.banRule], firing: [Self.banned]) == nil, "different waba_id")
    }

    @Test func theTargetMatchersMustHold() {
        var critical = Self.quality
        critical["severity"] = "critical"
        #expect(decide(critical, rules: [Self.banRule], firing: [Self.banned]) == nil)
    }

    @Test func withoutAFiringSourceNothingIsInhibited() {
        let resolvedSource = FiringAlert(key: "quality_low/c5", labels: Self.limit)
        #expect(decide(Self.quality, rules: [Self.banRule], firing: [resolvedSource]) == nil)
    }

    @Test func anEqualLabelMissingOnBothSidesCountsAsEqual() {
        let rule = InhibitRuleConfig(sourceMatchers: Self.matchers(["rule": "waba_banned"]),
                                     targetMatchers: Self.matchers(["severity": "warning"]), equal: ["client_id", "waba_id"])
        #expect(decide(Self.quality, rules: [rule], firing: [Self.banned]) == .inhibited(by: "waba_banned/c9"))
        var withClient = Self.quality
        withClient["client_id"] = "acme"
        #expect(decide(withClient, rules: [rule], firing: [Self.banned]) == nil, "present on one side only")
    }

    @Test func anAlertNeverInhibitsItself() {
        let rule = InhibitRuleConfig(sourceMatchers: Self.matchers(["severity": "warning"]),
                                     targetMatchers: Self.matchers(["severity": "warning"]), equal: ["waba_id"])
        let itself = FiringAlert(key: "quality_low/c1", labels: Self.quality)
        #expect(decide(Self.quality, rules: [rule], firing: [itself]) == nil)
        let sibling = FiringAlert(key: "limit_down/c2", labels: Self.limit)
        #expect(decide(Self.quality, rules: [rule], firing: [itself, sibling]) == .inhibited(by: "limit_down/c2"))
    }

    @Test func aChangeEventIsInhibitedByAnyMatchingSource() {
        let rule = InhibitRuleConfig(sourceMatchers: Self.matchers(["rule": "quality_low"]),
                                     targetMatchers: Self.matchers(["rule": "quality_low"]), equal: ["channel_id"])
        let firing = FiringAlert(key: "quality_low/c1", labels: Self.quality)
        #expect(decide(Self.quality, rules: [rule], firing: [firing], key: nil) == .inhibited(by: "quality_low/c1"))
    }

    @Test func silencesComeBeforeInhibition() {
        let silence = Self.silence(["waba_id": "w1"])
        #expect(decide(Self.quality, silences: [silence], rules: [Self.banRule], firing: [Self.banned]) == .silenced([silence.id]))
    }

    @Test func rulesAreTriedInOrderAndTheFirstSourceNamed() {
        let bySeverity = InhibitRuleConfig(sourceMatchers: Self.matchers(["severity": "critical"]),
                                           targetMatchers: Self.matchers(["rule": "quality_low"]), equal: ["waba_id"])
        let second = FiringAlert(key: "outage/c8", labels: ["severity": "critical", "waba_id": "w1"])
        #expect(decide(Self.quality, rules: [bySeverity, Self.banRule], firing: [second, Self.banned])
                == .inhibited(by: "outage/c8"))
        #expect(decide(Self.quality, rules: [Self.banRule, bySeverity], firing: [second, Self.banned])
                == .inhibited(by: "waba_banned/c9"))
    }

    @Test func theEventFormUsesTheAlertKeyOfStateEvents() {
        let rule = InhibitRuleConfig(sourceMatchers: Self.matchers(["rule": "quality_low"]),
                                     targetMatchers: Self.matchers(["rule": "quality_low"]), equal: [])
        let decider = SuppressionDecider(silences: [], inhibitRules: [rule],
                                         firing: [FiringAlert(key: "quality_low/c1", labels: Self.quality)], at: Self.now)
        let event = AlertEvent(id: UUID(), rule: "quality_low", status: .firing, severity: .warning, summary: "s",
                               description: "", partnerID: "p1", field: nil, from: nil, to: nil, observedAt: Self.now,
                               labels: Self.quality, channel: ChannelSummary(id: "c1"))
        #expect(decider.suppression(of: event) == nil, "its own alert")
        var change = event
        change.status = .changed
        #expect(decider.suppression(of: change) == .inhibited(by: "quality_low/c1"))
    }
}
