import Alerting
import Foundation
import Logging
import Postgres

/// Delivers what is due: claims deliveries, hands each to its receiver (several at once), and
/// records the outcome. A delivery that dies raises `delivery_dead`, routed to the other receivers.
public struct DeliveryWorker: Sendable {
    public let outbox: Outbox
    /// Receivers by name.
    public let receivers: [String: any Receiver]
    /// Records what a dead delivery raises (`delivery_dead`), in the transaction that marks it dead.
    public let deadLetters: any DeadLetterRecorder
    /// Retries stop this long after a delivery was created.
    public let maxAge: Duration
    public let logger: Logger
    /// Deliveries sent at once.
    public var concurrency = 8

    public init(outbox: Outbox, receivers: [any Receiver], deadLetters: any DeadLetterRecorder, maxAge: Duration,
                logger: Logger) {
        self.outbox = outbox
        self.receivers = Dictionary(receivers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.deadLetters = deadLetters
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
    ///
    /// Up to ``concurrency`` sends run at once. Outcomes are recorded as they arrive, in groups:
    /// whatever finished while the previous group was being recorded is recorded next, with one
    /// statement for all its delivered ones: a slow receiver's outcomes are recorded at once, a
    /// fast one's take few statements. The next batch is claimed as soon as the last send of the
    /// current one has started, skipping the deliveries this pass still holds.
    public func deliverDue(batchSize: Int = 64, keepClaiming: @Sendable () -> Bool = { true }) async throws -> Summary {
        var summary = Summary()
        summary.reminders = try await Reminders.queueDue(database: outbox.database)
        try await withThrowingTaskGroup(of: Step.self) { group in
            var claimed: [Outbox.Claim] = []
            var nextToSend = 0
            var sending = 0
            var claiming = false
            var settling = false
            var exhausted = false
            // Whether deliveries were queued (delivery_dead) after the claim in flight had started.
            var queuedSinceClaim = false
            var unsettled: [Attempt] = []
            // Claimed in this pass and not yet recorded. A claim made while sends are in flight
            // skips these: their leases may have run out (a lease shorter than a batch), and this
            // worker must not send them again.
            var held: Set<UUID> = []
            var recording: [UUID] = []
            while true {
                let cancelled = Task.isCancelled
                if !claiming && nextToSend == claimed.count && !exhausted && !cancelled && keepClaiming() {
                    claiming = true
                    queuedSinceClaim = false
                    let excluding = Array(held)
                    group.addTask { [outbox] in .claimed(try await outbox.claim(limit: batchSize, excluding: excluding)) }
                }
                while !cancelled && sending < concurrency && nextToSend < claimed.count {
                    let claim = claimed[nextToSend]
                    nextToSend += 1
                    sending += 1
                    group.addTask { .sent(claim, await send(claim)) }
                }
                if !settling && !unsettled.isEmpty {
                    settling = true
                    let attempts = unsettled
                    unsettled.removeAll(keepingCapacity: true)
                    recording = attempts.map(\.claim.id)
                    group.addTask { .settled(try await settle(attempts)) }
                }
                guard let step = try await group.next() else { break }
                switch step {
                case .claimed(let claims):
                    claiming = false
                    exhausted = claims.isEmpty && !queuedSinceClaim
                    claimed.removeFirst(nextToSend)
                    nextToSend = 0
                    claimed.append(contentsOf: claims)
                    held.formUnion(claims.map(\.id))
                case .sent(let claim, let outcome):
                    sending -= 1
                    unsettled.append(Attempt(claim: claim, outcome: outcome))
                case .settled(let counts):
                    settling = false
                    held.subtract(recording)
                    summary.delivered += counts.delivered
                    summary.retrying += counts.retrying
                    summary.dead += counts.dead
                    // delivery_dead notifications were queued: look for them too.
                    if counts.dead > 0 {
                        exhausted = false
                        queuedSinceClaim = true
                    }
                }
            }
        }
        return summary
    }

    /// One send's outcome, not yet recorded.
    private struct Attempt: Sendable {
        var claim: Outbox.Claim
        var outcome: DeliveryOutcome
    }

    /// What a child task of ``deliverDue(batchSize:keepClaiming:)`` finished.
    private enum Step: Sendable {
        case claimed([Outbox.Claim])
        case sent(Outbox.Claim, DeliveryOutcome)
        case settled(Summary)
    }

    private func send(_ claim: Outbox.Claim) async -> DeliveryOutcome {
        guard let receiver = receivers[claim.receiver] else {
            return .dead(reason: "receiver '\(claim.receiver)' is not in the configuration")
        }
        return await receiver.deliver(encoded: claim.payload, kind: claim.kind)
    }

    /// Records a group of outcomes, logs each and raises `delivery_dead` for the dead ones (in
    /// the transaction that marks each dead). Sends that finished are recorded even when the
    /// pass is being cancelled (shutdown): a delivery sent and not recorded would be sent again.
    /// A send the shutdown itself cut short is not a failed attempt: it stays claimed, and the
    /// worker hands it back, to be sent at once by the next one.
    private func settle(_ attempts: [Attempt]) async throws -> Summary {
        var attempts = attempts
        if Task.isCancelled {
            attempts.removeAll { if case .retry = $0.outcome { true } else { false } }
        }
        let recording = Task { [attempts, self] in
            try await outbox.settle(attempts.map { ($0.claim, $0.outcome) }, maxAge: maxAge) { claim, reason, connection in
                try await deadLetters.recordDead(claim, reason: reason, on: connection)
            }
        }
        let settled = try await recording.value
        var counts = Summary()
        for (attempt, settled) in zip(attempts, settled) {
            log(attempt, settled)
            switch settled {
            case .delivered: counts.delivered += 1
            case .retrying: counts.retrying += 1
            case .dead: counts.dead += 1
            case .lostLease: break
            }
        }
        return counts
    }

    private func log(_ attempt: Attempt, _ settled: Outbox.Settled) {
        let claim = attempt.claim
        var metadata: Logger.Metadata = [
            "delivery": "\(claim.id)", "receiver": "\(claim.receiver)", "group": "\(claim.groupKey)",
            "events": "\(claim.eventCount)", "attempt": "\(claim.attempts)",
        ]
        switch settled {
        case .delivered:
            logger.info("delivered", metadata: metadata)
        case .retrying(let delay):
            if case .retry(_, let reason) = attempt.outcome { metadata["error"] = "\(reason)" }
            logger.warning("delivery failed; retrying in \(Int(delay.seconds.rounded())) s", metadata: metadata)
        case .dead(let reason):
            metadata["error"] = "\(reason)"
            logger.error("delivery dead", metadata: metadata)
        case .lostLease:
            logger.warning("delivery lease lost to another worker; outcome not recorded", metadata: metadata)
        }
    }
}
