import Foundation

/// Groups the events of one poll into deliveries: one per (receiver, group key).
///
/// Pure: events and a router in, planned deliveries out, in a deterministic order.
public enum Grouping {
    /// A delivery to create: its receiver, group and events (all of them; the payload truncates).
    public struct PlannedDelivery: Hashable, Sendable {
        public var receiver: String
        public var groupKey: String
        public var events: [AlertEvent]
        /// The rendered recipient's tag values for a receiver with templated recipients (every
        /// event of the group has the same); `nil` otherwise, and for the receiver's fallback.
        public var recipient: [String]?

        public init(receiver: String, groupKey: String, events: [AlertEvent], recipient: [String]? = nil) {
            self.receiver = receiver
            self.groupKey = groupKey
            self.events = events
            self.recipient = recipient
        }
    }

    /// Routes every event and collects them per (receiver, group key), keeping event order.
    public static func plan(events: [AlertEvent], router: Router) -> [PlannedDelivery] {
        collect(events.lazy.flatMap { event in
            router.targets(for: event).map { (receiver: $0.receiver, groupKey: $0.groupKey, event: event) }
        })
    }

    /// Collects (receiver, group key, event) triples into one delivery per (receiver, group key),
    /// in the order each pair first appears, events in the order given.
    public static func collect<Triples: Sequence>(_ triples: Triples) -> [PlannedDelivery]
    where Triples.Element == (receiver: String, groupKey: String, event: AlertEvent) {
        var order: [String] = []
        var groups: [String: PlannedDelivery] = [:]
        for (receiver, groupKey, event) in triples {
            let key = receiver + "\u{1F}" + groupKey
            if groups[key] == nil {
                order.append(key)
                groups[key] = PlannedDelivery(receiver: receiver, groupKey: groupKey, events: [], recipient: event.recipients[receiver])
            }
            groups[key]!.events.append(event)
        }
        return order.map { groups[$0]! }
    }

    /// The payload of a planned delivery, listing at most ``NotificationPayload/maximumEvents`` events.
    public static func notification(for delivery: PlannedDelivery, id: UUID) -> NotificationPayload {
        let listed = Array(delivery.events.prefix(NotificationPayload.maximumEvents))
        var payload = NotificationPayload(deliveryID: id, groupKey: delivery.groupKey, receiver: delivery.receiver,
                                          events: listed, truncatedEvents: delivery.events.count - listed.count)
        payload.recipient = delivery.recipient
        return payload
    }
}
