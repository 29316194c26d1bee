import Alerting
import Foundation

/// A Microsoft Teams message with one Adaptive Card: a title by severity, one block and fact set
/// per event, and "…and N more" when the next event would pass Teams' ~28 KB message limit.
public struct TeamsMessage: Sendable {
    /// Teams refuses messages over about 28 KB; the card is kept under this many bytes of JSON.
    public static let byteLimit = 27 * 1024

    /// The encoded message.
    public let body: Data
    /// Events shown; the rest are counted.
    public let listedEvents: Int

    public init(_ notification: NotificationPayload, kind: DeliveryKind) throws {
        let total = notification.events.count + notification.truncatedEvents
        let title = Self.title(notification, kind: kind)
        var blocks: [[String: Any]] = []
        var listed = 0
        var encoded = try Self.encode(title: title, blocks: [], more: total)
        for event in notification.events {
            let candidate = blocks + Self.blocks(for: event, kind: kind)
            let remaining = total - listed - 1
            let attempt = try Self.encode(title: title, blocks: candidate, more: remaining)
            if attempt.count > Self.byteLimit { break }
            blocks = candidate
            listed += 1
            encoded = attempt
        }
        if listed == 0 { encoded = try Self.encode(title: title, blocks: [], more: total) }
        body = encoded
        listedEvents = listed
    }

    /// `[CRITICAL] 3 events: quality_low` — the worst severity, the count and the rules.
    static func title(_ notification: NotificationPayload, kind: DeliveryKind) -> String {
        let events = notification.events
        let count = events.count + notification.truncatedEvents
        let worst = events.map(\.severity).min { Self.rank($0.rawValue) < Self.rank($1.rawValue) }?.rawValue ?? "info"
        let rules = Array(Set(events.map(\.rule))).sorted().joined(separator: ", ")
        let prefix = kind == .test ? "[TEST] " : kind == .reminder ? "[REMINDER] " : ""
        return "\(prefix)[\(worst.uppercased())] \(count == 1 ? (events.first?.summary ?? rules) : "\(count) events: \(rules)")"
    }

    static func rank(_ severity: String) -> Int { ["critical": 0, "warning": 1, "info": 2][severity] ?? 3 }

    /// Teams' text colours: `attention` (red) for critical, `warning` (amber), `good` when resolved.
    static func color(_ event: AlertEvent) -> String {
        if event.status == .resolved { return "good" }
        switch event.severity.rawValue {
        case "critical": return "attention"
        case "warning": return "warning"
        default: return "default"
        }
    }

    static func blocks(for event: AlertEvent, kind: DeliveryKind) -> [[String: Any]] {
        let facts = EventFacts(event, kind: kind)
        return [
            ["type": "TextBlock", "text": "\(facts.status) \(facts.rule): \(facts.summary)", "wrap": true, "weight": "bolder",
             "color": color(event), "separator": true],
            ["type": "FactSet", "facts": facts.facts.map { ["title": $0.label, "value": $0.value] }],
        ]
    }

    static func encode(title: String, blocks: [[String: Any]], more: Int) throws -> Data {
        var body: [[String: Any]] = [["type": "TextBlock", "text": title, "size": "medium", "weight": "bolder", "wrap": true]]
        body += blocks
        let shown = blocks.count / 2
        if more > 0, shown > 0 || blocks.isEmpty {
            body.append(["type": "TextBlock", "text": "…and \(more) more (channelwatch events lists them all)", "isSubtle": true,
                         "wrap": true])
        }
        let card: [String: Any] = [
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard", "version": "1.4",
            "msteams": ["width": "Full"], "body": body,
        ]
        let message: [String: Any] = [
            "type": "message",
            "attachments": [["contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": NSNull(), "content": card]],
        ]
        return try JSONSerialization.data(withJSONObject: message, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
