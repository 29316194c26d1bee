/// A message the SMTP server did not accept, classified for retrying.
///
/// 4xx replies, connection failures and timeouts are `.transient`; 5xx replies and
/// configuration problems (TLS verification, bad URL) are `.permanent`. Never contains
/// the password.
public struct SMTPError: Error, CustomStringConvertible, Sendable {
    /// Whether sending the same message later may succeed.
    public enum Kind: Sendable, Hashable {
        /// Retry later: the server or network was temporarily unable.
        case transient
        /// Do not retry: the server refused the message or the configuration is wrong.
        case permanent
    }

    /// Retry classification.
    public var kind: Kind
    /// The failing SMTP reply code (4xx or 5xx, e.g. 550), or nil when the failure was not
    /// a refusal by the server (connection lost, timeout, TLS).
    public var replyCode: Int?
    /// The libcurl result code and its classification.
    public var transport: CurlError

    /// The server URL with userinfo removed.
    public var url: String { transport.url }
    /// A readable explanation (libcurl's message, scrubbed of credentials).
    public var message: String { transport.message }
    /// Convenience for `kind == .transient`.
    public var isTransient: Bool { kind == .transient }

    /// Creates an error from its parts.
    public init(kind: Kind, replyCode: Int?, transport: CurlError) {
        self.kind = kind
        self.replyCode = replyCode
        self.transport = transport
    }

    /// Classifies a failed transfer: the reply code decides when there is a 4xx/5xx one,
    /// otherwise the transport failure does.
    init(transport: CurlError, lastReplyCode: Int) {
        let isFailureReply = (400..<600).contains(lastReplyCode)
        let kind: Kind
        if isFailureReply {
            kind = lastReplyCode < 500 ? .transient : .permanent
        } else {
            kind = transport.isTransient ? .transient : .permanent
        }
        self.init(kind: kind, replyCode: isFailureReply ? lastReplyCode : nil, transport: transport)
    }

    /// Reads like `smtp://mail:587: permanent failure, server replied 550 (curl 55: ...)`.
    public var description: String {
        let reply = replyCode.map { ", server replied \($0)" } ?? ""
        let advice =
            switch kind {
            case .transient: "Will succeed later if the server or network recovers."
            case .permanent where replyCode != nil: "The server refused the message; check the sender, recipients and credentials."
            case .permanent: transport.advice
            }
        return "\(url): \(kind) SMTP failure\(reply) (curl \(transport.code): \(message)). \(advice)"
    }
}
