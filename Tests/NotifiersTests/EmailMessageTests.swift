import Alerting
import Config
import Foundation
import Notifiers
import Testing

@Suite("Email rendering")
struct EmailMessageTests {
    static let sentAt = Date(timeIntervalSince1970: 1_795_514_400)  // Tue, 24 Nov 2026 10:00:00 UTC

    private func receiver(from: String = "ChannelWatch <alerts@example.com>",
                          to: [String] = ["oncall@example.com", "Zoë Ops <zoe@example.org>"]) -> EmailReceiver {
        EmailReceiver(name: "oncall", settings: EmailSettings(smtpURL: "smtp://127.0.0.1:25", from: from, to: to),
                      now: { Self.sentAt })
    }

    private func render(_ payload: NotificationPayload, kind: DeliveryKind = .notification) throws -> (EmailMessage, String) {
        let message = try receiver().message(for: payload, kind: kind)
        return (message, String(decoding: message.rendered(), as: UTF8.self))
    }

    @Test func headersAreRFC5322() throws {
        let payload = Fixtures.payload(events: 1)
        let (message, text) = try render(payload)
        let parsed = MIMEDecoding.parse(text)

        #expect(parsed.header("Date") == "Tue, 24 Nov 2026 10:00:00 +0000")
        #expect(parsed.header("From") == "ChannelWatch <alerts@example.com>")
        #expect(MIMEDecoding.decodeHeader(try #require(parsed.header("To")))
            == "oncall@example.com, Zoë Ops <zoe@example.org>")
        #expect(parsed.header("Message-ID") == "<\(payload.deliveryID.uuidString.lowercased())@example.com>")
        #expect(parsed.header("MIME-Version") == "1.0")
        #expect(parsed.header("Content-Type")?.replacingOccurrences(of: "\r\n", with: "")
            == "multipart/alternative; boundary=\"\(message.boundary)\"")
        #expect(parsed.header("Auto-Submitted") == "auto-generated")
        #expect(MIMEDecoding.decodeHeader(try #require(parsed.header("Subject")))
            == "[CRITICAL] Quality rating of +49 30 1234 1 dropped to Low")
    }

    @Test func everyLineEndsInCRLFAndIsShortAndASCII() throws {
        let event = Fixtures.event(description: String(repeating: "Sehr lange Beschreibung mit Ümlauten – ", count: 20)
                                   + "\n.a line starting with a dot\nFrom here on")
        let (_, text) = try render(Fixtures.payload([event]))

        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        #expect(text.utf8.allSatisfy { $0 < 0x80 })
        let long = text.components(separatedBy: "\r\n").filter { $0.utf8.count > 78 }
        #expect(long.isEmpty, "lines over 78 characters: \(long)")
    }

    @Test func bothPartsCarryTheEventAndHTMLIsEscaped() throws {
        let event = Fixtures.event(summary: "Quality <b>dropped</b> & more", phoneName: "Zoë's <shop>")
        let (message, text) = try render(Fixtures.payload([event]))
        let parts = MIMEDecoding.parts(of: MIMEDecoding.parse(text).body, boundary: message.boundary)

        #expect(parts.count == 2)
        #expect(parts[0].header("Content-Type") == "text/plain; charset=utf-8")
        #expect(parts[1].header("Content-Type") == "text/html; charset=utf-8")
        #expect(parts.allSatisfy { $0.header("Content-Transfer-Encoding") == "quoted-printable" })
        let plain = MIMEDecoding.decodeQuotedPrintable(parts[0].body)
        let html = MIMEDecoding.decodeQuotedPrintable(parts[1].body)
        for expected in ["Quality <b>dropped</b> & more", "+49 30 1234 1 (Zoë's <shop>)", "Acme GmbH (id client-7)",
                         "Acme WABA (id waba-123)", "High → Low", "2026-11-24 10:00:00 UTC"] {
            #expect(plain.contains(expected), "text part lacks \(expected)")
        }
        #expect(html.contains("Quality &lt;b&gt;dropped&lt;/b&gt; &amp; more"))
        #expect(html.contains("Zoë&#39;s &lt;shop&gt;"))
        #expect(!html.contains("<b>dropped"))
        #expect(html.contains("High → Low"))
        #expect(!text.contains(message.boundary + "x"))
        #expect(text.hasSuffix("--\(message.boundary)--\r\n"))
    }

    @Test func nonASCIISubjectIsEncodedAndDecodesBack() throws {
        let event = Fixtures.event(summary: "Qualität gesunken – Zoë")
        let (_, text) = try render(Fixtures.payload([event]))
        let subject = try #require(MIMEDecoding.parse(text).header("Subject"))

        #expect(subject.contains("=?UTF-8?B?"))
        #expect(subject.utf8.allSatisfy { $0 < 0x80 })
        #expect(MIMEDecoding.decodeHeader(subject) == "[CRITICAL] Qualität gesunken – Zoë")
    }

    @Test func renderingIsStableAcrossRetries() throws {
        let payload = Fixtures.payload(events: 3, truncated: 2)
        let first = try render(payload).1
        let second = try render(payload).1

        #expect(first == second)
        #expect(first.contains("and 2 more"))
    }

    @Test func testAndReminderAndResolvedAreMarked() throws {
        let test = try render(.test(receiver: "oncall"), kind: .test).1
        #expect(MIMEDecoding.decodeHeader(MIMEDecoding.parse(test).header("Subject") ?? "").hasPrefix("[TEST] [INFO]"))
        #expect(MIMEDecoding.decodeQuotedPrintable(test).contains("This is a test notification"))

        let reminder = try render(Fixtures.payload(events: 1), kind: .reminder).1
        #expect(MIMEDecoding.parse(reminder).header("Subject")?.hasPrefix("[REMINDER]") == true)

        let resolved = try render(Fixtures.payload([Fixtures.event(status: .resolved)])).1
        #expect(MIMEDecoding.parse(resolved).header("Subject")?.hasPrefix("[RESOLVED]") == true)
    }

    @Test func badAddressesAreReported() {
        #expect(throws: EmailAddressError.self) {
            try receiver(from: "not-an-address").message(for: Fixtures.payload(), kind: .notification)
        }
        #expect(throws: EmailAddressError.self) {
            try receiver(to: ["ok@example.com", "broken"]).message(for: Fixtures.payload(), kind: .notification)
        }
    }

    @Test(arguments: [
        (0, "Thu, 01 Jan 1970 00:00:00 +0000"),
        (1_795_514_400, "Tue, 24 Nov 2026 10:00:00 +0000"),
        (951_782_400, "Tue, 29 Feb 2000 00:00:00 +0000"),
        (1_704_067_199, "Sun, 31 Dec 2023 23:59:59 +0000"),
    ] as [(TimeInterval, String)])
    func datesAreRFC5322InUTC(seconds: TimeInterval, expected: String) {
        #expect(EmailMessage.rfc5322Date(Date(timeIntervalSince1970: seconds)) == expected)
    }
}
