import Foundation

/// Groups the events of one poll into deliveries: one per (receiver, group key), SPEC §3.
///
/// Pure: events and a router in, planned deliveries out, in a deterministic order.
public enum Grouping {
    /// A delivery to create: its receiver, group and events (all of them; the payload truncates).
    public struct PlannedDelivery: Hashable, Sendable {
        public var receiver: String
        public var groupKey: String
        public var events: [AlertEvent]
    }

    /// Routes every event and collects them per (receiver, group key), keeping event order.
    public static func plan(events: [AlertEvent], router: Router) -> [PlannedDelivery] {
        var order: [String] = []
        var groups: [String: PlannedDelivery] = [:]
        for event in events {
            for target in router.targets(for: event.labels) {
                let key = target.receiver + "\u{1F}" + target.groupKey
                if groups[key] == nil {
                    order.append(key)
                    groups[key] = PlannedDelivery(receiver: target.receiver, groupKey: target.groupKey, events: [])
                }
                groups[key]!.events.append(event)
            }
        }
        return order.map { groups[$0]! }
    }

    /// The payload of a planned delivery, listing at most ``NotificationPayload/maximumEvents`` events.
    public static func notification(for delivery: PlannedDelivery, id: UUID) -> NotificationPayload {
        let listed = Array(delivery.events.prefix(NotificationPayload.maximumEvents))
        return NotificationPayload(deliveryID: id, groupKey: delivery.groupKey, receiver: delivery.receiver,
                            events: listed, truncatedEvents: delivery.events.count - listed.count)
    }
}
