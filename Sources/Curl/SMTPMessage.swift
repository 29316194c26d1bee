import Foundation

/// How an `smtp://` connection must be protected. (`smtps://` is always implicit TLS.)
public enum SMTPTLSMode: Sendable, Hashable {
    /// STARTTLS is mandatory: the send fails if the server does not offer it
    /// (`CURLUSESSL_ALL`, never `_TRY`, so credentials cannot leak in clear text).
    case required
    /// STARTTLS when the server offers it, clear text otherwise (`CURLUSESSL_TRY`).
    case opportunistic
    /// Never start TLS on `smtp://` (local relays and tests).
    case none
}

/// One e-mail to submit over SMTP: where, as whom, the envelope, and the rendered message.
public struct SMTPMessage: Sendable {
    /// `smtp://host:port` (STARTTLS per `tls`) or `smtps://host:port` (implicit TLS).
    /// An optional path sets the EHLO name, e.g. `smtp://relay:25/alerts.example.com`.
    public var url: String
    /// STARTTLS policy for `smtp://` URLs.
    public var tls: SMTPTLSMode
    /// Certificate verification for the TLS session.
    public var tlsOptions: TLSOptions
    /// SMTP AUTH user; `nil` skips authentication.
    public var username: String?
    /// SMTP AUTH password; never included in errors.
    public var password: String?
    /// Envelope sender (`MAIL FROM`), a bare address such as `alerts@example.com`.
    public var mailFrom: String
    /// Envelope recipients (`RCPT TO`), bare addresses. If the server refuses any of them,
    /// the whole message fails (libcurl's default; `CURLOPT_MAIL_RCPT_ALLOWFAILS` is not set).
    public var recipients: [String]
    /// The complete RFC 5322 message (headers, blank line, body) with CRLF line endings.
    /// libcurl dot-stuffs lines that start with "." and appends the terminating `CRLF.CRLF`
    /// itself, so the caller must not escape anything.
    public var data: Data
    /// Limit for connecting, including the TLS handshake. Default 10 s.
    public var connectTimeout: Duration
    /// Limit for the whole SMTP session. Default 60 s.
    public var timeout: Duration

    /// Creates a message; TLS defaults to `.required` with verification on.
    public init(
        url: String,
        tls: SMTPTLSMode = .required,
        tlsOptions: TLSOptions = TLSOptions(),
        username: String? = nil,
        password: String? = nil,
        mailFrom: String,
        recipients: [String],
        data: Data,
        connectTimeout: Duration = .seconds(10),
        timeout: Duration = .seconds(60)
    ) {
        self.url = url
        self.tls = tls
        self.tlsOptions = tlsOptions
        self.username = username
        self.password = password
        self.mailFrom = mailFrom
        self.recipients = recipients
        self.data = data
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }
}

/// A message the server accepted.
public struct SMTPResult: Sendable, Hashable {
    /// The server's reply to the end of DATA, normally 250.
    public var replyCode: Int

    /// Creates a result.
    public init(replyCode: Int) {
        self.replyCode = replyCode
    }
}
