/// Where a delivery stands in the outbox (`deliveries.status`).
public enum DeliveryStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting for its next attempt, or being sent under a lease.
    case pending
    /// A receiver accepted it.
    case delivered
    /// Given up: a permanent error, or `max_delivery_age` ran out; `deliveries retry` re-queues it.
    case dead
}
