import Primitives
import Alerting
import Config
import Crypto
import Foundation
import Notifiers
import TestSupport
import Testing

@Suite("Webhook receiver against a real HTTP sink")
struct WebhookReceiverTests {
    static let signingSecret = "whsec-Sup3rS3cretSigningKey"
    static let fixedNow = Date(timeIntervalSince1970: 1_795_515_000)

    private func receiver(_ url: String, secret: String? = signingSecret, timeout: Duration = .seconds(5)) -> WebhookReceiver {
        WebhookReceiver(name: "audit", url: Secret(url), secret: secret.map(Secret.init), timeout: timeout,
                        now: { Self.fixedNow })
    }

    /// Recomputes the signature independently of `WebhookSignature`.
    private func expectedSignature(body: Data, timestamp: Int) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(timestamp).".utf8) + body, using: SymmetricKey(data: Data(Self.signingSecret.utf8)))
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    @Test func payloadIsVersionOneExactlyWithEveryKey() async throws {
        let sink = try HTTPSink()
        var event = Fixtures.event()
        event.field = nil
        event.channel.businessID = nil
        let payload = NotificationPayload(deliveryID: UUID(), groupKey: "rule=quality_low", receiver: "audit",
                                          events: [event], truncatedEvents: 3)

        #expect(await receiver(sink.url("/cw")).deliver(payload, kind: .notification) == .delivered)

        let request = try #require(sink.requests.first)
        #expect(request.header("Content-Type") == "application/json")
        let object = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
        #expect(Set(object.keys) == ["version", "delivery_id", "group_key", "receiver", "events", "truncated_events"])
        #expect(object["version"] as? String == "1")
        #expect(object["delivery_id"] as? String == payload.deliveryID.uuidString)
        #expect(object["group_key"] as? String == "rule=quality_low")
        #expect(object["receiver"] as? String == "audit")
        #expect(object["truncated_events"] as? Int == 3)
        let events = try #require(object["events"] as? [[String: Any]])
        let sent = try #require(events.first)
        #expect(Set(sent.keys) == ["id", "rule", "status", "severity", "summary", "description", "partner_id", "field",
                                   "from", "to", "observed_at", "labels", "channel"])
        #expect(sent["id"] as? String == event.id.uuidString)
        #expect(sent["field"] is NSNull)
        #expect(sent["from"] as? String == "High")
        #expect(sent["to"] as? String == "Low")
        #expect(sent["observed_at"] as? String == "2026-11-24T10:00:00Z")
        #expect(sent["labels"] as? [String: String] == event.labels)
        let channel = try #require(sent["channel"] as? [String: Any])
        #expect(Set(channel.keys) == ["id", "phone_number", "phone_name", "client_id", "client_name", "waba_id",
                                      "waba_name", "business_id"])
        #expect(channel["business_id"] is NSNull)
        #expect(channel["phone_number"] as? String == "+49 30 1234 1")
        // The body is exactly what the payload encodes to, so the signature covers these bytes.
        #expect(request.body == payload.encoded())
    }

    @Test func signatureVerifiesWithTheSecret() async throws {
        let sink = try HTTPSink()

        #expect(await receiver(sink.url("/cw")).deliver(Fixtures.payload(), kind: .notification) == .delivered)

        let request = try #require(sink.requests.first)
        let header = try #require(request.header("X-ChannelWatch-Signature"))
        let timestamp = Int(Self.fixedNow.timeIntervalSince1970)
        #expect(header == expectedSignature(body: request.body, timestamp: timestamp))
        // A tampered body no longer matches.
        #expect(header != expectedSignature(body: request.body + Data(" ".utf8), timestamp: timestamp))
    }

    @Test func noSecretMeansNoSignatureHeader() async throws {
        let sink = try HTTPSink()

        #expect(await receiver(sink.url("/cw"), secret: nil).deliver(Fixtures.payload(), kind: .notification) == .delivered)
        #expect(await receiver(sink.url("/cw"), secret: "").deliver(Fixtures.payload(), kind: .notification) == .delivered)

        #expect(sink.requests.count == 2)
        #expect(sink.requests.allSatisfy { $0.header("X-ChannelWatch-Signature") == nil })
    }

    @Test func deliveryIDHeaderMatchesThePayloadAndSurvivesARetry() async throws {
        let sink = try HTTPSink(actions: [.respond(.text("busy", status: 503)), .respond(.text("", status: 204))])
        let webhook = receiver(sink.url("/cw"))
        let payload = Fixtures.payload()

        #expect(await webhook.deliver(payload, kind: .notification).isRetry)
        #expect(await webhook.deliver(payload, kind: .notification) == .delivered)

        let requests = try await sink.waitForRequests(count: 2)
        let ids = requests.map { $0.header("X-ChannelWatch-Delivery") }
        #expect(ids == [payload.deliveryID.uuidString, payload.deliveryID.uuidString])
        for request in requests {
            let object = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
            #expect(object["delivery_id"] as? String == request.header("X-ChannelWatch-Delivery"))
        }
        #expect(requests[0].body == requests[1].body)
    }

    @Test(arguments: [
        (200, "delivered"), (201, "delivered"), (202, "delivered"), (204, "delivered"),
        (408, "retry"), (429, "retry"), (500, "retry"), (502, "retry"), (503, "retry"),
        (400, "dead"), (401, "dead"), (403, "dead"), (404, "dead"), (410, "dead"), (422, "dead"), (301, "dead"),
    ])
    func statusIsClassified(status: Int, expected: String) async throws {
        let sink = try HTTPSink(actions: [.respond(.text(status == 204 ? "" : "answer \(status)", status: status))])

        let outcome = await receiver(sink.url("/cw")).deliver(Fixtures.payload(), kind: .notification)

        let actual = outcome == .delivered ? "delivered" : outcome.isRetry ? "retry" : "dead"
        #expect(actual == expected)
        if expected != "delivered" {
            #expect(outcome.reason?.contains("HTTP \(status)") == true)
        }
    }

    @Test func retryAfterIsHonoured() async throws {
        let sink = try HTTPSink(actions: [.respond(HTTPSinkResponse(
            status: 503, headers: [HTTPSinkHeader("Retry-After", "120")], body: Data("maintenance".utf8)))])

        let outcome = await receiver(sink.url("/cw")).deliver(Fixtures.payload(), kind: .notification)

        guard case .retry(let after, let reason) = outcome else {
            Issue.record("expected retry, got \(outcome)")
            return
        }
        #expect(after == .seconds(120))
        #expect(reason.contains("maintenance"))
    }

    @Test func testKindIsAnnouncedInAHeader() async throws {
        let sink = try HTTPSink()

        #expect(await receiver(sink.url("/cw")).deliver(.test(receiver: "audit"), kind: .test) == .delivered)

        #expect(sink.requests.first?.header("X-ChannelWatch-Kind") == "test")
    }

    @Test func networkFailuresAreRetriedAndNeverShowSecrets() async throws {
        let closedPort = try ClosedPort()
        defer { closedPort.close() }
        let port = closedPort.port
        let closed = "http://127.0.0.1:\(port)/hooks/tok_SecretPathToken99?token=QueryTokenValue77"
        let hanging = try HTTPSink(actions: [.hang])
        let hangingURL = hanging.url("/hooks/tok_SecretPathToken99?token=QueryTokenValue77")
        let secrets = [Self.signingSecret, "tok_SecretPathToken99", "QueryTokenValue77"]

        let refused = await receiver(closed).deliver(Fixtures.payload(), kind: .notification)
        let timedOut = await receiver(hangingURL, timeout: .milliseconds(300)).deliver(Fixtures.payload(), kind: .notification)

        #expect(refused.isRetry)
        #expect(timedOut.isRetry)
        expectNoSecret(refused.reason, secrets)
        expectNoSecret(timedOut.reason, secrets)
    }

    @Test func errorBodiesEchoingSecretsAreScrubbed() async throws {
        let sink = try HTTPSink(otherwise: { request in
            .respond(.text("bad signature \(request.header("X-ChannelWatch-Signature") ?? ""), expected key \(Self.signingSecret) "
                           + "at \(request.target)", status: 401))
        })
        let url = sink.url("/hooks/tok_SecretPathToken99?token=QueryTokenValue77")

        let outcome = await receiver(url).deliver(Fixtures.payload(), kind: .notification)

        #expect(outcome.isDead)
        #expect(outcome.reason?.contains("bad signature") == true)
        expectNoSecret(outcome.reason, [Self.signingSecret, "tok_SecretPathToken99", "QueryTokenValue77"])
    }

    @Test func longErrorBodiesAreClipped() async throws {
        let sink = try HTTPSink(actions: [.respond(.text(String(repeating: "x", count: 10_000), status: 400))])

        let outcome = await receiver(sink.url("/cw")).deliver(Fixtures.payload(), kind: .notification)

        #expect(outcome.isDead)
        #expect((outcome.reason?.count ?? 0) < 500)
    }

    @Test func storedBytesAreSentAsTheyAreAndTheSignatureCoversExactlyThem() async throws {
        let sink = try HTTPSink()
        let payload = Fixtures.payload(events: 2)
        // As PostgreSQL prints jsonb: its own key order and spacing, not what JSONEncoder writes.
        let reordered = try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: payload.encoded()),
                                                   options: [.sortedKeys, .prettyPrinted])
        #expect(reordered != payload.encoded())
        let stored = EncodedNotification(deliveryID: payload.deliveryID, json: reordered)

        #expect(await receiver(sink.url("/cw")).deliver(encoded: stored, kind: .reminder) == .delivered)

        let request = try #require(sink.requests.first)
        #expect(request.body == reordered)
        let timestamp = Int(Self.fixedNow.timeIntervalSince1970)
        #expect(request.header("X-ChannelWatch-Signature") == expectedSignature(body: reordered, timestamp: timestamp))
        #expect(request.header("X-ChannelWatch-Delivery") == payload.deliveryID.uuidString)
        #expect(request.header("X-ChannelWatch-Kind") == "reminder")
        #expect(request.header("Content-Type") == "application/json")
        #expect(try stored.decoded() == payload, "the same payload v1")
    }

    @Test func otherReceiversDecodeTheStoredPayload() async throws {
        let lines = LockedLines()
        let console = ConsoleReceiver(name: "console", write: { lines.append($0) })
        let payload = Fixtures.payload(events: 2, truncated: 5)

        #expect(await console.deliver(encoded: try EncodedNotification(payload), kind: .notification) == .delivered)
        #expect(lines.all.count == 3)
        #expect(lines.all.last == "… and 5 more (rule=quality_low)")

        let broken = EncodedNotification(deliveryID: UUID(), json: Data("{\"version\": \"1\"}".utf8))
        let outcome = await console.deliver(encoded: broken, kind: .notification)
        #expect(outcome.isDead)
        #expect(outcome.reason?.contains("not payload v1") == true)
    }
}

/// Lines written by a console receiver.
private final class LockedLines: Sendable {
    private let lines = LockedBox<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.value }
}

/// A templated webhook URL is put together from the values stored with the delivery; values that
/// no longer fit the template (it was changed while the delivery was queued) go to the fallback.
@Suite struct TemplatedWebhookURLTests {
    @Test func storedValuesFillTheTemplateAndMisfitsGoToTheFallback() async throws {
        let sink = try HTTPSink()
        defer { sink.stop() }
        let recipients = RecipientSettings(
            templates: [try RecipientTemplate(sink.url("/hooks/{{channel.client_id}}/{{channel.waba_id}}?token=T0KEN"))],
            fallback: [Secret(sink.url("/fallback"))])
        let receiver = WebhookReceiver(name: "clients", url: Secret(sink.url("/unused")), secret: nil,
                                       recipients: recipients, timeout: .seconds(5))
        for values in [["client a/1", "w-9"], ["only-one"], nil] as [[String]?] {
            var payload = NotificationPayload(deliveryID: UUID(), groupKey: "rule=quality_low", receiver: "clients",
                                              events: [Fixtures.event()], truncatedEvents: 0)
            payload.recipient = values
            #expect(await receiver.deliver(payload, kind: .notification) == .delivered)
        }
        #expect(sink.requests.map(\.target) == ["/hooks/client%20a%2F1/w-9?token=T0KEN", "/fallback", "/fallback"])
    }
}
