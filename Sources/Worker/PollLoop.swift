import Primitives
import Logging
import Postgres

/// Runs one ``PartnerPollLoop`` per configured partner, starting loops for partners added by a
/// reload and letting loops of removed partners end.
public struct PollLoop: Sendable {
    /// The settings in force.
    public let settings: WorkerSettingsStore
    /// Where polls are recorded.
    public let database: PostgresClient
    /// Fetches the channels.
    public let poller: any PartnerPolling
    /// Where poll metrics go.
    public let metrics: WorkerMetrics
    /// Where the poll summaries go.
    public let logger: Logger
    /// Called when a poll queued deliveries.
    public let wakeDelivery: @Sendable () -> Void
    /// How often the partner list is compared with the configuration.
    public var reconcileInterval: Duration = .seconds(1)
    /// The backoff after database failures.
    public var backoff = Backoff.database
    /// Wakes a partner's loop when the inbound listener stored an event for it.
    public var inboundWakeups = InboundWakeups()

    /// A poll loop over the partners in `settings`.
    public init(settings: WorkerSettingsStore, database: PostgresClient, poller: any PartnerPolling,
                metrics: WorkerMetrics, logger: Logger, wakeDelivery: @escaping @Sendable () -> Void) {
        self.settings = settings
        self.database = database
        self.poller = poller
        self.metrics = metrics
        self.logger = logger
        self.wakeDelivery = wakeDelivery
    }

    /// Polls until `stop` is stopped, then waits for every partner's cycle in progress to finish.
    public func run(until stop: StopSignal) async {
        // A partner's loop ends when the partner leaves the configuration; it then leaves
        // `running`, so a later reload can add it again.
        let running = LockedBox<Set<String>>([])
        await withTaskGroup(of: Void.self) { group in
            while !stop.isStopped {
                for partner in settings.settings.config.partners {
                    guard running.withLock({ $0.insert(partner.id).inserted }) else { continue }
                    let loop = PartnerPollLoop(
                        partnerID: partner.id, settings: settings, database: database, poller: poller,
                        metrics: metrics, logger: logger, backoff: backoff, inboundWakeups: inboundWakeups,
                        wakeDelivery: wakeDelivery)
                    group.addTask {
                        await loop.run(until: stop)
                        running.withLock { _ = $0.remove(partner.id) }
                    }
                }
                await stop.sleep(for: reconcileInterval)
            }
            await group.waitForAll()
        }
    }
}
