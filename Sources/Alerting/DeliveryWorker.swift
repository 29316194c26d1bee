import Foundation
import Logging
import Postgres
import Rules

/// Delivers what is due: claims deliveries, hands each to its receiver (several at once), and
/// records the outcome. A delivery that dies raises `delivery_dead`, routed to the other receivers.
public struct DeliveryWorker: Sendable {
    public let outbox: Outbox
    /// Receivers by name.
    public let receivers: [String: any Receiver]
    /// Routes `delivery_dead`.
    public let router: Router
    /// Retries stop this long after a delivery was created.
    public let maxAge: Duration
    public let logger: Logger
    /// Deliveries sent at once.
    public var concurrency = 8

    public init(outbox: Outbox, receivers: [any Receiver], router: Router, maxAge: Duration, logger: Logger) {
        self.outbox = outbox
        self.receivers = Dictionary(receivers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.router = router
        self.maxAge = maxAge
        self.logger = logger
    }

    /// Counts of one pass.
    public struct Summary: Sendable, Equatable {
        public var delivered = 0
        public var retrying = 0
        public var dead = 0
        /// Reminder deliveries queued before the pass.
        public var reminders = 0
        public init() {}
    }

    /// Delivers everything due now, batch after batch, until nothing due is left (or the task is
    /// cancelled). `keepClaiming` is asked before each batch is claimed: a worker shutting down
    /// answers false, so it finishes the sends it holds but claims nothing new.
    public func deliverDue(batchSize: Int = 64, keepClaiming: @Sendable () -> Bool = { true }) async throws -> Summary {
        var summary = Summary()
        summary.reminders = try await Reminders.queueDue(database: outbox.database)
        while !Task.isCancelled && keepClaiming() {
            let claims = try await outbox.claim(limit: batchSize)
            if claims.isEmpty { break }
            let results = try await withThrowingTaskGroup(of: (Outbox.Claim, Outbox.Settled).self) { group in
                var results: [(Outbox.Claim, Outbox.Settled)] = []
                var iterator = claims.makeIterator()
                for _ in 0..<concurrency {
                    guard let claim = iterator.next() else { break }
                    group.addTask { (claim, try await deliver(claim)) }
                }
                while let result = try await group.next() {
                    results.append(result)
                    if let claim = iterator.next() { group.addTask { (claim, try await deliver(claim)) } }
                }
                return results
            }
            for (claim, settled) in results {
                switch settled {
                case .delivered: summary.delivered += 1
                case .retrying: summary.retrying += 1
                case .dead(let reason):
                    summary.dead += 1
                    try await raiseDeliveryDead(claim, reason: reason)
                case .lostLease: break
                }
            }
        }
        return summary
    }

    private func deliver(_ claim: Outbox.Claim) async throws -> Outbox.Settled {
        let outcome: DeliveryOutcome
        if let receiver = receivers[claim.receiver] {
            outcome = await receiver.deliver(claim.notification, kind: claim.kind)
        } else {
            outcome = .dead(reason: "receiver '\(claim.receiver)' is not in the configuration")
        }
        let settled = try await outbox.settle(claim, outcome: outcome, maxAge: maxAge)
        var metadata: Logger.Metadata = [
            "delivery": "\(claim.id)", "receiver": "\(claim.receiver)", "group": "\(claim.groupKey)",
            "events": "\(claim.notification.events.count + claim.notification.truncatedEvents)", "attempt": "\(claim.attempts)",
        ]
        switch settled {
        case .delivered:
            logger.info("delivered", metadata: metadata)
        case .retrying(let delay):
            if case .retry(_, let reason) = outcome { metadata["error"] = "\(reason)" }
            logger.warning("delivery failed; retrying in \(Int(delay.seconds.rounded())) s", metadata: metadata)
        case .dead(let reason):
            metadata["error"] = "\(reason)"
            logger.error("delivery dead", metadata: metadata)
        case .lostLease:
            logger.warning("delivery lease lost to another worker; outcome not recorded", metadata: metadata)
        }
        return settled
    }

    /// Records a `delivery_dead` event and routes it to every receiver but the one that failed.
    /// A dead `delivery_dead` notification raises nothing more, so failures cannot loop.
    private func raiseDeliveryDead(_ claim: Outbox.Claim, reason: String) async throws {
        guard !claim.notification.events.contains(where: { $0.rule == SystemAlerts.deliveryDead }) else { return }
        let partnerID = claim.notification.events.first?.partnerID ?? ""
        try await outbox.database.transaction { connection in
            var writer = EventWriter(partnerID: partnerID, observedAt: Date(), router: router.excluding(receiver: claim.receiver))
            writer.addSystem(rule: SystemAlerts.deliveryDead, status: .changed, severity: "warning",
                             summary: "A notification to \(claim.receiver) could not be delivered",
                             description: "Delivery \(claim.id) (\(claim.groupKey)) gave up: \(reason)",
                             extraLabels: ["receiver": claim.receiver])
            _ = try await writer.flush(pollID: nil, on: connection)
        }
    }
}
