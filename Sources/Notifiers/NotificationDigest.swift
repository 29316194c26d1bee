import Alerting
import Foundation

/// What every rendering (Slack, email) says about a notification as a whole: the marker for
/// tests, reminders and resolutions, the highest severity, a headline and the event count.
///
/// Pure: computed from the payload and the delivery kind only, so it is tested without I/O.
public struct NotificationDigest: Sendable, Equatable {
    /// `TEST`, `REMINDER`, `RESOLVED` or `nil` for an ordinary firing/changed notification.
    public var marker: String?
    /// The highest severity among the listed events, upper-cased (`CRITICAL`, `WARNING`, `INFO`).
    public var severity: String
    /// One line: the single event's summary, or the rule and how many events there are.
    public var headline: String
    /// Events in the group, listed or not.
    public var totalEvents: Int

    /// Summarises `notification` as a delivery of `kind`.
    public init(_ notification: NotificationPayload, kind: DeliveryKind) {
        let events = notification.events
        totalEvents = events.count + notification.truncatedEvents
        switch kind {
        case .test: marker = "TEST"
        case .reminder: marker = "REMINDER"
        case .notification:
            marker = !events.isEmpty && events.allSatisfy { $0.status == .resolved } ? "RESOLVED" : nil
        }
        severity = (events.map(\.severity).max() ?? .info).rawValue.uppercased()
        let rules = Set(events.map(\.rule))
        if totalEvents == 1, let only = events.first {
            headline = only.summary
        } else if rules.count == 1, let rule = rules.first {
            headline = "\(rule): \(totalEvents) events"
        } else {
            headline = "\(totalEvents) events (\(notification.groupKey))"
        }
    }

    /// `[TEST] [INFO] headline`, the plain-text title used for email subjects and Slack's fallback.
    public var title: String {
        (marker.map { "[\($0)] " } ?? "") + "[\(severity)] " + headline
    }

    /// "… and 3 more" for events not shown, or `nil` when every event was shown.
    public static func moreLine(hidden: Int) -> String? {
        hidden > 0 ? "… and \(hidden) more" : nil
    }
}
