import Alerting
import Foundation

/// The `console` receiver: one line per event on standard output. Always succeeds.
public struct ConsoleReceiver: Receiver {
    /// The receiver's configured name.
    public let name: String
    private let write: @Sendable (String) -> Void

    /// Prints to standard output unless another sink is given (tests capture lines).
    public init(name: String, write: @escaping @Sendable (String) -> Void = { print($0) }) {
        self.name = name
        self.write = write
    }

    /// Prints one line per event, then "… and N more" when the group had more.
    public func deliver(_ notification: NotificationPayload, kind: DeliveryKind) async -> DeliveryOutcome {
        for event in notification.events {
            write(Self.line(for: event, kind: kind))
        }
        if notification.truncatedEvents > 0 {
            write("… and \(notification.truncatedEvents) more (\(notification.groupKey))")
        }
        return .delivered
    }

    /// `[CRITICAL] firing quality_low +49 30 1234 (Acme Berlin) High → Low: Quality rating is Low`.
    public static func line(for event: AlertEvent, kind: DeliveryKind) -> String {
        var parts = ["[\(event.severity.rawValue.uppercased())]", kind == .reminder ? "reminder" : event.status.rawValue, event.rule]
        if kind == .test { parts.insert("[TEST]", at: 0) }
        if !event.channel.id.isEmpty {
            parts.append(event.channel.phoneNumber ?? event.channel.id)
            if let name = event.channel.phoneName { parts.append("(\(name))") }
        } else {
            parts.append("partner \(event.partnerID)")
        }
        if event.from != nil || event.to != nil {
            parts.append("\(event.from ?? "∅") → \(event.to ?? "∅")")
        }
        return parts.joined(separator: " ") + ": " + event.summary
    }
}
