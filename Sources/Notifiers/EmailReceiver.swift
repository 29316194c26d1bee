import Alerting
import Config
import Curl
import Foundation

/// Email over SMTP through libcurl: renders an ``EmailMessage`` and classifies the server's reply.
///
/// `smtp://` URLs use STARTTLS, required unless the receiver says `require_tls: false`
/// (then opportunistic); `smtps://` is TLS from the first byte. 4xx replies and connection
/// failures are retried; 5xx replies are dead with the reply code kept. The password is never
/// part of a reason.
public struct EmailReceiver: Receiver {
    /// The receiver's configured name.
    public let name: String
    private let settings: EmailSettings
    private let recipients: RecipientSettings?
    private let client: SMTPClient
    private let timeout: Duration
    private let now: @Sendable () -> Date

    /// Creates a receiver sending with `settings`.
    ///
    /// - Parameters:
    ///   - recipients: templated `to` entries: each notification goes to the addresses rendered
    ///     for its group, or to `fallback_to` when they were unusable.
    ///   - timeout: limit for the whole SMTP session; a slower server is retried later.
    ///   - now: the clock for the `Date` header.
    public init(name: String, settings: EmailSettings, recipients: RecipientSettings? = nil, client: SMTPClient = .shared,
                timeout: Duration = .seconds(60), now: @escaping @Sendable () -> Date = { Date() }) {
        self.name = name
        self.settings = settings
        self.recipients = recipients
        self.client = client
        self.timeout = timeout
        self.now = now
    }

    /// The STARTTLS policy these settings ask for (irrelevant for `smtps://`, which is always TLS).
    public var tlsMode: SMTPTLSMode { settings.requireTLS ? .required : .opportunistic }

    /// Renders `notification` as this receiver sends it (also used by tests and previews).
    public func message(for notification: NotificationPayload, kind: DeliveryKind) throws(EmailAddressError) -> EmailMessage {
        guard let from = EmailAddress(parsing: settings.from) else {
            throw EmailAddressError(field: "from", value: settings.from)
        }
        let recipients = try addresses(for: notification).map { text throws(EmailAddressError) in
            guard let address = EmailAddress(parsing: text) else { throw EmailAddressError(field: "to", value: text) }
            return address
        }
        let id = notification.deliveryID.uuidString.lowercased()
        return EmailMessage(
            from: from, to: recipients,
            subject: EmailBody.subject(notification, kind: kind), date: now(),
            messageID: "<\(id)@\(from.domain)>",
            textBody: EmailBody.text(notification, kind: kind),
            htmlBody: EmailBody.html(notification, kind: kind),
            extraHeaders: [
                // RFC 3834: tells vacation responders and ticket systems not to answer.
                (name: "Auto-Submitted", value: "auto-generated"),
                (name: "X-ChannelWatch-Delivery", value: notification.deliveryID.uuidString),
                (name: "X-ChannelWatch-Kind", value: kind.rawValue),
            ],
            boundary: "=_cw_\(id.replacingOccurrences(of: "-", with: ""))")
    }

    /// `to` as configured, or as rendered for the notification's group (its fallback when none was usable).
    private func addresses(for notification: NotificationPayload) -> [String] {
        guard let recipients else { return settings.to }
        guard let values = recipients.storedValues(notification.recipient) else { return recipients.fallback.map(\.revealed) }
        return recipients.assembled(values)
    }

    /// Sends the notification to every recipient in one SMTP transaction.
    public func deliver(_ notification: NotificationPayload, kind: DeliveryKind) async -> DeliveryOutcome {
        let label = "email receiver '\(name)'"
        let reasonText = ReasonText(secrets: [settings.password?.revealed].compactMap { $0 })
        let email: EmailMessage
        do {
            email = try message(for: notification, kind: kind)
        } catch {
            return .dead(reason: "\(label): \(error)")
        }
        let smtp = SMTPMessage(
            url: settings.smtpURL, tls: tlsMode, tlsOptions: TLSOptions(caFile: settings.caFile),
            username: settings.username, password: settings.password?.revealed,
            mailFrom: email.from.address, recipients: email.to.map(\.address), data: email.rendered(),
            connectTimeout: min(timeout, .seconds(10)), timeout: timeout)
        do {
            _ = try await client.send(smtp)
            return .delivered
        } catch let error as SMTPError {
            let reason = reasonText.scrub("\(label): \(error.description)")
            return error.kind == .transient ? .retry(after: nil, reason: reason) : .dead(reason: reason)
        } catch {
            return TransportFailure.outcome(for: error, receiver: label, reasonText: reasonText)
        }
    }
}

/// An email receiver's `from` or `to` is not a usable mailbox.
public struct EmailAddressError: Error, CustomStringConvertible, Sendable {
    /// `from` or `to`.
    public var field: String
    /// The configured text.
    public var value: String

    /// Names the field and value, and what is expected.
    public var description: String {
        "'\(field)' value '\(value)' is not an email address; use 'name@example.com' or 'Name <name@example.com>'"
    }
}
