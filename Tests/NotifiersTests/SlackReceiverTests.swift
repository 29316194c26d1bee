import Alerting
import Config
import Foundation
import Notifiers
import TestSupport
import Testing

@Suite("Slack receiver against a real HTTP sink")
struct SlackReceiverTests {
    private func receiver(_ url: String, timeout: Duration = .seconds(5)) -> SlackReceiver {
        SlackReceiver(name: "ops-slack", url: Secret(url), timeout: timeout)
    }

    private func secrets(_ url: String) -> [String] {
        [url, Fixtures.slackPath, "xoxbSuperSecretToken42", "B0SECRETHOOK", "T0SECRETTEAM"]
    }

    @Test func okIsDeliveredAndTheBodyIsBlockKitJSON() async throws {
        let sink = try HTTPSink(actions: [.ok])

        let outcome = await receiver(sink.url(Fixtures.slackPath)).deliver(Fixtures.payload(events: 2), kind: .notification)

        #expect(outcome == .delivered)
        let request = try #require(sink.requests.first)
        #expect(request.method == "POST")
        #expect(request.path == Fixtures.slackPath)
        #expect(request.header("Content-Type")?.hasPrefix("application/json") == true)
        let object = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
        #expect((object["text"] as? String)?.contains("[CRITICAL]") == true)
        #expect((object["blocks"] as? [Any])?.count == 4)
    }

    @Test func rateLimitIsRetriedAfterRetryAfter() async throws {
        let sink = try HTTPSink(actions: [.respond(.tooManyRequests(retryAfter: "7"))])

        let outcome = await receiver(sink.url(Fixtures.slackPath)).deliver(Fixtures.payload(), kind: .notification)

        guard case .retry(let after, let reason) = outcome else {
            Issue.record("expected retry, got \(outcome)")
            return
        }
        #expect(after == .seconds(7))
        #expect(reason.contains("429"))
        expectNoSecret(reason, secrets(sink.url(Fixtures.slackPath)))
    }

    @Test(arguments: [500, 502, 503, 504])
    func serverErrorsAreRetried(status: Int) async throws {
        let sink = try HTTPSink(actions: [.respond(.text("upstream_error", status: status))])

        let outcome = await receiver(sink.url(Fixtures.slackPath)).deliver(Fixtures.payload(), kind: .notification)

        #expect(outcome.isRetry)
        #expect(outcome.reason?.contains("HTTP \(status)") == true)
    }

    @Test func retryThenSuccessSendsTheSameMessageTwice() async throws {
        let sink = try HTTPSink(actions: [.respond(.text("oops", status: 500)), .ok])
        let slack = receiver(sink.url(Fixtures.slackPath))
        let payload = Fixtures.payload()

        #expect(await slack.deliver(payload, kind: .notification).isRetry)
        #expect(await slack.deliver(payload, kind: .notification) == .delivered)
        #expect(sink.requests.count == 2)
        #expect(sink.requests[0].body == sink.requests[1].body)
    }

    @Test(arguments: ["channel_not_found", "channel_is_archived", "invalid_payload", "no_service"])
    func clientErrorsAreDeadWithSlacksReason(error: String) async throws {
        let status = error == "no_service" ? 410 : error == "invalid_payload" ? 400 : 404
        let sink = try HTTPSink(actions: [.respond(.text(error, status: status))])

        let outcome = await receiver(sink.url(Fixtures.slackPath)).deliver(Fixtures.payload(), kind: .notification)

        #expect(outcome.isDead)
        #expect(outcome.reason?.contains(error) == true)
        #expect(outcome.reason?.contains("HTTP \(status)") == true)
        expectNoSecret(outcome.reason, secrets(sink.url(Fixtures.slackPath)))
    }

    /// Slack webhooks report errors with 4xx/5xx, so a 200 that is not `ok` means the URL is not
    /// a Slack webhook (a portal or proxy page): dead, because retrying cannot fix the URL and
    /// could double-post if something did deliver it.
    @Test func twoHundredWithAnotherBodyIsNotDelivered() async throws {
        let sink = try HTTPSink(actions: [.respond(.text("<html>Welcome to the hotel wifi</html>"))])

        let outcome = await receiver(sink.url(Fixtures.slackPath)).deliver(Fixtures.payload(), kind: .notification)

        #expect(outcome.isDead)
        #expect(outcome.reason?.contains("instead of 'ok'") == true)
        #expect(outcome.reason?.contains("hotel wifi") == true)
    }

    @Test func hangingServerIsRetriedAfterTheTimeout() async throws {
        let sink = try HTTPSink(actions: [.hang])
        let started = ContinuousClock.now

        let outcome = await receiver(sink.url(Fixtures.slackPath), timeout: .milliseconds(400))
            .deliver(Fixtures.payload(), kind: .notification)

        #expect(outcome.isRetry)
        #expect(outcome.reason?.contains("timeout") == true)
        #expect(ContinuousClock.now - started < .seconds(30), "ended by our timeout, not by the hanging server")
        expectNoSecret(outcome.reason, secrets(sink.url(Fixtures.slackPath)))
    }

    @Test func droppedConnectionIsRetried() async throws {
        let sink = try HTTPSink(actions: [.dropConnection])

        let outcome = await receiver(sink.url(Fixtures.slackPath)).deliver(Fixtures.payload(), kind: .notification)

        #expect(outcome.isRetry)
        expectNoSecret(outcome.reason, secrets(sink.url(Fixtures.slackPath)))
    }

    @Test func closedPortIsRetriedWithoutShowingTheURLPath() async throws {
        let closedPort = try ClosedPort()
        defer { closedPort.close() }
        let port = closedPort.port
        let url = "http://127.0.0.1:\(port)\(Fixtures.slackPath)"

        let outcome = await receiver(url).deliver(Fixtures.payload(), kind: .notification)

        #expect(outcome.isRetry)
        let reason = try #require(outcome.reason)
        #expect(reason.contains("127.0.0.1:\(port)"))
        #expect(reason.contains("connection"))
        expectNoSecret(reason, secrets(url))
    }

    @Test func errorBodyEchoingTheURLIsScrubbed() async throws {
        let sink = try HTTPSink(otherwise: { request in
            .respond(.text("invalid_token for http://127.0.0.1\(request.target) (token \(request.target.split(separator: "/").last ?? ""))",
                           status: 403))
        })
        let url = sink.url(Fixtures.slackPath)

        let outcome = await receiver(url).deliver(Fixtures.payload(), kind: .notification)

        #expect(outcome.isDead)
        #expect(outcome.reason?.contains("invalid_token") == true)
        expectNoSecret(outcome.reason, secrets(url))
    }

    @Test func malformedURLIsDeadWithoutEchoingIt() async throws {
        let url = "htp:/hooks.slack.com\(Fixtures.slackPath)"

        let outcome = await receiver(url).deliver(Fixtures.payload(), kind: .notification)

        #expect(outcome.isDead)
        expectNoSecret(outcome.reason, secrets(url))
    }
}
