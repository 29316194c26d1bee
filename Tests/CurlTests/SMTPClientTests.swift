import Curl
import Foundation
import TestSupport
import Testing

@Suite("SMTPClient against SMTPSink")
struct SMTPClientTests {
    private static let rendered = [
        "From: ChannelWatch <alerts@example.com>",
        "To: oncall@example.com",
        "Subject: Channel +4915112345678 is down",
        "",
        "The channel went down.",
        ".this line starts with a dot",
        ".",
        "..two dots",
        "End.",
        "",
    ].joined(separator: "\r\n")

    private func message(
        to sink: SMTPSink, recipients: [String] = ["oncall@example.com"], username: String? = nil, password: String? = nil
    ) -> SMTPMessage {
        SMTPMessage(
            url: sink.url, tls: .none, username: username, password: password,
            mailFrom: "alerts@example.com", recipients: recipients, data: Data(Self.rendered.utf8),
            timeout: .seconds(10))
    }

    @Test func messageArrivesWithEnvelopeAndDotLinesIntact() async throws {
        let sink = try SMTPSink()

        let result = try await SMTPClient.shared.send(message(to: sink, recipients: ["oncall@example.com", "lead@example.com"]))

        #expect(result.replyCode == 250)
        let received = try #require(sink.messages.first)
        #expect(received.mailFrom == "alerts@example.com")
        #expect(received.recipients == ["oncall@example.com", "lead@example.com"])
        #expect(received.text == Self.rendered)
        #expect(received.credentials == nil)
        // The client really stuffed the dots: the sink had to remove one from each line.
        #expect(received.text.contains("\r\n.this line starts with a dot\r\n.\r\n..two dots\r\n"))
    }

    @Test func rejectedRecipientIsPermanentWith550() async throws {
        let sink = try SMTPSink(replies: [.recipient: .reply(550, "5.1.1 no such user")])

        let error = await #expect(throws: SMTPError.self) { try await SMTPClient.shared.send(message(to: sink)) }

        #expect(error?.kind == .permanent)
        #expect(error?.replyCode == 550)
        #expect(error?.description.contains("550") == true)
        #expect(sink.messages.isEmpty)
    }

    @Test func rejectionAfterDataIsPermanent() async throws {
        let sink = try SMTPSink(replies: [.messageEnd: .reply(554, "5.6.0 message refused")])

        let error = await #expect(throws: SMTPError.self) { try await SMTPClient.shared.send(message(to: sink)) }

        #expect(error?.kind == .permanent)
        #expect(error?.replyCode == 554)
    }

    @Test func temporaryFailureAfterDataIsTransientWith451() async throws {
        let sink = try SMTPSink(replies: [.messageEnd: .reply(451, "4.3.0 try again later")])

        let error = await #expect(throws: SMTPError.self) { try await SMTPClient.shared.send(message(to: sink)) }

        #expect(error?.kind == .transient)
        #expect(error?.replyCode == 451)
        #expect(sink.messages.isEmpty)
    }

    @Test func temporaryRecipientFailureIsTransient() async throws {
        let sink = try SMTPSink(replies: [.recipient: .reply(450, "4.2.1 mailbox busy")])

        let error = await #expect(throws: SMTPError.self) { try await SMTPClient.shared.send(message(to: sink)) }

        #expect(error?.kind == .transient)
        #expect(error?.replyCode == 450)
    }

    @Test func refusedConnectionIsTransient() async throws {
        let closedPort = try ClosedPort()
        defer { closedPort.close() }
        let port = closedPort.port
        let unreachable = SMTPMessage(
            url: "smtp://127.0.0.1:\(port)", tls: .none, mailFrom: "a@example.com", recipients: ["b@example.com"],
            data: Data("Subject: x\r\n\r\nx\r\n".utf8))

        let error = await #expect(throws: SMTPError.self) { try await SMTPClient.shared.send(unreachable) }

        #expect(error?.kind == .transient)
        #expect(error?.replyCode == nil)
        #expect(error?.transport.kind == .connection)
    }

    @Test func droppedConnectionIsTransient() async throws {
        let sink = try SMTPSink(replies: [.mailFrom: .dropConnection])

        let error = await #expect(throws: SMTPError.self) { try await SMTPClient.shared.send(message(to: sink)) }

        #expect(error?.kind == .transient)
    }

    @Test func credentialsReachTheSink() async throws {
        let credentials = SMTPSinkCredentials(mechanism: "", username: "alerts", password: "s3cret-Pw")
        let sink = try SMTPSink(acceptedCredentials: credentials)

        _ = try await SMTPClient.shared.send(message(to: sink, username: "alerts", password: "s3cret-Pw"))

        let received = try #require(sink.messages.first)
        #expect(received.credentials?.username == "alerts")
        #expect(received.credentials?.password == "s3cret-Pw")
        #expect(["PLAIN", "LOGIN"].contains(received.credentials?.mechanism ?? ""))
    }

    @Test func wrongPasswordIsPermanentAndNeverShown() async throws {
        let sink = try SMTPSink(acceptedCredentials: SMTPSinkCredentials(mechanism: "", username: "alerts", password: "right"))

        let error = await #expect(throws: SMTPError.self) {
            try await SMTPClient.shared.send(message(to: sink, username: "alerts", password: "Wr0ngPassw0rd"))
        }

        #expect(error?.kind == .permanent)
        #expect(error?.replyCode == 535)
        #expect(sink.authenticationAttempts.first?.password == "Wr0ngPassw0rd")
        let text = try #require(error).description + (error?.message ?? "") + (error?.url ?? "")
        #expect(!text.contains("Wr0ngPassw0rd"))
    }

    @Test func requiredTLSFailsWhenTheServerCannotStartTLS() async throws {
        // The sink offers no STARTTLS: a .required message must not fall back to clear text.
        let sink = try SMTPSink()
        var insecure = message(to: sink, username: "alerts", password: "NotInClearText")
        insecure.tls = .required

        let error = await #expect(throws: SMTPError.self) { try await SMTPClient.shared.send(insecure) }

        #expect(error?.transport.kind == .tls)
        #expect(error?.kind == .permanent)
        let text = error?.description ?? ""
        #expect(text.contains("does not offer STARTTLS") && text.contains("smtps://") && text.contains("require_tls: false"), "\(text)")
        #expect(!text.contains("certificate chain"), "\(text)")
        #expect(sink.messages.isEmpty)
        #expect(sink.authenticationAttempts.isEmpty)
    }

    @Test func passwordInURLIsRedacted() async throws {
        let closedPort = try ClosedPort()
        defer { closedPort.close() }
        let port = closedPort.port
        let unreachable = SMTPMessage(
            url: "smtp://alerts:UrlPassw0rd@127.0.0.1:\(port)", tls: .none, mailFrom: "a@example.com",
            recipients: ["b@example.com"], data: Data("x\r\n".utf8))

        let error = await #expect(throws: SMTPError.self) { try await SMTPClient.shared.send(unreachable) }

        #expect(error?.description.contains("UrlPassw0rd") == false)
        #expect(error?.url == "smtp://127.0.0.1:\(port)")
    }
}
