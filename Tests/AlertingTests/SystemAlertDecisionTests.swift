import Alerting
import Rules
import Testing

/// The system-alert decision with plain values: which poll alerts fire or resolve after a poll.
@Suite struct SystemAlertDecisionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var end: SystemAlerts.PollEnd
        var firing: Set<String>
        var expected: [(String, FactStatus)]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "complete, nothing firing", end: .complete, firing: [], expected: []),
        Case(name: "complete resolves both", end: .complete, firing: ["poll_failing", "api_auth_failed"],
             expected: [("poll_failing", .resolved), ("api_auth_failed", .resolved)]),
        Case(name: "complete ignores delivery_dead", end: .complete, firing: ["delivery_dead"], expected: []),
        Case(name: "first 500 below threshold", end: .failed(message: "HTTP 500", httpStatus: 500, consecutiveFailures: 1),
             firing: [], expected: []),
        Case(name: "streak reaches threshold", end: .failed(message: "HTTP 500", httpStatus: 500, consecutiveFailures: 3),
             firing: [], expected: [("poll_failing", .firing)]),
        Case(name: "already failing fires nothing", end: .failed(message: "x", httpStatus: nil, consecutiveFailures: 9),
             firing: ["poll_failing"], expected: []),
        Case(name: "401 fires auth at once", end: .failed(message: "bad key", httpStatus: 401, consecutiveFailures: 1),
             firing: [], expected: [("api_auth_failed", .firing)]),
        Case(name: "403 at threshold fires both", end: .failed(message: "no", httpStatus: 403, consecutiveFailures: 3),
             firing: [], expected: [("api_auth_failed", .firing), ("poll_failing", .firing)]),
        Case(name: "auth already firing", end: .failed(message: "no", httpStatus: 401, consecutiveFailures: 1),
             firing: ["api_auth_failed"], expected: []),
    ]

    @Test(arguments: cases)
    func decides(_ c: Case) {
        let changes = SystemAlerts.decide(after: c.end, partnerID: "p1", failingAfter: 3, firing: c.firing)
        #expect(changes.map(\.rule) == c.expected.map(\.0))
        #expect(changes.map(\.status) == c.expected.map(\.1))
        #expect(changes.allSatisfy { $0.severity == .critical })
    }

    @Test func textsNameThePartnerAndTheError() {
        let fired = SystemAlerts.decide(after: .failed(message: "HTTP 401: unauthorized", httpStatus: 401, consecutiveFailures: 3),
                                        partnerID: "p1", failingAfter: 3, firing: [])
        #expect(fired[0].summary == "Partner API rejected the API key of partner p1")
        #expect(fired[0].description == "HTTP 401: HTTP 401: unauthorized. Check the partner's api_key.")
        #expect(fired[1].summary == "Polling partner p1 has failed 3 times in a row")
        #expect(fired[1].description == "Last error: HTTP 401: unauthorized. Channel alerts are frozen until a poll completes.")
        let resolved = SystemAlerts.decide(after: .complete, partnerID: "p1", failingAfter: 3, firing: ["poll_failing"])
        #expect(resolved[0].summary == "Polling partner p1 works again")
        #expect(resolved[0].description == "A complete poll succeeded.")
    }
}
