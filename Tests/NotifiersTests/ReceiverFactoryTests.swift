import Alerting
import Config
import Foundation
import Notifiers
import TestSupport
import Testing

@Suite("Receiver factory and the test notification")
struct ReceiverFactoryTests {
    @Test func eachConfiguredTypeBuildsItsReceiver() {
        let configs = [
            ReceiverConfig(name: "ops-slack", kind: .slack(url: Secret("https://hooks.slack.com/services/T/B/x"))),
            ReceiverConfig(name: "oncall", kind: .email(EmailSettings(smtpURL: "smtps://mail:465", from: "a@example.com", to: ["b@example.com"]))),
            ReceiverConfig(name: "audit", kind: .webhook(url: Secret("https://hooks.example.com/cw"), secret: nil)),
            ReceiverConfig(name: "stdout", kind: .console),
        ]

        let receivers = ReceiverFactory.make(configs)

        #expect(receivers.map(\.name) == ["ops-slack", "oncall", "audit", "stdout"])
        #expect(receivers[0] is SlackReceiver)
        #expect(receivers[1] is EmailReceiver)
        #expect(receivers[2] is WebhookReceiver)
        #expect(receivers[3] is ConsoleReceiver)
    }

    @Test func factoryBuiltWebhookReallySendsAndSigns() async throws {
        let sink = try HTTPSink()
        let config = ReceiverConfig(name: "audit", kind: .webhook(url: Secret(sink.url("/cw")), secret: Secret("k3y-for-signing")))

        let outcome = await ReceiverFactory.make(config).deliver(.test(receiver: "audit"), kind: .test)

        #expect(outcome == .delivered)
        #expect(sink.requests.first?.header("X-ChannelWatch-Signature")?.hasPrefix("t=") == true)
    }

    @Test func testNotificationIsClearlyMarkedAndComplete() throws {
        let now = Date(timeIntervalSince1970: 1_795_514_400)
        let payload = NotificationPayload.test(receiver: "ops-slack", partnerID: "p-1", now: now)

        #expect(payload.receiver == "ops-slack")
        #expect(payload.truncatedEvents == 0)
        let event = try #require(payload.events.first)
        #expect(payload.events.count == 1)
        #expect(event.rule == NotificationPayload.testRule)
        #expect(event.summary.contains("Test notification"))
        #expect(event.description.contains("channelwatch notify-test ops-slack"))
        #expect(event.partnerID == "p-1")
        #expect(event.observedAt == now)
        #expect(event.labels["rule"] == NotificationPayload.testRule)
        #expect(ConsoleReceiver.line(for: event, kind: .test).hasPrefix("[TEST] [INFO]"))
        // Two test sends are two deliveries: never deduplicated against each other.
        #expect(NotificationPayload.test(receiver: "x").deliveryID != NotificationPayload.test(receiver: "x").deliveryID)
    }
}
