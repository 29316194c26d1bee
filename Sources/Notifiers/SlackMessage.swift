import Alerting
import Foundation

/// The JSON body posted to a Slack incoming webhook: a `text` fallback (used in notifications
/// and by clients without Block Kit) plus `blocks`, within Slack's limits.
///
/// Layout: a header (marker, severity, headline), a context line saying what kind of message
/// this is, one section per event, and "… and N more" when not every event fits.
public struct SlackMessage: Sendable, Equatable, Encodable {
    /// Slack rejects messages with more blocks than this (`invalid_blocks`).
    public static let maximumBlocks = 50
    /// Slack's limit for a section's text.
    public static let maximumSectionLength = 3000
    /// Slack's limit for a header's text.
    public static let maximumHeaderLength = 150
    /// The fallback `text` is kept short: it is what a phone notification shows.
    public static let maximumFallbackLength = 500
    /// Long summaries and fact values are cut so one event cannot crowd out its description.
    static let maximumFieldLength = 300

    /// The fallback text (`mrkdwn`).
    public var text: String
    /// The Block Kit blocks.
    public var blocks: [SlackBlock]

    /// Renders `notification`, sent as a delivery of `kind`.
    public init(_ notification: NotificationPayload, kind: DeliveryKind) {
        let digest = NotificationDigest(notification, kind: kind)
        // A header is one line of plain text; a multi-line summary would be rejected or garbled.
        let title = digest.title.split(whereSeparator: \.isNewline).joined(separator: " ")
        let header = SlackText.clip(Self.emoji(for: digest) + " " + title, to: Self.maximumHeaderLength, isEscaped: false)
        var blocks: [SlackBlock] = [.header(header), .context(Self.contextLine(notification, kind: kind, digest: digest))]

        let events = notification.events
        // Reserve a block for "… and N more" only when something will be left out.
        let fitsAll = blocks.count + events.count <= Self.maximumBlocks && notification.truncatedEvents == 0
        let room = Self.maximumBlocks - blocks.count - (fitsAll ? 0 : 1)
        let shown = events.prefix(room)
        blocks += shown.map { .section(Self.section(for: EventFacts($0, kind: kind))) }
        let hidden = events.count - shown.count + notification.truncatedEvents
        if let more = NotificationDigest.moreLine(hidden: hidden) {
            blocks.append(.context("*\(more)* (\(SlackText.escape(notification.groupKey)))"))
        }
        self.blocks = blocks

        var fallback = SlackText.escape(digest.title)
        if digest.totalEvents > 1 { fallback += " (\(digest.totalEvents) events)" }
        text = SlackText.clip(fallback, to: Self.maximumFallbackLength)
    }

    /// The request body.
    public func encoded() throws -> Data {
        try AlertEvent.encoder.encode(self)
    }

    /// The header's leading emoji: the marker's when there is one, else the severity's colour.
    static func emoji(for digest: NotificationDigest) -> String {
        switch digest.marker {
        case "TEST": "🧪"
        case "REMINDER": "🔁"
        case "RESOLVED": "✅"
        default:
            switch digest.severity {
            case "CRITICAL": "🔴"
            case "WARNING": "🟠"
            default: "🔵"
            }
        }
    }

    /// What kind of message this is, and which group: tests and reminders say so in words too.
    static func contextLine(_ notification: NotificationPayload, kind: DeliveryKind, digest: NotificationDigest) -> String {
        let lead: String
        switch kind {
        case .test: lead = "*Test notification* sent by `channelwatch notify-test`: no action needed."
        case .reminder: lead = "*Reminder*: still firing."
        case .notification: lead = digest.marker == "RESOLVED" ? "*Resolved*." : "ChannelWatch alert."
        }
        let group = "Group `\(SlackText.escape(notification.groupKey))` · \(digest.totalEvents) event\(digest.totalEvents == 1 ? "" : "s")"
        return SlackText.clip(lead + " " + group, to: Self.maximumSectionLength)
    }

    /// One event: summary and status, the facts, then the description.
    static func section(for event: EventFacts) -> String {
        func field(_ text: String) -> String {
            SlackText.escape(SlackText.clip(text, to: maximumFieldLength, isEscaped: false))
        }
        let statusMark = event.status == "resolved" ? "✅ " : ""
        var lines = ["\(statusMark)*\(field(event.summary))*  `\(event.status)` · \(event.severity) · \(field(event.rule))"]
        for fact in event.facts {
            if fact.label == "When" {
                lines.append("*When:* \(slackDate(event.observedAt, fallback: fact.value))")
            } else {
                lines.append("*\(fact.label):* \(field(fact.value))")
            }
        }
        if !event.description.isEmpty {
            lines.append(SlackText.escape(event.description))
        }
        return SlackText.clip(lines.joined(separator: "\n"), to: maximumSectionLength)
    }

    /// Slack's date token: shown in each reader's own time zone, `fallback` where unsupported.
    static func slackDate(_ date: Date, fallback: String) -> String {
        "<!date^\(Int(date.timeIntervalSince1970))^{date_short_pretty} {time_secs}|\(SlackText.escape(fallback))>"
    }
}
