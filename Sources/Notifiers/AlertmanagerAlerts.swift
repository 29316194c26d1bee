import Alerting
import Foundation

/// The body of `POST /api/v2/alerts` for one notification: one Alertmanager alert per event.
///
/// Labels are the event's labels plus `alertname` (the rule), so Alertmanager's routes, silences
/// and inhibitions see what ChannelWatch's do. A firing alert is held open for
/// ``firingHold`` from the moment it is sent (Alertmanager would resolve an alert that is not
/// re-sent after its `resolve_timeout`), so each reminder extends it; the resolve ends it, and a
/// change event ends an hour after it began.
public struct AlertmanagerAlerts: Sendable {
    /// How long a firing alert stays open in Alertmanager without a resolve or a reminder.
    public static let firingHold: TimeInterval = 7 * 86_400
    /// How long a change event stays open in Alertmanager.
    public static let changeHold: TimeInterval = 3600

    public struct Alert: Encodable, Sendable, Equatable {
        public var labels: [String: String]
        public var annotations: [String: String]
        public var startsAt: String
        public var endsAt: String
        public var generatorURL: String?
    }

    public let alerts: [Alert]

    public init(_ notification: NotificationPayload, consoleURL: String?, sentAt: Date = Date()) {
        let format = ISO8601DateFormatter()
        alerts = notification.events.map { event in
            var labels = event.labels.filter { !$0.value.isEmpty }
            labels["alertname"] = event.rule
            var annotations = ["summary": event.summary]
            if !event.description.isEmpty { annotations["description"] = event.description }
            if let phone = event.channel.phoneNumber { annotations["phone_number"] = phone }
            let start = event.observedAt
            let end = switch event.status {
            case .firing: max(start, sentAt).addingTimeInterval(Self.firingHold)
            case .changed, .received: start.addingTimeInterval(Self.changeHold)
            case .resolved: start
            }
            let generator = consoleURL.map { base in
                let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
                return event.channel.id.isEmpty ? "\(trimmed)/alerts?partner=\(event.partnerID)"
                    : "\(trimmed)/alerts?channel=\(event.channel.id)"
            }
            return Alert(labels: labels, annotations: annotations, startsAt: format.string(from: start),
                         endsAt: format.string(from: end), generatorURL: generator)
        }
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(alerts)
    }
}
