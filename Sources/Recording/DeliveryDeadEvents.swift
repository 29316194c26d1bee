import Alerting
import Foundation
import Logging
import Outbox
import Postgres

/// Raises `delivery_dead` for a delivery that gave up: a change event routed to every receiver
/// but the one that failed. A dead `delivery_dead` notification raises nothing more, so
/// failures cannot loop.
public struct DeliveryDeadEvents: DeadLetterRecorder {
    /// Routes the `delivery_dead` events.
    public let router: Router

    public init(router: Router) { self.router = router }

    public func recordDead(_ claim: Outbox.Claim, reason: String, on connection: PostgresConnection) async throws {
        // Our own payloads always decode; one that does not cannot be a `delivery_dead` notification.
        let events = (try? claim.notification)?.events ?? []
        guard !events.contains(where: { $0.rule == SystemAlerts.deliveryDead }) else { return }
        let partnerID = events.first?.partnerID ?? ""
        var writer = EventWriter(partnerID: partnerID, observedAt: Date(), router: router.excluding(receiver: claim.receiver))
        writer.addSystem(rule: SystemAlerts.deliveryDead, status: .changed, severity: .warning,
                         summary: "A notification to \(claim.receiver) could not be delivered",
                         description: "Delivery \(claim.id) (\(claim.groupKey)) gave up: \(reason)",
                         extraLabels: ["receiver": claim.receiver])
        _ = try await writer.flush(pollID: nil, on: connection)
    }
}

extension DeliveryWorker {
    /// A delivery worker whose dead deliveries raise `delivery_dead` through `router`.
    public init(outbox: Outbox, receivers: [any Receiver], router: Router, maxAge: Duration, logger: Logger) {
        self.init(outbox: outbox, receivers: receivers, deadLetters: DeliveryDeadEvents(router: router),
                  maxAge: maxAge, logger: logger)
    }
}
