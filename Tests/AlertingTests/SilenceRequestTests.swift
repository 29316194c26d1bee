import Alerting
import Config
import Foundation
import Testing

/// Validation of a silence request: every problem named, nothing half-valid accepted.
@Suite struct SilenceRequestTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let labels = Set(SilenceRequest.builtInLabels + ["team"])
    static let rules: Set<String> = ["quality_low", "waba_banned", "poll_failing"]

    func validate(_ request: SilenceRequest) -> Result<Silence, SilenceRequestError> {
        request.validate(now: Self.now, knownLabels: Self.labels, knownRules: Self.rules)
    }

    func problems(_ request: SilenceRequest) -> [String] {
        if case .failure(let error) = validate(request) { return error.problems }
        return []
    }

    @Test func aValidRequestBecomesASilence() throws {
        let request = SilenceRequest(matchers: [("waba_id", "104000001"), ("rule", "=~quality_.*")], duration: "2h",
                                     comment: "client migrating", createdBy: "ana")
        let silence = try validate(request).get()
        #expect(silence.matchers == [LabelMatcher(label: "waba_id", test: .equals("104000001")),
                                     LabelMatcher(label: "rule", test: .matches(pattern: "quality_.*"))])
        #expect(silence.startsAt == Self.now)
        #expect(silence.endsAt == Self.now + 7200)
        #expect(silence.state(at: Self.now) == .active)
        #expect(silence.matchersText == "waba_id=104000001 rule=~quality_.*")
    }

    @Test func startsAtAndEndsAtAreISO8601() throws {
        let request = SilenceRequest(matchers: [("channel_id", "c1")], startsAt: "2027-01-15T10:00:00Z",
                                     endsAt: "2027-01-15T12:30:00.500Z", comment: "maintenance", createdBy: "ana")
        let silence = try validate(request).get()
        #expect(silence.state(at: Self.now) == .pending)
        #expect(silence.endsAt.timeIntervalSince(silence.startsAt) == 9000.5)
    }

    @Test func everyProblemIsNamedAtOnce() {
        let request = SilenceRequest(matchers: [("wabaid", "1"), ("rule", "=~(")], duration: "soon", comment: " ",
                                     createdBy: nil)
        #expect(problems(request) == [
            "unknown label 'wabaid' (did you mean 'waba_id'?); labels are business_id, channel_id, client_id, partner_id, receiver, rule, severity, team, waba_id",
            "matcher 'rule': invalid regular expression '('",
            "duration 'soon' is not a positive duration such as 30m, 2h or 1d",
            "a comment is required: say why, for the next person on call",
            "created_by is required: who is muting this",
        ])
    }

    @Test func anUnknownRuleNameIsRefusedWithAHint() {
        let request = SilenceRequest(matchers: [("rule", "quality_lwo")], duration: "1h", comment: "c", createdBy: "a")
        #expect(problems(request) == ["matcher 'rule': no rule is named 'quality_lwo' (did you mean 'quality_low'?)"])
    }

    @Test func matchersThatMatchEverythingAreRefused() {
        #expect(problems(SilenceRequest(matchers: [], duration: "1h", comment: "c", createdBy: "a"))
                == ["at least one matcher is required, e.g. waba_id=104000001"])
        #expect(problems(SilenceRequest(matchers: [("rule", "=~.*")], duration: "1h", comment: "c", createdBy: "a"))
                == ["the matchers match an event without any labels, so the silence would mute everything; name a value"])
    }

    @Test func theEndMustComeAfterTheStartAndNow() {
        #expect(problems(SilenceRequest(matchers: [("channel_id", "c1")], startsAt: "2027-01-15T10:00:00Z",
                                        endsAt: "2027-01-15T09:00:00Z", comment: "c", createdBy: "a"))
                == ["ends_at 2027-01-15T09:00:00Z is not after starts_at 2027-01-15T10:00:00Z"])
        #expect(problems(SilenceRequest(matchers: [("channel_id", "c1")], startsAt: "2020-01-01T00:00:00Z",
                                        endsAt: "2020-01-01T01:00:00Z", comment: "c", createdBy: "a"))
                == ["ends_at 2020-01-01T01:00:00Z has passed; the silence would never hold"])
        #expect(problems(SilenceRequest(matchers: [("channel_id", "c1")], comment: "c", createdBy: "a"))
                == ["give ends_at or duration (e.g. 2h)"])
        #expect(problems(SilenceRequest(matchers: [("channel_id", "c1")], endsAt: "2027-01-01T00:00:00Z", duration: "1h",
                                        comment: "c", createdBy: "a")) == ["give ends_at or duration, not both"])
        #expect(problems(SilenceRequest(matchers: [("channel_id", "c1")], startsAt: "tomorrow", duration: "0s",
                                        comment: "c", createdBy: "a"))
                == ["starts_at 'tomorrow' is not an ISO 8601 time, e.g. 2026-12-04T15:00:00Z",
                    "duration '0s' is not a positive duration such as 30m, 2h or 1d"])
    }

    @Test func theCommandLineMatchSyntax() {
        #expect(SilenceRequest.parseMatch("waba_id=104000001")! == ("waba_id", "104000001"))
        #expect(SilenceRequest.parseMatch("rule=~quality_.*")! == ("rule", "=~quality_.*"))
        #expect(SilenceRequest.parseMatch("note=a=b")! == ("note", "a=b"))
        #expect(SilenceRequest.parseMatch("waba_id") == nil)
        #expect(SilenceRequest.parseMatch("=x") == nil)
    }
}
