import Alerting
import Notifiers
import Testing

/// The one HTTP-answer classifier every receiver shares, with the per-service tweaks.
@Suite struct ReceiverResponseTests {
    func classify(_ response: ReceiverResponse, _ service: ReceiverService) -> String {
        let outcome = response.outcome(service, receiver: "r", secrets: [])
        return outcome == .delivered ? "delivered" : outcome.isRetry ? "retry" : "dead"
    }

    @Test(arguments: [
        (200, "ok\n", "delivered"), (200, "", "dead"), (200, "<html>hotel wifi</html>", "dead"),
        (429, "", "retry"), (408, "", "retry"), (503, "service_unavailable", "retry"),
        (403, "action_prohibited", "dead"), (404, "channel_not_found", "dead"), (302, "", "dead"),
    ])
    func slack(status: Int, body: String, expected: String) {
        #expect(classify(ReceiverResponse(status: status, body: body), .slack) == expected)
    }

    @Test(arguments: [
        (200, "", "delivered"), (202, "queued", "delivered"), (204, "", "delivered"), (299, "", "delivered"),
        (408, "", "retry"), (429, "slow down", "retry"), (500, "", "retry"), (503, "maintenance", "retry"),
        (599, "", "retry"), (301, "", "dead"), (400, "bad", "dead"), (401, "", "dead"), (404, "", "dead"),
        (410, "", "dead"), (422, "", "dead"), (100, "", "dead"),
    ])
    func webhook(status: Int, body: String, expected: String) {
        #expect(classify(ReceiverResponse(status: status, body: body), .webhook) == expected)
    }

    @Test func aServiceWithItsOwnSuccessBodyAndAdvice() {
        let legacy = ReceiverService(name: "Teams", urlKind: "incoming webhook", expectedBody: "1") { body in
            body == "Webhook Bad Request" ? "fix the card" : "check the URL"
        }
        #expect(classify(ReceiverResponse(status: 200, body: "1"), legacy) == "delivered")
        #expect(ReceiverResponse(status: 200, body: "ok").outcome(legacy, receiver: "t", secrets: [])
            == .dead(reason: "t: HTTP 200 with 'ok' instead of '1'; check that the URL is a Teams incoming webhook"))
        #expect(ReceiverResponse(status: 400, body: "Webhook Bad Request").outcome(legacy, receiver: "t", secrets: [])
            == .dead(reason: "t: HTTP 400: 'Webhook Bad Request'. fix the card"))
    }

    @Test func reasonsNameTheWaitTheServiceAndTheBody() {
        #expect(ReceiverResponse(status: 429, body: "", retryAfter: .seconds(30)).outcome(.slack, receiver: "s", secrets: [])
            == .retry(after: .seconds(30), reason: "s: rate limited by Slack (HTTP 429, retrying after 30.0 seconds)"))
        #expect(ReceiverResponse(status: 503, body: "maintenance", retryAfter: .seconds(120)).outcome(.webhook, receiver: "w", secrets: [])
            == .retry(after: .seconds(120),
                      reason: "w: HTTP 503: 'maintenance'; the endpoint is having trouble, retrying after 120.0 seconds"))
        #expect(ReceiverResponse(status: 302, body: "").outcome(.webhook, receiver: "w", secrets: [])
            == .dead(reason: "w: HTTP 302 redirect; redirects are not followed, configure the final URL"))
        #expect(ReceiverResponse(status: 404, body: "channel_not_found").outcome(.slack, receiver: "s", secrets: [])
            .reason?.contains("The webhook's channel no longer exists") == true)
    }

    @Test func aBodyEchoingASecretIsMasked() {
        let outcome = ReceiverResponse(status: 400, body: "bad token xoxbSuperSecret42")
            .outcome(.webhook, receiver: "w", secrets: ["xoxbSuperSecret42"])
        #expect(outcome.reason == "w: HTTP 400: 'bad token ***'. The endpoint refused the payload; check its URL, secret and logs.")
    }
}
