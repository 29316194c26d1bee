import Foundation

/// A complete RFC 5322 message: headers plus a multipart/alternative body with a plain-text
/// and an HTML part, both quoted-printable UTF-8, every line ending in CRLF.
///
/// Pure: the date and ids are inputs, so the same delivery renders the same bytes every time
/// (`Message-ID` stays stable across retries and mail clients can thread or drop repeats).
public struct EmailMessage: Sendable, Equatable {
    /// The author (`From`).
    public var from: EmailAddress
    /// The recipients (`To`).
    public var to: [EmailAddress]
    /// The subject, any Unicode; encoded as needed.
    public var subject: String
    /// The `Date` header's instant.
    public var date: Date
    /// The `Message-ID` including its angle brackets, e.g. `<uuid@example.com>`.
    public var messageID: String
    /// The plain-text alternative.
    public var textBody: String
    /// The HTML alternative (already escaped by whoever built it).
    public var htmlBody: String
    /// Extra header fields (name, ASCII value), e.g. `X-ChannelWatch-Delivery`.
    public var extraHeaders: [(name: String, value: String)]
    /// The multipart boundary; it must not occur in either part.
    public var boundary: String

    /// Creates a message from its parts.
    public init(from: EmailAddress, to: [EmailAddress], subject: String, date: Date, messageID: String,
                textBody: String, htmlBody: String, extraHeaders: [(name: String, value: String)] = [],
                boundary: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.date = date
        self.messageID = messageID
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.extraHeaders = extraHeaders
        self.boundary = boundary
    }

    /// Two messages are equal when they render to the same bytes.
    public static func == (lhs: EmailMessage, rhs: EmailMessage) -> Bool {
        lhs.rendered() == rhs.rendered()
    }

    /// The header block, each field on its own (folded) line, without the blank line after it.
    public var headerFields: [String] {
        var fields = [
            "Date: \(Self.rfc5322Date(date))",
            "From: \(from.headerValue)",
            MIMEEncoding.fold("To:", to.enumerated().map { $0 < to.count - 1 ? $1.headerValue + "," : $1.headerValue }),
            MIMEEncoding.unstructuredHeader("Subject", subject),
            "Message-ID: \(messageID)",
            "MIME-Version: 1.0",
            MIMEEncoding.fold("Content-Type:", ["multipart/alternative;", "boundary=\"\(boundary)\""]),
        ]
        fields += extraHeaders.map { MIMEEncoding.unstructuredHeader($0.name, $0.value) }
        return fields
    }

    /// The whole message as sent after SMTP `DATA`. (libcurl dot-stuffs lines starting with "."
    /// and adds the final `CRLF.CRLF` itself.)
    public func rendered() -> Data {
        let lines = headerFields + [
            "",
            "This is a multi-part message in MIME format.",
            "--\(boundary)",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            MIMEEncoding.quotedPrintable(textBody),
            "--\(boundary)",
            "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            MIMEEncoding.quotedPrintable(htmlBody),
            "--\(boundary)--",
            "",
        ]
        return Data(lines.joined(separator: "\r\n").utf8)
    }

    /// `Tue, 24 Nov 2026 10:00:00 +0000`: RFC 5322 §3.3 date-time, in UTC, English names
    /// whatever the process locale.
    public static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents([.weekday, .year, .month, .day, .hour, .minute, .second], from: date)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        let weekday = weekdays[((parts.weekday ?? 1) - 1) % 7]
        let month = months[((parts.month ?? 1) - 1) % 12]
        return "\(weekday), \(two(parts.day)) \(month) \(parts.year ?? 1970) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }
}
