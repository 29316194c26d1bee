import Alerting
import Foundation

/// Renders a notification as the subject, plain text and HTML of an email.
///
/// Pure. Every event listed in the payload is shown (at most ``NotificationPayload/maximumEvents``),
/// then "… and N more" for the rest.
public enum EmailBody {
    /// The subject: `[TEST] [INFO] headline`, markers as in ``NotificationDigest``.
    public static func subject(_ notification: NotificationPayload, kind: DeliveryKind) -> String {
        let title = NotificationDigest(notification, kind: kind).title
        // Mail clients show about this much; the rest is in the body.
        return title.count > 200 ? String(title.prefix(199)) + "…" : title
    }

    /// The plain-text part.
    public static func text(_ notification: NotificationPayload, kind: DeliveryKind) -> String {
        let digest = NotificationDigest(notification, kind: kind)
        var lines = [digest.title, ""]
        if let lead = lead(kind: kind, digest: digest) { lines += [lead, ""] }
        for event in notification.events.map({ EventFacts($0, kind: kind) }) {
            lines.append("\(event.severity.uppercased()) · \(event.status) · \(event.rule)")
            lines.append(event.summary)
            lines += event.facts.map { "\($0.label): \($0.value)" }
            if !event.description.isEmpty { lines.append(event.description) }
            lines.append("")
        }
        if let more = NotificationDigest.moreLine(hidden: notification.truncatedEvents) { lines += [more, ""] }
        lines += ["-- ", footer(notification)]
        return lines.joined(separator: "\n")
    }

    /// The HTML part; every value from the payload is escaped.
    public static func html(_ notification: NotificationPayload, kind: DeliveryKind) -> String {
        let digest = NotificationDigest(notification, kind: kind)
        var html = [
            "<!DOCTYPE html>",
            "<html><head><meta charset=\"utf-8\"><title>\(escape(digest.title))</title></head>",
            "<body style=\"font-family: sans-serif\">",
            "<h2>\(escape(digest.title))</h2>",
        ]
        if let lead = lead(kind: kind, digest: digest) { html.append("<p><strong>\(escape(lead))</strong></p>") }
        for event in notification.events.map({ EventFacts($0, kind: kind) }) {
            html.append("<h3>\(escape(event.summary))</h3>")
            html.append("<p>\(escape(event.severity.uppercased())) · \(escape(event.status)) · \(escape(event.rule))</p>")
            html.append("<table>")
            html += event.facts.map { "<tr><th align=\"left\">\(escape($0.label))</th><td>\(escape($0.value))</td></tr>" }
            html.append("</table>")
            if !event.description.isEmpty {
                html.append("<p>\(escape(event.description).replacingOccurrences(of: "\n", with: "<br>\n"))</p>")
            }
        }
        if let more = NotificationDigest.moreLine(hidden: notification.truncatedEvents) {
            html.append("<p><em>\(escape(more))</em></p>")
        }
        html += ["<hr>", "<p><small>\(escape(footer(notification)))</small></p>", "</body></html>"]
        return html.joined(separator: "\n")
    }

    /// Escapes the five characters that are markup in HTML text and attribute values.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// Says in words what the subject's marker says, for tests and reminders.
    private static func lead(kind: DeliveryKind, digest: NotificationDigest) -> String? {
        switch kind {
        case .test: "This is a test notification sent by `channelwatch notify-test`. No action is needed."
        case .reminder: "Reminder: these alerts are still firing."
        case .notification: digest.marker == "RESOLVED" ? "Resolved: the condition no longer holds." : nil
        }
    }

    private static func footer(_ notification: NotificationPayload) -> String {
        "ChannelWatch · group \(notification.groupKey) · delivery \(notification.deliveryID.uuidString.lowercased())"
    }
}
