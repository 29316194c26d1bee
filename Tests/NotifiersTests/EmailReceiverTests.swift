import Alerting
import Config
import Curl
import Foundation
import Notifiers
import TestSupport
import Testing

@Suite("Email receiver against a real SMTP sink")
struct EmailReceiverTests {
    static let password = "smtp-Pa55w0rd-Secret"

    private func receiver(_ url: String, requireTLS: Bool = false, username: String? = nil,
                          password: String? = nil, timeout: Duration = .seconds(10)) -> EmailReceiver {
        let settings = EmailSettings(
            smtpURL: url, requireTLS: requireTLS, username: username, password: password.map(Secret.init),
            from: "ChannelWatch Alerts <alerts@example.com>", to: ["oncall@example.com", "Zoë <zoe@example.org>"])
        return EmailReceiver(name: "oncall", settings: settings, timeout: timeout)
    }

    @Test func messageArrivesWithEnvelopeHeadersAndBothParts() async throws {
        let sink = try SMTPSink()
        let payload = NotificationPayload(
            deliveryID: UUID(), groupKey: "rule=quality_low", receiver: "oncall",
            events: [Fixtures.event(summary: "Qualität gesunken – Zoë", description: ".leading dot\n..two dots\nend")],
            truncatedEvents: 0)

        let outcome = await receiver(sink.url).deliver(payload, kind: .notification)

        #expect(outcome == .delivered)
        let received = try #require(sink.messages.first)
        #expect(received.mailFrom == "alerts@example.com")
        #expect(received.recipients == ["oncall@example.com", "zoe@example.org"])
        let parsed = MIMEDecoding.parse(received.text)
        #expect(MIMEDecoding.decodeHeader(try #require(parsed.header("Subject"))) == "[CRITICAL] Qualität gesunken – Zoë")
        #expect(parsed.header("From") == "ChannelWatch Alerts <alerts@example.com>")
        #expect(parsed.header("Message-ID") == "<\(payload.deliveryID.uuidString.lowercased())@example.com>")
        #expect(parsed.header("Date")?.hasSuffix("+0000") == true)
        let boundary = try #require(parsed.header("Content-Type")?.replacingOccurrences(of: "\r\n", with: "").components(separatedBy: "boundary=\"").last?.dropLast())
        let parts = MIMEDecoding.parts(of: parsed.body, boundary: String(boundary))
        #expect(parts.count == 2)
        let plain = MIMEDecoding.decodeQuotedPrintable(parts[0].body)
        // Dot-leading lines survive the SMTP transfer (libcurl stuffs, the sink unstuffs).
        #expect(plain.contains("\r\n.leading dot\r\n..two dots\r\nend"))
        #expect(MIMEDecoding.decodeQuotedPrintable(parts[1].body).contains("<table>"))
    }

    @Test func retriedMessageKeepsItsMessageID() async throws {
        let sink = try SMTPSink(replies: [.messageEnd: .reply(451, "4.3.0 try later")])
        let email = receiver(sink.url)
        let payload = Fixtures.payload()

        let first = await email.deliver(payload, kind: .notification)
        sink.setReply(nil, for: .messageEnd)
        let second = await email.deliver(payload, kind: .notification)

        #expect(first.isRetry)
        #expect(first.reason?.contains("451") == true)
        #expect(second == .delivered)
        let received = try await sink.waitForMessages(count: 1)
        #expect(MIMEDecoding.parse(received[0].text).header("Message-ID") == "<\(payload.deliveryID.uuidString.lowercased())@example.com>")
    }

    @Test(arguments: [SMTPSinkStage.recipient, .mailFrom, .messageEnd])
    func permanentRefusalIsDeadWithTheReplyCode(stage: SMTPSinkStage) async throws {
        let sink = try SMTPSink(replies: [stage: .reply(550, "5.1.1 mailbox unavailable")])

        let outcome = await receiver(sink.url).deliver(Fixtures.payload(), kind: .notification)

        #expect(outcome.isDead)
        #expect(outcome.reason?.contains("550") == true)
        #expect(outcome.reason?.contains("oncall") == true)
        #expect(sink.messages.isEmpty)
    }

    @Test(arguments: [SMTPSinkStage.recipient, .messageEnd, .greeting])
    func temporaryRefusalIsRetried(stage: SMTPSinkStage) async throws {
        let sink = try SMTPSink(replies: [stage: .reply(stage == .greeting ? 421 : 451, "4.3.0 try again later")])

        let outcome = await receiver(sink.url).deliver(Fixtures.payload(), kind: .notification)

        #expect(outcome.isRetry)
        #expect(sink.messages.isEmpty)
    }

    @Test func refusedConnectionIsRetried() async throws {
        let closedPort = try ClosedPort()
        defer { closedPort.close() }
        let port = closedPort.port

        let outcome = await receiver("smtp://127.0.0.1:\(port)", username: "alerts", password: Self.password)
            .deliver(Fixtures.payload(), kind: .notification)

        #expect(outcome.isRetry)
        #expect(outcome.reason?.contains("127.0.0.1:\(port)") == true)
        expectNoSecret(outcome.reason, [Self.password])
    }

    @Test func droppedConnectionIsRetried() async throws {
        let sink = try SMTPSink(replies: [.dataCommand: .dropConnection])

        let outcome = await receiver(sink.url).deliver(Fixtures.payload(), kind: .notification)

        #expect(outcome.isRetry)
    }

    @Test func credentialsAreUsedAndAWrongPasswordIsNeverShown() async throws {
        let sink = try SMTPSink(acceptedCredentials: SMTPSinkCredentials(mechanism: "", username: "alerts", password: Self.password))

        let good = await receiver(sink.url, username: "alerts", password: Self.password).deliver(Fixtures.payload(), kind: .notification)
        let wrong = "wrong-\(Self.password)"
        let bad = await receiver(sink.url, username: "alerts", password: wrong).deliver(Fixtures.payload(), kind: .notification)

        #expect(good == .delivered)
        #expect(sink.messages.first?.credentials?.password == Self.password)
        #expect(bad.isDead)
        expectNoSecret(bad.reason, [Self.password, wrong])
    }

    @Test func requiredTLSNeverFallsBackToPlaintext() async throws {
        // The sink offers no STARTTLS: with TLS required the message must not go out in clear.
        let sink = try SMTPSink()

        let outcome = await receiver(sink.url, requireTLS: true, username: "alerts", password: Self.password)
            .deliver(Fixtures.payload(), kind: .notification)

        #expect(outcome != .delivered)
        #expect(outcome.reason?.lowercased().contains("tls") == true || outcome.reason?.lowercased().contains("ssl") == true)
        #expect(sink.messages.isEmpty)
        #expect(sink.authenticationAttempts.isEmpty)
        expectNoSecret(outcome.reason, [Self.password])
    }

    @Test func tlsModeFollowsTheSettings() {
        #expect(receiver("smtp://x:25", requireTLS: true).tlsMode == .required)
        #expect(receiver("smtp://x:25", requireTLS: false).tlsMode == .opportunistic)
    }

    @Test func hangingServerIsRetriedAfterTheTimeout() async throws {
        // A server that never greets: a listener that accepts and stays silent.
        let silent = try HTTPSink(actions: [.hang])
        let started = ContinuousClock.now

        let outcome = await receiver("smtp://127.0.0.1:\(silent.port)", timeout: .milliseconds(500))
            .deliver(Fixtures.payload(), kind: .notification)

        #expect(outcome.isRetry)
        #expect(ContinuousClock.now - started < .seconds(30), "ended by our timeout, not by the hanging server")
    }
}
