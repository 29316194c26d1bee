import Alerting
import Config
import Foundation
import Notifiers
import TestSupport
import Testing

/// Receivers verify TLS certificates: a server whose certificate no trusted CA signed gets
/// nothing, and the failure names TLS without showing the URL's secret path.
@Suite("Receivers verify certificates")
struct CertificateVerificationTests {
    @Test func slackAndWebhookRefuseAnUntrustedCertificate() async throws {
        let server = try await TLSTestServer.start()
        defer { server.stop() }
        let url = "https://127.0.0.1:\(server.port)\(Fixtures.slackPath)"
        let receivers: [any Receiver] = [
            SlackReceiver(name: "ops-slack", url: Secret(url), timeout: .seconds(5)),
            WebhookReceiver(name: "audit", url: Secret(url), secret: Secret("signing-key-123"), timeout: .seconds(5)),
        ]

        for receiver in receivers {
            let outcome = await receiver.deliver(Fixtures.payload(), kind: .notification)

            #expect(outcome != .delivered)
            let reason = try #require(outcome.reason)
            #expect(reason.contains("tls"), "reason should name TLS: \(reason)")
            expectNoSecret(reason, [Fixtures.slackPath, "xoxbSuperSecretToken42", "signing-key-123"])
        }
    }

    @Test func smtpsRefusesAnUntrustedCertificate() async throws {
        let server = try await TLSTestServer.start()
        defer { server.stop() }
        let settings = EmailSettings(smtpURL: "smtps://127.0.0.1:\(server.port)", username: "alerts",
                                     password: Secret("smtp-Pa55w0rd-Secret"), from: "a@example.com", to: ["b@example.com"])

        let outcome = await EmailReceiver(name: "oncall", settings: settings, timeout: .seconds(5))
            .deliver(Fixtures.payload(), kind: .notification)

        #expect(outcome.isDead)
        expectNoSecret(outcome.reason, ["smtp-Pa55w0rd-Secret"])
    }
}
