import Alerting
import Config
import Curl
import Foundation

/// A generic webhook: POSTs payload v1 (docs/webhook-payload.md) as JSON, signed when a secret is configured.
///
/// Headers: `Content-Type: application/json`, `X-ChannelWatch-Delivery: <delivery_id>` (the
/// same on every retry, so the receiving side can drop repeats), `X-ChannelWatch-Kind`
/// (`notification`, `reminder` or `test`) and, with a secret, `X-ChannelWatch-Signature`.
public struct WebhookReceiver: Receiver {
    /// The delivery id header's name.
    public static let deliveryHeaderName = "X-ChannelWatch-Delivery"
    /// The delivery kind header's name.
    public static let kindHeaderName = "X-ChannelWatch-Kind"

    /// The receiver's configured name.
    public let name: String
    private let url: Secret
    private let recipients: RecipientSettings?
    private let secret: Secret?
    private let client: HTTPClient
    private let timeout: Duration
    private let now: @Sendable () -> Date

    /// Creates a receiver posting to `url`.
    ///
    /// - Parameters:
    ///   - secret: the HMAC key; `nil` or empty sends no signature header.
    ///   - recipients: a templated `url`: each notification goes to the URL rendered for its
    ///     group, or to `fallback_to` when it was unusable.
    ///   - timeout: limit for the whole request; a slower answer is retried later.
    ///   - now: the clock for the signature's timestamp.
    public init(name: String, url: Secret, secret: Secret?, recipients: RecipientSettings? = nil, client: HTTPClient = .shared,
                timeout: Duration = .seconds(15), now: @escaping @Sendable () -> Date = { Date() }) {
        self.name = name
        self.url = url
        self.recipients = recipients
        self.secret = secret.flatMap { $0.isEmpty ? nil : $0 }
        self.client = client
        self.timeout = timeout
        self.now = now
    }

    /// Posts the payload; see ``ReceiverResponse`` for how the answer is classified.
    public func deliver(_ notification: NotificationPayload, kind: DeliveryKind) async -> DeliveryOutcome {
        await post(notification.encoded(), deliveryID: notification.deliveryID, kind: kind, to: url(for: notification.recipient))
    }

    /// Posts the stored payload v1 bytes as they are, signed: no decoding, no encoding again.
    public func deliver(encoded notification: EncodedNotification, kind: DeliveryKind) async -> DeliveryOutcome {
        await post(notification.json, deliveryID: notification.deliveryID, kind: kind, to: url(for: notification.recipient))
    }

    /// `url` as configured, or as rendered for the delivery's group (its fallback when unusable).
    private func url(for recipient: [String]?) -> Secret {
        guard let recipients else { return url }
        guard let recipient = recipients.storedValues(recipient) else { return recipients.fallback[0] }
        return Secret(recipients.assembledURL(recipient))
    }

    private var label: String { "webhook receiver '\(name)'" }

    /// Posts `body`; the signature covers exactly these bytes.
    private func post(_ body: Data, deliveryID: UUID, kind: DeliveryKind, to url: Secret) async -> DeliveryOutcome {
        var headers = [
            HTTPHeader(name: "Content-Type", value: "application/json"),
            HTTPHeader(name: Self.deliveryHeaderName, value: deliveryID.uuidString),
            HTTPHeader(name: Self.kindHeaderName, value: kind.rawValue),
        ]
        if let secret {
            let timestamp = Int(now().timeIntervalSince1970)
            headers.append(HTTPHeader(
                name: WebhookSignature.headerName,
                value: WebhookSignature.headerValue(secret: secret, body: body, timestamp: timestamp)))
        }
        let post = ReceiverPost(url: url, service: .webhook, label: label, client: client, timeout: timeout,
                                reasonText: reasonText(url))
        return await post.send(body, headers: headers)
    }

    /// Masks the URL's credential parts and the signing secret in failure reasons.
    private func reasonText(_ url: Secret) -> ReasonText {
        var secrets = ReasonText.secrets(inCredentialURL: url.revealed)
        if let secret { secrets.append(secret.revealed) }
        return ReasonText(secrets: secrets)
    }
}
