import Primitives
import Alerting
import Foundation
import Logging
import Postgres

/// Runs `deliverDue()` whenever there may be work: on a NOTIFY `channelwatch_deliveries` (heard
/// on a dedicated LISTEN connection, re-LISTENed after every reconnect), on a local wake-up from
/// the poll loop, and at least every ``retryCheckInterval`` for retries that became due.
///
/// On shutdown it claims nothing new; a pass in progress may finish its sends for up to
/// ``shutdownGrace`` before it is cancelled, and the claims it did not finish are handed back.
public struct DeliveryLoop: Sendable {
    /// The NOTIFY channel the recorder signals new deliveries on.
    public static let notificationChannel = "channelwatch_deliveries"

    /// The settings in force (the delivery worker is taken from them at each pass).
    public let settings: WorkerSettingsStore
    /// Where the outbox is.
    public let database: PostgresClient
    /// Where latency metrics go.
    public let metrics: WorkerMetrics
    /// Where problems are reported.
    public let logger: Logger
    /// Rings the loop awake; the poll loop and the listener signal it.
    public let wake: WakeSignal
    /// The longest sleep between passes, so due retries are sent without a wake-up.
    public var retryCheckInterval: Duration = .seconds(2)
    /// How long a pass in progress may keep sending after shutdown began; with
    /// ``releaseTimeout`` well inside the 10 s a shutdown may take.
    public var shutdownGrace: Duration = .seconds(6)
    /// How long shutdown waits for the database to take back unfinished claims.
    public var releaseTimeout: Duration = .milliseconds(1500)
    /// The backoff after database failures.
    public var backoff = Backoff.database

    /// A delivery loop woken by `wake`.
    public init(settings: WorkerSettingsStore, database: PostgresClient, metrics: WorkerMetrics, logger: Logger,
                wake: WakeSignal) {
        self.settings = settings
        self.database = database
        self.metrics = metrics
        self.logger = logger
        self.wake = wake
    }

    /// Delivers until `stop` is stopped; listens for notifications meanwhile.
    public func run(until stop: StopSignal) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await listen(until: stop) }
            group.addTask { await deliver(until: stop) }
            await group.waitForAll()
        }
    }

    private func deliver(until stop: StopSignal) async {
        var failures = 0
        while !stop.isStopped {
            let delay: Duration
            do {
                try await runPass(stop: stop)
                if failures > 0 { logger.info("database reachable again; delivering") }
                failures = 0
                delay = retryCheckInterval
            } catch {
                // A pass cut short by shutdown (its grace ran out) is not a failure to report.
                guard !stop.isStopped else { break }
                failures += 1
                delay = backoff.delay(afterFailures: failures)
                logFailure(error, retryIn: delay)
            }
            guard !stop.isStopped else { break }
            // Either a wake-up or the retry check interval, whichever comes first; a stop also rings.
            _ = await withStopHandler(stop, onStop: { wake.signal() }) { await wake.wait(timeout: delay) }
        }
        // Every pass has ended, so any claim still leased to this worker was cut short.
        await releaseUnfinishedClaims()
    }

    /// Hands back the claims that a pass cut short by shutdown still holds, so another worker
    /// (or this one after a restart) sends them at once instead of after their lease runs out.
    /// Bounded by ``releaseTimeout``: a shutdown never waits long for an unreachable database.
    private func releaseUnfinishedClaims() async {
        let owner = settings.settings.deliveryWorker.outbox.owner
        let database = self.database
        do {
            let released = try await withTimeout(releaseTimeout) {
                try await database.execute("""
                    UPDATE deliveries SET leased_until = NULL
                    WHERE lease_owner = $1 AND status = 'pending' AND leased_until IS NOT NULL
                    """, [.text(owner)])
            }
            if released > 0 {
                logger.info("handed back \(released) delivery claim(s) cut short by shutdown; they are sent again at once")
            }
        } catch {
            let reason = error is ReadinessTimeout ? "the database did not answer within \(releaseTimeout)" : "\(error)"
            logger.warning("""
                could not hand back the delivery claims cut short by shutdown (\(reason)); \
                they are sent again once their lease runs out
                """)
        }
    }

    /// One pass: everything due now, then the latency of what this worker delivered in it.
    public func runPass(stop: StopSignal = StopSignal()) async throws {
        let worker = settings.settings.deliveryWorker
        let passStart = try await database.query("SELECT clock_timestamp() AS now")[0].decode(Date.self, "now")
        // On shutdown the pass claims no further batch, gets `shutdownGrace` to finish the sends
        // it holds, and is then cancelled.
        let pass = Task { try await worker.deliverDue(keepClaiming: { !stop.isStopped }) }
        let grace = shutdownGrace
        let summary = try await withStopHandler(stop, onStop: {
            Task {
                try? await Task.sleep(for: grace)
                pass.cancel()
            }
        }) { await pass.result }.get()
        if summary.delivered > 0 {
            let rows = try await database.query("""
                SELECT extract(epoch FROM delivered_at - created_at)::float8 AS latency,
                       extract(epoch FROM delivered_at - inbound_received_at)::float8 AS inbound
                FROM deliveries
                WHERE status = 'delivered' AND lease_owner = $1 AND delivered_at >= $2
                """, [.text(worker.outbox.owner), .timestamp(passStart)])
            for row in rows {
                metrics.recordDeliveryLatency(seconds: try row.decode(Double.self, "latency"))
                if let inbound = try row.decode(Double?.self, "inbound") { metrics.recordInboundToNotification(seconds: inbound) }
            }
        }
    }

    /// Keeps a dedicated session LISTENing and turns every notification into a wake-up.
    private func listen(until stop: StopSignal) async {
        var connection: PostgresConnection?
        var failures = 0
        while !stop.isStopped {
            do {
                if connection == nil {
                    connection = try await PostgresConnection.connect(database.configuration, logger: logger)
                    try await connection?.listen(Self.notificationChannel)
                    if failures > 0 { logger.info("listening for new deliveries again") }
                    failures = 0
                    // Notifications sent while the session was down are lost: look for work now.
                    wake.signal()
                }
                if try await connection?.nextNotification(timeout: .seconds(1)) != nil {
                    wake.signal()
                }
            } catch {
                await connection?.close()
                connection = nil
                failures += 1
                let delay = backoff.delay(afterFailures: failures)
                logFailure(error, retryIn: delay, while: "listening for new deliveries")
                await stop.sleep(for: delay)
            }
        }
        await connection?.close()
    }

    private func logFailure(_ error: any Error, retryIn delay: Duration, while activity: String = "delivering") {
        let seconds = Int(delay.seconds.rounded())
        if let error = error as? PostgresError, error.isConnectionProblem {
            logger.error("database unreachable: \(error.message); \(activity) paused, retrying in \(seconds) s")
        } else {
            logger.error("\(activity) failed: \(error); retrying in \(seconds) s")
        }
    }
}
