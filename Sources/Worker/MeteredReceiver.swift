import Alerting

/// Wraps a receiver to count each attempt's outcome in `channelwatch_deliveries_total`.
struct MeteredReceiver: Receiver {
    let wrapped: any Receiver
    let metrics: WorkerMetrics

    init(_ wrapped: any Receiver, metrics: WorkerMetrics) {
        self.wrapped = wrapped
        self.metrics = metrics
    }

    var name: String { wrapped.name }

    func deliver(_ notification: NotificationPayload, kind: DeliveryKind) async -> DeliveryOutcome {
        let outcome = await wrapped.deliver(notification, kind: kind)
        metrics.recordDeliveryAttempt(receiver: name, outcome: outcome)
        return outcome
    }

    func deliver(encoded notification: EncodedNotification, kind: DeliveryKind) async -> DeliveryOutcome {
        let outcome = await wrapped.deliver(encoded: notification, kind: kind)
        metrics.recordDeliveryAttempt(receiver: name, outcome: outcome)
        return outcome
    }
}
