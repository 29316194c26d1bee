import Foundation

/// What a receiver says about one attempt to deliver a notification.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The receiver accepted it; never sent again.
    case delivered
    /// A transient failure: try again, not before `after` when the receiver said so (Retry-After).
    case retry(after: Duration?, reason: String)
    /// A permanent failure: give up now and keep the reason.
    case dead(reason: String)
}

/// A destination that can deliver a notification: Slack, email, webhook or the console.
///
/// Implementations render, send and classify the outcome; they never throw and never put a
/// secret (URL path, password, signing key) in a reason.
public protocol Receiver: Sendable {
    /// The receiver's configured name.
    var name: String { get }
    /// Sends one notification. `kind` is `notification`, `reminder` or `test`.
    func deliver(_ notification: NotificationPayload, kind: DeliveryKind) async -> DeliveryOutcome
    /// Sends a notification as the outbox stores it. By default it is decoded and handed to
    /// ``deliver(_:kind:)``; a receiver that sends payload v1 itself (the webhook) sends
    /// `notification.json` as it is, without decoding and encoding it again.
    func deliver(encoded notification: EncodedNotification, kind: DeliveryKind) async -> DeliveryOutcome
}

extension Receiver {
    /// Decodes the stored payload and delivers it; a payload that is not payload v1 is dead.
    public func deliver(encoded notification: EncodedNotification, kind: DeliveryKind) async -> DeliveryOutcome {
        let payload: NotificationPayload
        do {
            payload = try notification.decoded()
        } catch {
            return .dead(reason: "receiver '\(name)': the stored payload of delivery \(notification.deliveryID) is not payload v1: \(error)")
        }
        return await deliver(payload, kind: kind)
    }
}

/// A notification as the outbox stores it: payload v1 as JSON bytes, decoded only for receivers
/// that render its structure (Slack, email, console). The webhook sends these bytes as they are.
public struct EncodedNotification: Sendable, Hashable {
    /// The delivery's id, the payload's `delivery_id`.
    public var deliveryID: UUID
    /// Payload v1 as JSON: the stored `payload` column as PostgreSQL prints `jsonb` (keys in its
    /// own order, a space after `:` and `,`), or ``NotificationPayload/encoded()``.
    public var json: Data
    /// The delivery's rendered recipient (tag values) for a receiver with templated recipients;
    /// `nil` for its fallback and for every other receiver.
    public var recipient: [String]?

    /// Bytes already known to be payload v1 for `deliveryID`.
    public init(deliveryID: UUID, json: Data, recipient: [String]? = nil) {
        self.deliveryID = deliveryID
        self.json = json
        self.recipient = recipient
    }

    /// Encodes `payload`.
    public init(_ payload: NotificationPayload) throws {
        self.init(deliveryID: payload.deliveryID, json: payload.encoded(), recipient: payload.recipient)
    }

    /// The payload's structure.
    public func decoded() throws -> NotificationPayload {
        var payload = try AlertEvent.decoder.decode(NotificationPayload.self, from: json)
        payload.recipient = recipient
        return payload
    }
}

/// Why a delivery exists.
public enum DeliveryKind: String, Sendable, Codable {
    /// Events of a poll.
    case notification
    /// A `repeat_interval` reminder of a still-firing alert.
    case reminder
    /// `notify-test`.
    case test
}
