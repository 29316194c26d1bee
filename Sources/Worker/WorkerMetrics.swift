import Primitives
import Alerting
import CoreMetrics
import Foundation
import Logging
import Metrics
import Prometheus
import Recording

/// The worker's metrics, recorded through swift-metrics into a Prometheus registry that this
/// value owns, and rendered by ``prometheusText()`` for `GET /metrics`.
///
/// Each instance has its own registry, so tests never share counters. A process that also wants
/// library metrics in the same registry calls ``bootstrapProcessMetrics()`` once instead.
/// Labels hold partner ids, rule and receiver names only: never a key, URL or password.
public final class WorkerMetrics: Sendable {
    /// The registry the metrics are written to.
    public let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    /// Rules that had firing alerts at the last refresh, so a rule whose alerts all resolved drops to 0.
    private let knownFiringRules = LockedBox<Set<String>>([])
    /// (partner, field, value) series set at the last refresh, so a value no channel has any more drops to 0.
    private let knownChannelStates = LockedBox<Set<ChannelStateKey>>([])

    /// Metric names, as scraped.
    public enum Name {
        /// Polls recorded, by `partner` and `outcome` (`complete`, `incomplete`, `not_recorded`).
        public static let polls = "channelwatch_polls_total"
        /// Histogram of poll durations, recording included.
        public static let pollDuration = "channelwatch_poll_duration_seconds"
        /// Channels seen by the last complete poll, by `partner`.
        public static let channels = "channelwatch_channels"
        /// Events recorded, by `rule` and `status`.
        public static let events = "channelwatch_events_total"
        /// Events recorded but not delivered, by `reason` (`silenced`, `inhibited`).
        public static let suppressed = "channelwatch_events_suppressed_total"
        /// Alerts whose firing was held back and that were notified once their silence ended or
        /// their inhibiting alert resolved.
        public static let released = "channelwatch_alerts_released_total"
        /// Open alerts, by `rule` (read from the database).
        public static let alertsFiring = "channelwatch_alerts_firing"
        /// Delivery attempts, by `receiver` and `outcome` (`delivered`, `retry`, `dead`).
        public static let deliveries = "channelwatch_deliveries_total"
        /// Pending deliveries (read from the database).
        public static let queueDepth = "channelwatch_delivery_queue_depth"
        /// Dead deliveries stored (read from the database): `channelwatch deliveries retry --dead`
        /// or the console's retry button sends them again.
        public static let deliveriesDead = "channelwatch_deliveries_dead"
        /// A partner's present channels by `field` (`current_quality_rating`, `current_limit`,
        /// `availability_status`, `status`, `waba_account.status`) and `value` (read from the
        /// database, as recorded by the last poll; `""` when a channel lacks the field).
        public static let channelsByState = "channelwatch_channels_by_state"
        /// Age of the oldest pending delivery, 0 when none.
        public static let oldestPendingAge = "channelwatch_oldest_pending_delivery_age_seconds"
        /// Histogram of creation-to-delivery times of delivered notifications.
        public static let deliveryLatency = "channelwatch_delivery_latency_seconds"

        /// Requests to `webhook_listen`, by `partner`, `event` and `outcome` (`accepted`,
        /// `duplicate`, `unauthorized`, `invalid`, `too_large`, `not_found`, `method_not_allowed`,
        /// `unavailable`); exported once the first request arrives.
        public static let inbound = "channelwatch_inbound_webhooks_total"

        /// Targeted re-reads of channels named by inbound webhooks, by `partner` and `outcome`
        /// (`complete`, `incomplete`); exported once the first one ran.
        public static let inboundRereads = "channelwatch_inbound_rereads_total"

        /// Histogram of the time from an inbound webhook's receipt to the commit of the targeted
        /// re-read it caused (its events and deliveries are queued by then).
        public static let inboundLatency = "channelwatch_inbound_reread_latency_seconds"

        /// Histogram of the time from an inbound webhook's receipt to the successful delivery of
        /// the notification its re-read caused (measured when the receiver accepted it).
        public static let inboundToNotification = "channelwatch_inbound_to_notification_seconds"

        /// Every metric the worker exports from its start.
        public static let all = [polls, pollDuration, channels, events, suppressed, released, alertsFiring, deliveries,
                                 queueDepth, deliveriesDead, oldestPendingAge, deliveryLatency]
    }

    /// Metrics in a fresh registry.
    public convenience init() {
        self.init(registry: PrometheusCollectorRegistry())
    }

    /// Metrics in `registry`.
    public init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            Name.pollDuration: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120].map { Duration.milliseconds(Int64($0 * 1000)) },
            Name.deliveryLatency: [0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 3600, 21_600].map {
                Duration.milliseconds(Int64($0 * 1000))
            },
            Name.inboundLatency: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60].map { Duration.milliseconds(Int64($0 * 1000)) },
            Name.inboundToNotification: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300].map {
                Duration.milliseconds(Int64($0 * 1000))
            },
        ]
        self.factory = factory
        // Unlabelled gauges exist from the start, so a scrape before the first refresh shows them.
        Gauge(label: Name.queueDepth, factory: factory).record(0)
        Gauge(label: Name.deliveriesDead, factory: factory).record(0)
        Gauge(label: Name.oldestPendingAge, factory: factory).record(0)
        recordSuppression(SuppressionCounts())
    }

    private static let processMetrics = LockedBox<WorkerMetrics?>(nil)

    /// The process's metrics: created and bootstrapped into `MetricsSystem` on the first call
    /// (swift-metrics allows one bootstrap per process), the same instance afterwards.
    public static func bootstrapProcessMetrics() -> WorkerMetrics {
        processMetrics.withLock { existing in
            if let existing { return existing }
            let metrics = WorkerMetrics()
            MetricsSystem.bootstrap(metrics.factory)
            existing = metrics
            return metrics
        }
    }

    /// Counts a recorded poll and its events, sets the partner's channel count, times it.
    public func recordPoll(partner: String, complete: Bool, channels: Int, duration: Duration, events: [AlertEvent]) {
        Counter(label: Name.polls, dimensions: [("partner", partner), ("outcome", complete ? "complete" : "incomplete")],
                factory: factory).increment()
        Metrics.Timer(label: Name.pollDuration, factory: factory).recordInterval(duration)
        if complete {
            Gauge(label: Name.channels, dimensions: [("partner", partner)], factory: factory).record(channels)
        }
        for event in events {
            Counter(label: Name.events, dimensions: [("rule", event.rule), ("status", event.status.rawValue)], factory: factory)
                .increment()
        }
    }

    /// Counts the events a recording held back and the held-back alerts it notified.
    public func recordSuppression(_ counts: SuppressionCounts) {
        Counter(label: Name.suppressed, dimensions: [("reason", "silenced")], factory: factory).increment(by: counts.silenced)
        Counter(label: Name.suppressed, dimensions: [("reason", "inhibited")], factory: factory).increment(by: counts.inhibited)
        Counter(label: Name.released, factory: factory).increment(by: counts.released)
    }

    /// Counts one request to the inbound listener. Event names come from authenticated partners
    /// only, and one that is not a plain name (`[a-z0-9_]`, at most 64 characters) counts as `other`.
    public func recordInbound(partner: String, event: String, outcome: String) {
        let plain = event.count <= 64 && event.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
        Counter(label: Name.inbound, dimensions: [("partner", partner), ("event", plain ? event : "other"),
                                                  ("outcome", outcome)], factory: factory).increment()
    }

    /// Records how long an inbound webhook waited from its receipt to its re-read's commit.
    public func recordInboundLatency(seconds: Double) {
        Metrics.Timer(label: Name.inboundLatency, factory: factory).recordNanoseconds(Int64(max(0, seconds) * 1e9))
    }

    /// Records how long a notification caused by an inbound webhook took from the webhook's receipt to its delivery.
    public func recordInboundToNotification(seconds: Double) {
        Metrics.Timer(label: Name.inboundToNotification, factory: factory).recordNanoseconds(Int64(max(0, seconds) * 1e9))
    }

    /// Counts one targeted re-read.
    public func recordInboundReread(partner: String, complete: Bool) {
        Counter(label: Name.inboundRereads, dimensions: [("partner", partner), ("outcome", complete ? "complete" : "incomplete")],
                factory: factory).increment()
    }

    /// Counts a poll that could not be recorded because the database failed.
    public func recordPollNotRecorded(partner: String) {
        Counter(label: Name.polls, dimensions: [("partner", partner), ("outcome", "not_recorded")], factory: factory)
            .increment()
    }

    /// Counts one delivery attempt by receiver and outcome (`delivered`, `retry`, `dead`).
    public func recordDeliveryAttempt(receiver: String, outcome: DeliveryOutcome) {
        let label = switch outcome {
        case .delivered: "delivered"
        case .retry: "retry"
        case .dead: "dead"
        }
        Counter(label: Name.deliveries, dimensions: [("receiver", receiver), ("outcome", label)], factory: factory)
            .increment()
    }

    /// Records how long a delivered notification waited from creation to delivery.
    public func recordDeliveryLatency(seconds: Double) {
        Metrics.Timer(label: Name.deliveryLatency, factory: factory)
            .recordNanoseconds(Int64(max(0, seconds) * 1e9))
    }

    /// Sets the outbox gauges: pending deliveries and the age of the oldest one (0 when none).
    public func setDeliveryQueue(depth: Int, oldestPendingAgeSeconds: Double) {
        Gauge(label: Name.queueDepth, factory: factory).record(depth)
        Gauge(label: Name.oldestPendingAge, factory: factory).record(oldestPendingAgeSeconds)
    }

    /// Sets the dead-deliveries gauge.
    public func setDeliveriesDead(_ count: Int) {
        Gauge(label: Name.deliveriesDead, factory: factory).record(count)
    }

    /// One series of ``Name/channelsByState``.
    public struct ChannelStateKey: Hashable, Sendable {
        public var partner: String
        public var field: String
        public var value: String

        public init(partner: String, field: String, value: String) {
            self.partner = partner
            self.field = field
            self.value = value
        }
    }

    /// Sets the portfolio gauges; series absent from `counts` that were set before drop to 0.
    public func setChannelsByState(_ counts: [ChannelStateKey: Int]) {
        let previous = knownChannelStates.withLock { known in
            defer { known.formUnion(counts.keys) }
            return known
        }
        for key in previous.union(counts.keys) {
            Gauge(label: Name.channelsByState, dimensions: [("partner", key.partner), ("field", key.field), ("value", key.value)],
                  factory: factory).record(counts[key] ?? 0)
        }
    }

    /// Sets the firing-alert gauge per rule; rules absent from `counts` that were firing before drop to 0.
    public func setAlertsFiring(_ counts: [String: Int]) {
        let previous = knownFiringRules.withLock { known in
            defer { known.formUnion(counts.keys) }
            return known
        }
        for rule in previous.union(counts.keys) {
            Gauge(label: Name.alertsFiring, dimensions: [("rule", rule)], factory: factory).record(counts[rule] ?? 0)
        }
    }

    /// The registry in the Prometheus text exposition format (version 0.0.4).
    public func prometheusText() -> String {
        registry.emitToString()
    }
}

extension Metrics.Timer {
    /// Records a Swift `Duration`.
    func recordInterval(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

extension SuppressionCounts {
    /// `silenced`, `inhibited`, `released` for a poll's log line, only those that are not zero.
    var logMetadata: Logger.Metadata {
        var metadata: Logger.Metadata = [:]
        if silenced > 0 { metadata["silenced"] = "\(silenced)" }
        if inhibited > 0 { metadata["inhibited"] = "\(inhibited)" }
        if released > 0 { metadata["released"] = "\(released)" }
        return metadata
    }
}
