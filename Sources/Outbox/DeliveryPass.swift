import Alerting

/// The rules of one delivery pass, without any I/O: events go in (a batch was claimed, a send
/// finished, a group of outcomes was recorded, shutdown began, the claims' time is running out),
/// and the actions to take come out (claim, send, settle, hand back, finish). ``DeliveryWorker``
/// performs the actions against PostgreSQL and the receivers and feeds back what happened.
///
/// The rules:
/// - One claim at a time, and only once every delivery waiting to be sent is held up by its own
///   receiver being full (or none waits), so a pass never holds more than a batch it has not
///   started. A claim skips the deliveries this pass still holds (their leases may have run out
///   while they were being sent, a lease shorter than a batch, and they must not be sent twice)
///   and the receivers whose deliveries are waiting: a slow receiver does not hold up the others.
/// - Up to `concurrency` sends at once, and up to a receiver's own limit to each receiver
///   (`receiverLimits`; a receiver without one is bound by `concurrency` only), in the order
///   claimed: a delivery whose receiver is full waits and the next one for another receiver goes.
/// - One settle at a time, taking every outcome that arrived while the previous one was being
///   recorded: a slow receiver's outcomes are recorded at once, a fast one's in few statements.
/// - The pass is exhausted when a claim comes back empty, unless deliveries were queued after it
///   started (a dead delivery queues `delivery_dead` notifications): then it claims once more.
/// - After ``stopRequested()`` nothing new is claimed; what is held is still sent and recorded.
/// - After ``leaseExpiring()`` (the shutdown grace is over) no send starts: claims not started
///   are handed back, and so are sends that come back as retries (the shutdown cut them short;
///   that is not a failed attempt). Deliveries that did go out are still recorded.
/// - The pass finishes when nothing is in flight and nothing is left to claim, send or record.
public struct DeliveryPass<Delivery: Identifiable & Sendable>: Sendable where Delivery.ID: Sendable {
    /// What the driver does next.
    public enum Action: Sendable {
        /// Claim up to `limit` due deliveries, skipping `excluding` and every delivery to one of
        /// `skippingReceivers`; answer with ``DeliveryPass/claimed(_:)``.
        case claim(limit: Int, excluding: Set<Delivery.ID>, skippingReceivers: Set<String>)
        /// Hand the delivery to its receiver; answer with ``DeliveryPass/sent(_:_:)``.
        case send(Delivery)
        /// Record these outcomes in one go; answer with ``DeliveryPass/settled(_:)``.
        case settle([Attempt])
        /// Release these claims so they are sent again at once, by any worker; no answer needed.
        case handBack([Delivery.ID])
        /// The pass is over; these are its counts.
        case finish(Tally)
    }

    /// One send's outcome, not yet recorded.
    public struct Attempt: Sendable {
        public var delivery: Delivery
        public var outcome: DeliveryOutcome
        public init(delivery: Delivery, outcome: DeliveryOutcome) {
            self.delivery = delivery
            self.outcome = outcome
        }
    }

    /// What a settle recorded: deliveries delivered, scheduled for a retry, and dead (a delivery
    /// whose lease had passed to another worker is in none).
    public struct Tally: Sendable, Equatable {
        public var delivered = 0
        public var retrying = 0
        public var dead = 0
        public init(delivered: Int = 0, retrying: Int = 0, dead: Int = 0) {
            self.delivered = delivered
            self.retrying = retrying
            self.dead = dead
        }
        static func + (left: Tally, right: Tally) -> Tally {
            Tally(delivered: left.delivered + right.delivered, retrying: left.retrying + right.retrying,
                  dead: left.dead + right.dead)
        }
    }

    /// Deliveries asked for per claim.
    public let batchSize: Int
    /// Sends in flight at most.
    public let concurrency: Int
    /// Sends in flight at most to one receiver, by receiver name.
    public let receiverLimits: [String: Int]
    /// The receiver a delivery goes to.
    private let receiverOf: @Sendable (Delivery) -> String

    /// Claimed and not started yet, in the order claimed.
    private var waiting: [Delivery] = []
    private var sending = 0
    /// Sends in flight per receiver.
    private var sendingTo: [String: Int] = [:]
    /// The receivers skipped by the last claim when it came back empty: claiming again with the
    /// same ones skipped would find nothing either.
    private var emptyClaimSkipped: Set<String>?
    /// The receivers the claim in flight skips (what waits changes while it is under way).
    private var claimSkipping: Set<String> = []
    private var claiming = false
    private var settlingIDs: [Delivery.ID]?
    private var exhausted = false
    private var queuedSinceClaim = false
    private var unsettled: [Attempt] = []
    private var held: Set<Delivery.ID> = []
    private var stopped = false
    private var expiring = false
    private var finished = false
    private var tally = Tally()

    public init(batchSize: Int, concurrency: Int, receiverLimits: [String: Int] = [:],
                receiverOf: @escaping @Sendable (Delivery) -> String = { _ in "" }) {
        precondition(batchSize > 0 && concurrency > 0 && receiverLimits.values.allSatisfy { $0 > 0 },
                     "a delivery pass needs a batch size and concurrencies of at least 1")
        self.batchSize = batchSize
        self.concurrency = concurrency
        self.receiverLimits = receiverLimits
        self.receiverOf = receiverOf
    }

    /// The first actions: the first claim.
    public mutating func start() -> [Action] { next() }

    /// A claim came back with these deliveries (oldest first); an empty answer means nothing is due.
    public mutating func claimed(_ deliveries: [Delivery]) -> [Action] {
        precondition(claiming, "claimed(_:) without a claim in flight")
        claiming = false
        let skipped = claimSkipping
        if deliveries.isEmpty && !queuedSinceClaim {
            // Nothing due but for the receivers skipped: claim again once one of them has drained.
            if skipped.isEmpty { exhausted = true } else { emptyClaimSkipped = skipped }
        } else {
            emptyClaimSkipped = nil
        }
        waiting.append(contentsOf: deliveries)
        held.formUnion(deliveries.map(\.id))
        return next()
    }

    /// A send finished with this outcome.
    public mutating func sent(_ delivery: Delivery, _ outcome: DeliveryOutcome) -> [Action] {
        precondition(sending > 0, "sent(_:_:) without a send in flight")
        sending -= 1
        sendingTo[receiverOf(delivery), default: 1] -= 1
        if expiring, case .retry = outcome {
            held.remove(delivery.id)
            return [.handBack([delivery.id])] + next()
        }
        unsettled.append(Attempt(delivery: delivery, outcome: outcome))
        return next()
    }

    /// The settle in flight was recorded with these counts.
    public mutating func settled(_ counts: Tally) -> [Action] {
        guard let ids = settlingIDs else { preconditionFailure("settled(_:) without a settle in flight") }
        settlingIDs = nil
        held.subtract(ids)
        tally = tally + counts
        if counts.dead > 0 {
            // delivery_dead notifications were queued: look for them too.
            exhausted = false
            queuedSinceClaim = true
        }
        return next()
    }

    /// Shutdown began: claim nothing new, deliver and record what is held.
    public mutating func stopRequested() -> [Action] {
        guard !stopped else { return [] }
        stopped = true
        return next()
    }

    /// The time to send is up (the shutdown grace ran out): start no send, hand back what was not
    /// sent, record what was.
    public mutating func leaseExpiring() -> [Action] {
        guard !expiring else { return [] }
        expiring = true
        stopped = true
        var handBack: [Delivery.ID] = []
        unsettled.removeAll { attempt in
            guard case .retry = attempt.outcome else { return false }
            handBack.append(attempt.delivery.id)
            return true
        }
        return handingBack(handBack) + next()
    }

    /// Whether ``finish(_:)`` was returned.
    public var isFinished: Bool { finished }

    private mutating func handingBack(_ ids: [Delivery.ID]) -> [Action] {
        guard !ids.isEmpty else { return [] }
        held.subtract(ids)
        return [.handBack(ids)]
    }

    /// The receivers of the deliveries waiting to be sent.
    private var waitingReceivers: Set<String> { Set(waiting.map(receiverOf)) }

    private func hasRoom(_ receiver: String) -> Bool {
        sendingTo[receiver, default: 0] < receiverLimits[receiver, default: concurrency]
    }

    /// The actions the current state calls for, in the order: hand back, sends, claim, settle,
    /// finish.
    private mutating func next() -> [Action] {
        guard !finished else { return [] }
        var actions: [Action] = []
        if expiring && !waiting.isEmpty {
            actions += handingBack(waiting.map(\.id))
            waiting.removeAll()
        }
        var index = 0
        while sending < concurrency && index < waiting.count {
            let receiver = receiverOf(waiting[index])
            guard hasRoom(receiver) else {
                index += 1
                continue
            }
            actions.append(.send(waiting.remove(at: index)))
            sending += 1
            sendingTo[receiver, default: 0] += 1
        }
        // Claimed while the last sends are under way, so the next deliveries are ready when they
        // finish; or while what waits is held up by its full receivers only, skipping them.
        let skipping = waitingReceivers
        let heldUpByReceiversOnly = sending < concurrency && waiting.count < batchSize && skipping != emptyClaimSkipped
        if !claiming && (waiting.isEmpty || heldUpByReceiversOnly) && !exhausted && !stopped {
            claiming = true
            claimSkipping = skipping
            queuedSinceClaim = false
            actions.append(.claim(limit: batchSize - waiting.count, excluding: held, skippingReceivers: skipping))
        }
        if settlingIDs == nil && !unsettled.isEmpty {
            settlingIDs = unsettled.map(\.delivery.id)
            actions.append(.settle(unsettled))
            unsettled.removeAll(keepingCapacity: true)
        }
        if !claiming && sending == 0 && settlingIDs == nil && unsettled.isEmpty && waiting.isEmpty
            && (exhausted || stopped) {
            finished = true
            actions.append(.finish(tally))
        }
        return actions
    }
}
