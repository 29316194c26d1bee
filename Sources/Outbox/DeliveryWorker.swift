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
    /// Deliveries sent at once, to all receivers together: 64, or `$CHANNELWATCH_DELIVERY_CONCURRENCY` (1–256).
    public var concurrency = DeliveryWorker.defaultConcurrency
    /// Deliveries sent at once to one receiver, by receiver name (the receiver's `concurrency`);
    /// a receiver not named here gets ``defaultReceiverConcurrency``.
    public var receiverConcurrency: [String: Int] = [:]
    /// Which due reminders' events are withheld now (silenced or inhibited), asked inside the
    /// transaction that queues them; nil withholds none.
    public var remindersWithheld: Reminders.Withheld?

    /// 64 unless `CHANNELWATCH_DELIVERY_CONCURRENCY` says otherwise.
    public static var defaultConcurrency: Int {
        ProcessInfo.processInfo.environment["CHANNELWATCH_DELIVERY_CONCURRENCY"].flatMap(Int.init).map { min(max($0, 1), 256) } ?? 64
    }

    /// Deliveries sent at once to a receiver without a `concurrency` of its own. Measured with
    /// `channelwatch bench --only deliveries` (BENCHMARKS.md): more connections to one receiver
    /// stopped paying off beyond this.
    public static let defaultReceiverConcurrency = 16

    /// The sends in flight allowed to `receiver` at once.
    func concurrency(of receiver: String) -> Int {
        receiverConcurrency[receiver] ?? Self.defaultReceiverConcurrency
    }

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
    /// ``DeliveryPass`` decides what happens when (up to ``concurrency`` sends at once, outcomes
    /// recorded in groups, the next batch claimed as soon as the last send of the current one has
    /// started); this function performs its actions. When the task is cancelled (the shutdown
    /// grace is over) no send starts, and claims not sent or cut short are handed back.
    public func deliverDue(batchSize: Int = 64, keepClaiming: @Sendable () -> Bool = { true }) async throws -> Summary {
        var summary = Summary()
        summary.reminders = try await Reminders.queueDue(database: outbox.database, withheld: remindersWithheld)
        var pass = Pass(batchSize: batchSize, concurrency: concurrency,
                        receiverLimits: receivers.keys.reduce(into: [:]) { $0[$1] = concurrency(of: $1) }, receiverOf: \.receiver)
        let tally = try await withThrowingTaskGroup(of: Step.self) { group -> Pass.Tally in
            var actions: [Pass.Action] = []
            var step: Step?
            while true {
                // Shutdown is looked at before what happened is fed in, so a send the shutdown cut
                // short is handed back rather than recorded as a failed attempt.
                if !keepClaiming() { actions += pass.stopRequested() }
                if Task.isCancelled { actions += pass.leaseExpiring() }
                switch step {
                case nil: actions += pass.start()
                case .claimed(let claims): actions += pass.claimed(claims)
                case .sent(let claim, let outcome): actions += pass.sent(claim, outcome)
                case .settled(let counts): actions += pass.settled(counts)
                case .handedBack: break
                }
                for action in actions {
                    switch action {
                    case .claim(let limit, let excluding, let skipping):
                        group.addTask { [outbox] in
                            .claimed(try await outbox.claim(limit: limit, excluding: Array(excluding), skippingReceivers: Array(skipping)))
                        }
                    case .send(let claim):
                        group.addTask { .sent(claim, await send(claim)) }
                    case .settle(let attempts):
                        group.addTask { .settled(try await settle(attempts)) }
                    case .handBack(let ids):
                        group.addTask { await handBack(ids); return .handedBack }
                    case .finish(let tally):
                        return tally
                    }
                }
                actions.removeAll(keepingCapacity: true)
                guard let finished = try await group.next() else { return Pass.Tally() }
                step = finished
            }
        }
        summary.delivered = tally.delivered
        summary.retrying = tally.retrying
        summary.dead = tally.dead
        return summary
    }

    /// The rules this worker's passes follow.
    typealias Pass = DeliveryPass<Outbox.Claim>

    /// What a child task of ``deliverDue(batchSize:keepClaiming:)`` finished.
    private enum Step: Sendable {
        case claimed([Outbox.Claim])
        case sent(Outbox.Claim, DeliveryOutcome)
        case settled(Pass.Tally)
        case handedBack
    }

    private func send(_ claim: Outbox.Claim) async -> DeliveryOutcome {
        guard let receiver = receivers[claim.receiver] else {
            return .dead(reason: "receiver '\(claim.receiver)' is not in the configuration")
        }
        return await receiver.deliver(encoded: claim.payload, kind: claim.kind)
    }

    /// Records a group of outcomes, logs each and raises `delivery_dead` for the dead ones (in
    /// the transaction that marks each dead). Recorded even when the pass is being cancelled
    /// (shutdown): a delivery sent and not recorded would be sent again.
    private func settle(_ attempts: [Pass.Attempt]) async throws -> Pass.Tally {
        let recording = Task { [attempts, self] in
            try await outbox.settle(attempts.map { ($0.delivery, $0.outcome) }, maxAge: maxAge) { claim, reason, connection in
                try await deadLetters.recordDead(claim, reason: reason, on: connection)
            }
        }
        let settled = try await recording.value
        var counts = Pass.Tally()
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

    /// Releases claims the shutdown cut short, so the next worker sends them at once. Not being
    /// able to is no reason to stop recording the rest: their leases run out instead.
    private func handBack(_ ids: [UUID]) async {
        let releasing = Task { [outbox] in try await outbox.handBack(ids) }
        do {
            let released = try await releasing.value
            logger.info("handed back \(released) delivery claim(s) cut short by shutdown; they are sent again at once")
        } catch {
            logger.warning("could not hand back \(ids.count) delivery claim(s) cut short by shutdown (\(error)); they are sent again once their lease runs out")
        }
    }

    private func log(_ attempt: Pass.Attempt, _ settled: Outbox.Settled) {
        let claim = attempt.delivery
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
