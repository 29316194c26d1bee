import Foundation
import Notifiers
import Testing

@Suite("MIME encodings")
struct MIMEEncodingTests {
    @Test(arguments: ["Qualität gesunken – Zoë", "Zoë", "日本語のテキストがとても長い件名になる場合の折り返しのテスト", "emoji 🧪🔴 ok", "a"])
    func encodedWordsDecodeBackAndStayShort(text: String) {
        let words = MIMEEncoding.encodedWords(text)

        #expect(words.allSatisfy { $0.count <= 75 && $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") })
        #expect(MIMEDecoding.decodeHeader(words.joined(separator: "\r\n ")) == text)
    }

    @Test func subjectHeaderIsFoldedEncodedAndInjectionFree() {
        let header = MIMEEncoding.unstructuredHeader("Subject", "Qualität gesunken – Zoë\r\nBcc: victim@example.com " + String(repeating: "ä", count: 80))

        let lines = header.components(separatedBy: "\r\n")
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(header.utf8.allSatisfy { $0 < 0x80 })
        let decoded = MIMEDecoding.decodeHeader(String(header.dropFirst("Subject: ".count)))
        #expect(decoded.hasPrefix("Qualität gesunken – Zoë  Bcc: victim@example.com ää"))
        #expect(!decoded.contains("\n"))
    }

    @Test func asciiHeadersFoldAtSpaces() {
        let header = MIMEEncoding.unstructuredHeader("Subject", Array(repeating: "word", count: 40).joined(separator: " "))

        let lines = header.components(separatedBy: "\r\n")
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(header.replacingOccurrences(of: "\r\n", with: "") == "Subject: " + Array(repeating: "word", count: 40).joined(separator: " "))
    }

    @Test func quotedPrintableRoundTripsAndKeepsLinesShort() {
        let text = """
            Short line
            .starts with a dot
            trailing space 
            equals = sign and ümlauts – dashes
            \(String(repeating: "long-ä-", count: 60))
            \(String(repeating: "=", count: 100))
            """

        let encoded = MIMEEncoding.quotedPrintable(text)

        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(encoded.utf8.allSatisfy { $0 < 0x80 })
        #expect(!encoded.contains(" \r\n"))
        #expect(!encoded.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(lines.contains(".starts with a dot"))
        #expect(MIMEDecoding.decodeQuotedPrintable(encoded) == text.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    @Test(arguments: [
        ("alerts@example.com", nil, "alerts@example.com"),
        ("<alerts@example.com>", nil, "alerts@example.com"),
        ("ChannelWatch <alerts@example.com>", "ChannelWatch", "alerts@example.com"),
        ("\"Ops, Berlin\" <ops@example.org>", "Ops, Berlin", "ops@example.org"),
        ("Zoë Müller <zoe@example.de>", "Zoë Müller", "zoe@example.de"),
    ] as [(String, String?, String)])
    func addressesParse(text: String, name: String?, address: String) throws {
        let parsed = try #require(EmailAddress(parsing: text))
        #expect(parsed.displayName == name)
        #expect(parsed.address == address)
    }

    @Test(arguments: ["not an address", "", "a@", "@b", "Name <a@b>\r\nBcc: x@y", "a b@c"])
    func garbageIsNotAnAddress(text: String) {
        #expect(EmailAddress(parsing: text) == nil)
    }

    @Test func headerValuesQuoteOrEncodeNames() {
        #expect(EmailAddress(displayName: "ChannelWatch", address: "a@example.com").headerValue == "ChannelWatch <a@example.com>")
        #expect(EmailAddress(displayName: "Ops, Berlin", address: "a@example.com").headerValue == "\"Ops, Berlin\" <a@example.com>")
        let encoded = EmailAddress(displayName: "Zoë", address: "zoe@example.com").headerValue
        #expect(encoded.hasPrefix("=?UTF-8?B?"))
        #expect(MIMEDecoding.decodeHeader(encoded) == "Zoë <zoe@example.com>")
    }
}
