import Primitives
import Alerting
import Outbox
import Recording
import Config
import Logging
import Postgres
import Rules

/// Everything the loops read at the start of each cycle; ``WorkerService/reload(config:rules:)``
/// replaces it whole, so a cycle never sees new rules with old routes.
public struct WorkerSettings: Sendable {
    /// The configuration in force.
    public var config: ChannelWatchConfig
    /// Records polls with the rules and routes in force.
    public var recorder: PollRecorder
    /// Delivers with the receivers in force.
    public var deliveryWorker: DeliveryWorker

    /// Settings from already-built parts.
    public init(config: ChannelWatchConfig, recorder: PollRecorder, deliveryWorker: DeliveryWorker) {
        self.config = config
        self.recorder = recorder
        self.deliveryWorker = deliveryWorker
    }

    /// Builds the recorder and delivery worker for `config` and `rules` on `database`; the
    /// receivers are wrapped so every attempt is counted in `metrics`.
    public init(config: ChannelWatchConfig, rules: LoadedRules, receivers: [any Receiver], database: PostgresClient,
                outboxOwner: String = Outbox.defaultOwner, metrics: WorkerMetrics, logger: Logger) {
        let router = Router(routes: config.routes, receivers: config.receivers)
        let recorder = PollRecorder(database: database, engine: RuleEngine(rules: rules.ruleSet), router: router,
                                    rulesFingerprint: rules.fingerprint, inhibitRules: config.inhibitRules)
        let metered = receivers.map { MeteredReceiver($0, metrics: metrics) as any Receiver }
        var deliveryWorker = DeliveryWorker(outbox: Outbox(database: database, owner: outboxOwner), receivers: metered,
                                            router: router, maxAge: config.maxDeliveryAge, logger: logger)
        deliveryWorker.remindersWithheld = ReminderSuppression.withheld(inhibitRules: config.inhibitRules)
        deliveryWorker.receiverConcurrency = config.receivers.reduce(into: [:]) { limits, receiver in
            limits[receiver.name] = receiver.concurrency
        }
        self.init(config: config, recorder: recorder, deliveryWorker: deliveryWorker)
    }

    /// The partner with `id` in the configuration in force, if it is still there.
    public func partner(_ id: String) -> PartnerConfig? {
        config.partners.first { $0.id == id }
    }
}

/// The settings in force, swapped atomically on reload.
public final class WorkerSettingsStore: Sendable {
    private let current: LockedBox<WorkerSettings>

    /// A store holding `settings`.
    public init(_ settings: WorkerSettings) {
        current = LockedBox(settings)
    }

    /// The settings in force now.
    public var settings: WorkerSettings { current.value }

    /// Replaces the settings; cycles already running finish with the old ones.
    public func replace(with settings: WorkerSettings) {
        current.value = settings
    }
}
