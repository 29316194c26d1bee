import Alerting
import Console
import Outbox
import Recording
import Config
import Foundation
import Logging
import Postgres
import ServiceLifecycle

/// The long-running worker as a swift-service-lifecycle `Service`: the poll loop, the delivery
/// loop with its LISTEN connection, the database gauges, the health server when `listen` is
/// set, and the partner webhook listener when `webhook_listen` is.
///
/// Graceful shutdown (SIGTERM/SIGINT through a `ServiceGroup`, or task cancellation): no new
/// poll starts and a poll in flight is abandoned unrecorded, but a recording transaction that
/// has started runs to its end; no new deliveries are claimed; ``run()`` returns within
/// seconds. ``reload(config:rules:)`` swaps configuration and rules atomically.
public final class WorkerService: Service, Sendable {
    /// The settings in force.
    public let settings: WorkerSettingsStore
    /// The metrics served on `/metrics`.
    public let metrics: WorkerMetrics
    /// The health server, when `listen` is set.
    public let healthServer: HealthServer?
    /// The partner webhook listener, when `webhook_listen` is set.
    public let inboundListener: InboundListener?
    /// How the listener wakes a partner's poll loop for the events it stored.
    private let inboundWakeups = InboundWakeups()
    private let database: PostgresClient
    private let poller: any PartnerPolling
    private let makeReceivers: @Sendable (ChannelWatchConfig) throws -> [any Receiver]
    private let outboxOwner: String
    private let logger: Logger
    private let wake = WakeSignal()
    private let stop = StopSignal()
    /// How often the database gauges are refreshed.
    private let gaugeInterval: Duration

    /// A worker for `config` and `rules`. `makeReceivers` builds the receivers of a configuration
    /// (the Notifiers module); it is called again on reload. Throws when `listen` is malformed.
    public init(config: ChannelWatchConfig, rules: LoadedRules, database: PostgresClient, poller: any PartnerPolling,
                makeReceivers: @escaping @Sendable (ChannelWatchConfig) throws -> [any Receiver],
                metrics: WorkerMetrics, logger: Logger, outboxOwner: String = Outbox.defaultOwner,
                gaugeInterval: Duration = .seconds(5)) throws {
        self.database = database
        self.poller = poller
        self.makeReceivers = makeReceivers
        self.metrics = metrics
        self.logger = logger
        self.outboxOwner = outboxOwner
        self.gaugeInterval = gaugeInterval
        settings = WorkerSettingsStore(WorkerSettings(
            config: config, rules: rules, receivers: try makeReceivers(config), database: database,
            outboxOwner: outboxOwner, metrics: metrics, logger: logger))
        if let listen = config.listen {
            let readiness = ReadinessCheck(database: database, settings: settings)
            let settings = self.settings
            let console = ConsoleApp(database: database, logger: logger) {
                let current = settings.settings
                return ConsoleContext(config: current.config, rules: current.recorder.engine.rules)
            }
            healthServer = try HealthServer(address: try ListenAddress(parsing: listen), readiness: readiness,
                                            metrics: metrics, console: console, logger: logger)
        } else {
            healthServer = nil
        }
        let settings = self.settings, wakeups = self.inboundWakeups
        inboundListener = try config.webhookListen.map {
            InboundListener(address: try ListenAddress(parsing: $0), settings: settings, database: database,
                            metrics: metrics, logger: logger, stored: { wakeups.wake($0) })
        }
    }

    /// Runs every loop until graceful shutdown or cancellation; throws only when the health
    /// server cannot bind its address.
    public func run() async throws {
        let stop = self.stop
        // Bound before anything runs: a taken port stops the worker at once, with the address.
        let inboundServer = try inboundListener?.start()
        defer { inboundServer?.stop() }
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                var partnerLoops = PollLoop(settings: settings, database: database, poller: poller, metrics: metrics,
                                            logger: logger, wakeDelivery: { [wake] in wake.signal() })
                partnerLoops.inboundWakeups = inboundWakeups
                let pollLoop = partnerLoops
                let deliveryLoop = DeliveryLoop(settings: settings, database: database, metrics: metrics,
                                                logger: logger, wake: wake)
                group.addTask { await pollLoop.run(until: stop) }
                group.addTask { await deliveryLoop.run(until: stop) }
                group.addTask { [self] in await refreshGauges(until: stop) }
                if let healthServer {
                    group.addTask {
                        try await withStopHandler(stop, onStop: { Task { await healthServer.stop() } }) {
                            do {
                                try await healthServer.run()
                                return Result<Void, any Error>.success(())
                            } catch {
                                return Result<Void, any Error>.failure(error)
                            }
                        }.get()
                    }
                }
                do {
                    // Not `waitForAll()`: it rethrows a child's error only once every child has
                    // ended, and the loops never end by themselves, so a health server that
                    // cannot bind would go unnoticed while the worker ran on without it.
                    while try await group.next() != nil {}
                } catch {
                    logger.error("worker stopping: \(error)")
                    stop.stop()
                    try? await group.waitForAll()
                    throw error
                }
            }
        } onCancelOrGracefulShutdown: { [logger] in
            logger.notice("shutting down: a poll being recorded finishes, sends in progress get a grace period, nothing new is claimed")
            stop.stop()
        }
        logger.info("worker stopped")
    }

    /// Begins a graceful shutdown without a `ServiceGroup` (tests, embedding).
    public func shutDown() {
        stop.stop()
    }

    /// Replaces configuration and rules at once; cycles already running finish with the old
    /// ones. Throws (and keeps the old ones) when the new receivers cannot be built.
    public func reload(config: ChannelWatchConfig, rules: LoadedRules) throws {
        let next = WorkerSettings(config: config, rules: rules, receivers: try makeReceivers(config), database: database,
                                  outboxOwner: outboxOwner, metrics: metrics, logger: logger)
        settings.replace(with: next)
        logger.info("configuration and rules reloaded", metadata: [
            "partners": "\(config.partners.count)", "rules": "\(rules.ruleSet.rules.count)",
        ])
        // New routes or receivers may make queued work deliverable.
        wake.signal()
    }

    private func refreshGauges(until stop: StopSignal) async {
        let gauges = DatabaseGauges(database: database, metrics: metrics)
        while !stop.isStopped {
            do {
                try await gauges.refresh()
            } catch {
                // The poll and delivery loops already report the outage; stay quiet here.
                logger.debug("refreshing database gauges failed: \(error)")
            }
            await stop.sleep(for: gaugeInterval)
        }
    }
}
