import Foundation

/// Credentials a client presented with `AUTH` to `SMTPSink`.
public struct SMTPSinkCredentials: Sendable, Hashable {
    /// `PLAIN` or `LOGIN`.
    public var mechanism: String
    /// The user name.
    public var username: String
    /// The password.
    public var password: String

    /// Creates credentials.
    public init(mechanism: String, username: String, password: String) {
        self.mechanism = mechanism
        self.username = username
        self.password = password
    }
}

/// A message `SMTPSink` accepted (250 after DATA).
public struct SMTPSinkMessage: Sendable {
    /// The EHLO/HELO argument.
    public var heloName: String
    /// Credentials from `AUTH`, if the client authenticated.
    public var credentials: SMTPSinkCredentials?
    /// The `MAIL FROM` address, without angle brackets or parameters.
    public var mailFrom: String
    /// The accepted `RCPT TO` addresses, without angle brackets.
    public var recipients: [String]
    /// The message as the client meant it: dot-unstuffed, CRLF line endings, without the
    /// terminating `.` line.
    public var data: Data

    /// `data` decoded as UTF-8.
    public var text: String { String(decoding: data, as: UTF8.self) }
}

/// Points in an SMTP session where `SMTPSink` can be told to answer differently.
public enum SMTPSinkStage: Sendable, Hashable {
    /// The 220 greeting on connect.
    case greeting
    /// The reply to `MAIL FROM`.
    case mailFrom
    /// The reply to each `RCPT TO`.
    case recipient
    /// The reply to the `DATA` command (normally 354).
    case dataCommand
    /// The reply after the message's final `.` (normally 250).
    case messageEnd
}

/// A scripted answer for an `SMTPSinkStage`.
public enum SMTPSinkReply: Sendable, Hashable {
    /// Answer with this code and text, e.g. `.reply(550, "5.1.1 no such user")`.
    case reply(Int, String)
    /// Close the connection without answering.
    case dropConnection
}
