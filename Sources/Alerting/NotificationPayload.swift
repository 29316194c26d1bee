import Foundation

/// What one delivery carries: the events of one group for one receiver — webhook payload v1
/// (docs/webhook-payload.md). Stored as the delivery's payload; Slack and email render the same value.
public struct NotificationPayload: Codable, Hashable, Sendable {
    /// Payload version, `"1"`.
    public var version: String = "1"
    /// The delivery's id: stable across retries so receivers can drop a repeat.
    public var deliveryID: UUID
    /// The group, e.g. `rule=quality_low,waba_id=123`.
    public var groupKey: String
    /// The receiver's name.
    public var receiver: String
    /// The events, at most ``NotificationPayload/maximumEvents``.
    public var events: [AlertEvent]
    /// How many more events the group had than ``events`` lists ("and N more").
    public var truncatedEvents: Int
    /// For a receiver with templated recipients, the tag values of this delivery's recipient
    /// (`nil`: its `fallback_to`). Stored in its own column, not part of payload v1.
    public var recipient: [String]?

    /// More events than this in one group are counted, not listed: a portfolio-wide change of
    /// 10,000 numbers is still one readable message.
    public static let maximumEvents = 100

    enum CodingKeys: String, CodingKey {
        case version
        case deliveryID = "delivery_id"
        case groupKey = "group_key"
        case receiver, events
        case truncatedEvents = "truncated_events"
    }

    public init(deliveryID: UUID, groupKey: String, receiver: String, events: [AlertEvent], truncatedEvents: Int) {
        self.deliveryID = deliveryID
        self.groupKey = groupKey
        self.receiver = receiver
        self.events = events
        self.truncatedEvents = truncatedEvents
    }
}
