import Primitives
import Alerting
import Inbound
import Recording
import Config
import Foundation
import Logging
import Postgres

/// Polls one partner every interval ± jitter, once per interval across all replicas.
///
/// Each cycle takes the partner's session advisory lock on a dedicated connection (so a poll
/// never holds a pooled connection that its own recording needs), skips when another replica
/// polled within the last 80 % of the shortest interval (``recentWindow(_:)``), polls with the `poll.timeout` deadline, records the poll
/// in one transaction and wakes the delivery loop. When the database fails nothing is recorded,
/// so nothing is lost: the snapshots did not advance and the next cycle polls again, after a
/// backoff of 1 s doubling to 30 s.
public final class PartnerPollLoop: Sendable {
    /// The partner polled.
    public let partnerID: String
    let settings: WorkerSettingsStore
    private let database: PostgresClient
    let poller: any PartnerPolling
    let metrics: WorkerMetrics
    let logger: Logger
    let wakeDelivery: @Sendable () -> Void
    private let backoff: Backoff
    private let inboundWakeups: InboundWakeups
    private let lockConnection = LockedBox<PostgresConnection?>(nil)

    /// How often the inbox is checked for events another replica's listener stored.
    static let inboxCheckInterval: Duration = .seconds(1)
    /// How long a failed targeted re-read waits before the next try.
    static let inboundRetryDelay: Duration = .seconds(5)

    /// What one cycle did.
    public enum CycleResult: Sendable {
        /// The poll was recorded.
        case recorded(PollRecorder.Outcome)
        /// Another replica holds the partner's lock: it is polling right now.
        case lockedElsewhere
        /// Another replica polled within ``PartnerPollLoop/recentWindow(_:)``.
        case polledRecently
        /// The partner is no longer in the configuration.
        case partnerRemoved
        /// Shutdown began while polling: the result was dropped, nothing recorded.
        case abandonedForShutdown
        /// The database failed; nothing was recorded.
        case databaseFailed(any Error)
    }

    /// A loop for `partnerID`; `wakeDelivery` is called after a poll queued deliveries.
    public init(partnerID: String, settings: WorkerSettingsStore, database: PostgresClient, poller: any PartnerPolling,
                metrics: WorkerMetrics, logger: Logger, backoff: Backoff = .database,
                inboundWakeups: InboundWakeups = InboundWakeups(), wakeDelivery: @escaping @Sendable () -> Void) {
        self.partnerID = partnerID
        self.settings = settings
        self.database = database
        self.poller = poller
        self.metrics = metrics
        self.logger = logger
        self.backoff = backoff
        self.inboundWakeups = inboundWakeups
        self.wakeDelivery = wakeDelivery
    }

    /// Runs cycles until `stop` is stopped; the first cycle starts at once. Returns after the
    /// cycle in progress has finished recording (a running record is never interrupted).
    public func run(until stop: StopSignal) async {
        var generator = SystemRandomNumberGenerator()
        var failures = 0
        var requestedAt: Date?
        cycles: while !stop.isStopped {
            let started = ContinuousClock.now
            let result = await runCycle(stop: stop, requestedAt: requestedAt)
            let delay: Duration
            switch result {
            case .databaseFailed(let error):
                failures += 1
                delay = backoff.delay(afterFailures: failures)
                logDatabaseFailure(error, retryIn: delay)
            case .abandonedForShutdown:
                logger.info("poll abandoned for shutdown; nothing recorded, the next poll sees the same changes",
                            metadata: ["partner": "\(partnerID)"])
                break cycles
            case .partnerRemoved:
                logger.info("partner removed from the configuration; polling stopped", metadata: ["partner": "\(partnerID)"])
                break cycles
            default:
                if failures > 0 { logger.info("database reachable again", metadata: ["partner": "\(partnerID)"]) }
                failures = 0
                delay = schedule().nextDelay(using: &generator)
            }
            requestedAt = await waitForNextPoll(after: delay, lastPollStarted: started, stop: stop)
        }
        await dropLockConnection()
    }

    /// Waits `delay` for the next poll, re-reading what inbound events name as they arrive (woken
    /// by this worker's listener, or finding another replica's events every second). Returns
    /// when an event asked for a full poll: it is then due at once, but at most once per
    /// `min_full_poll_interval` after this loop's last poll.
    private func waitForNextPoll(after delay: Duration, lastPollStarted: ContinuousClock.Instant, stop: StopSignal) async -> Date? {
        var due = ContinuousClock.now + delay
        var requested: Date?
        let wake = inboundWakeups.signal(for: partnerID)
        while !stop.isStopped {
            let remaining = due - .now
            guard remaining > .zero else { break }
            guard let webhook = settings.settings.partner(partnerID)?.webhook else {
                // Without a webhook block nothing arrives; a reload may add one.
                await stop.sleep(for: min(remaining, .seconds(5)))
                continue
            }
            let woken = await withStopHandler(stop, onStop: { wake.signal() }) {
                await wake.wait(timeout: min(remaining, Self.inboxCheckInterval))
            }
            if stop.isStopped { break }
            // Not woken: look for another replica's events before taking the partner's lock.
            if !woken, !((try? await InboundInbox.hasPending(partnerID: partnerID, on: database)) ?? true) { continue }
            // Events arriving close together are re-read together.
            if woken, webhook.debounce > .zero { await stop.sleep(for: webhook.debounce) }
            switch await processInbound(stop: stop) {
            case .fullPollWanted:
                requested = requested ?? Date()
                due = min(due, max(.now, lastPollStarted + webhook.minFullPollInterval))
            case .failed:
                await stop.sleep(for: min(remaining, Self.inboundRetryDelay))
            case .idle, .lockedElsewhere, .reread:
                break
            }
        }
        return requested
    }

    /// One cycle: lock, check, poll, record, wake. Never throws; database errors are returned.
    /// A full poll an inbound event asked for (`requestedAt`) is skipped only when another replica
    /// polled after that moment, not merely within the usual "polled recently" window.
    public func runCycle(stop: StopSignal = StopSignal(), requestedAt: Date? = nil) async -> CycleResult {
        let current = settings.settings
        guard let partner = current.partner(partnerID) else { return .partnerRemoved }
        switch await withPartnerLock({ connection in
            await pollWhileLocked(partner, settings: current, connection: connection, stop: stop, requestedAt: requestedAt)
        }) {
        case .ran(let result): return result
        case .lockedElsewhere: return .lockedElsewhere
        case .failed(let error): return .databaseFailed(error)
        }
    }

    /// What trying the partner's lock gave.
    enum Locked<Result: Sendable>: Sendable {
        case ran(Result)
        case lockedElsewhere
        case failed(any Error)
    }

    /// Runs `body` holding the partner's session advisory lock on the loop's own connection, or
    /// says why it could not: another replica holds the lock, or the database failed.
    func withPartnerLock<Result: Sendable>(_ body: (PostgresConnection) async -> Result) async -> Locked<Result> {
        let key = PartnerLockKey.forPartner(partnerID)
        let connection: PostgresConnection
        do {
            connection = try await lockSession()
            guard try await connection.tryAdvisoryLock(key) else { return .lockedElsewhere }
        } catch {
            await dropLockConnection()
            return .failed(error)
        }
        let result = await body(connection)
        do {
            try await connection.advisoryUnlock(key)
        } catch {
            // The session is gone, and the lock with it; the next cycle reconnects.
            await dropLockConnection()
        }
        return .ran(result)
    }

    private func pollWhileLocked(_ partner: PartnerConfig, settings current: WorkerSettings,
                                 connection: PostgresConnection, stop: StopSignal, requestedAt: Date?) async -> CycleResult {
        let poll = current.config.poll
        do {
            if let requestedAt {
                if try await polled(since: requestedAt, on: connection) { return .polledRecently }
            } else if try await polledRecently(within: Self.recentWindow(poll), on: connection) {
                return .polledRecently
            }
        } catch {
            return .databaseFailed(error)
        }
        let started = ContinuousClock.now
        // The poll is recorded while it runs, on this loop's own session (not the pool's: a long
        // poll must not hold a connection the delivery loop needs). An unstructured task, so
        // neither cancellation nor shutdown interrupts a transaction that is committing; they
        // abandon the poll itself, which is then rolled back unrecorded.
        let stream = poller.stream(partner, deadline: poll.timeout)
        let recorder = current.recorder
        let failingAfter = poll.failingAfter
        let cancelled = LockedBox(false)
        let recording = Task {
            try await recorder.record(stream, firstPoll: partner.firstPoll, failingAfter: failingAfter, on: connection,
                                      abandoned: { stop.isStopped || cancelled.value })
        }
        let recorded = await withTaskCancellationHandler {
            await withStopHandler(stop, onStop: { stream.summary.cancel() }) { await recording.result }
        } onCancel: {
            cancelled.value = true
            stream.summary.cancel()
        }
        switch recorded {
        case .success(let outcome):
            let observed = await stream.summary.value
            let duration = ContinuousClock.now - started
            metrics.recordPoll(partner: partnerID, complete: outcome.complete, channels: observed.channelCount,
                               duration: duration, events: outcome.events)
            metrics.recordSuppression(outcome.suppression)
            logSummary(observed, outcome: outcome, duration: duration)
            if outcome.deliveries > 0 { wakeDelivery() }
            return .recorded(outcome)
        case .failure(let error):
            if error is PollRecorder.PollAbandoned || stop.isStopped || Task.isCancelled { return .abandonedForShutdown }
            metrics.recordPollNotRecorded(partner: partnerID)
            return .databaseFailed(error)
        }
    }

    /// How recent another replica's poll must be for this cycle to skip: 80 % of the shortest
    /// jittered interval. Long enough that two replicas never poll one partner twice per interval,
    /// short enough that the replica's own next cycle (at least interval − jitter later) polls, and
    /// that when a replica dies the others take over within 2 × interval (what /readyz allows).
    public static func recentWindow(_ poll: PollConfig) -> Duration {
        (poll.interval - poll.jitter) * 0.8
    }

    private func polledRecently(within window: Duration, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query("""
            SELECT last_poll_at > now() - make_interval(secs => $2) AS recent
            FROM partner_state WHERE partner_id = $1
            """, [.text(partnerID), .double(window.seconds)])
        return try rows.first?.decode(Bool?.self, "recent") ?? false
    }

    private func polled(since time: Date, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query("SELECT last_poll_at > $2 AS since FROM partner_state WHERE partner_id = $1",
                                              [.text(partnerID), .timestamp(time)])
        return try rows.first?.decode(Bool?.self, "since") ?? false
    }

    private func schedule() -> PollSchedule {
        let poll = settings.settings.config.poll
        return PollSchedule(interval: poll.interval, jitter: poll.jitter)
    }

    /// The dedicated session holding the partner's lock, connected (or reconnected) on demand.
    func lockSession() async throws -> PostgresConnection {
        if let existing = lockConnection.value {
            try await existing.ensureConnected()
            return existing
        }
        let connection = try await PostgresConnection.connect(database.configuration, logger: logger)
        lockConnection.value = connection
        return connection
    }

    func dropLockConnection() async {
        let dropped = lockConnection.withLock { connection in
            defer { connection = nil }
            return connection
        }
        await dropped?.close()
    }

    private func logSummary(_ poll: ObservedPoll, outcome: PollRecorder.Outcome, duration: Duration) {
        var metadata: Logger.Metadata = [
            "partner": "\(partnerID)", "pages": "\(poll.pages)", "channels": "\(poll.channelCount)",
            "changed": "\(outcome.changedChannels)", "events": "\(outcome.events.count)",
            "deliveries": "\(outcome.deliveries)", "duration": "\(String(format: "%.3f", duration.seconds))s",
            "complete": "\(outcome.complete)",
        ]
        metadata.merge(outcome.suppression.logMetadata) { _, new in new }
        if let failure = poll.failure {
            metadata["reason"] = "\(failure.message)"
            if let status = failure.httpStatus { metadata["http_status"] = "\(status)" }
            if let trace = failure.traceID { metadata["trace_id"] = "\(trace)" }
            logger.warning("poll", metadata: metadata)
        } else {
            logger.info("poll", metadata: metadata)
        }
        for message in outcome.recipientFallbacks.messages {
            logger.warning("\(message)", metadata: ["partner": "\(partnerID)"])
        }
    }

    private func logDatabaseFailure(_ error: any Error, retryIn delay: Duration) {
        let seconds = Int(delay.seconds.rounded())
        let metadata: Logger.Metadata = ["partner": "\(partnerID)"]
        if let error = error as? PostgresError, error.isConnectionProblem {
            logger.error("database unreachable: \(error.message); poll not recorded, retrying in \(seconds) s",
                         metadata: metadata)
        } else {
            logger.error("recording the poll failed: \(error); nothing recorded, retrying in \(seconds) s",
                         metadata: metadata)
        }
    }
}
