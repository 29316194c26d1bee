import Alerting
import Foundation

/// One PagerDuty Events API v2 event, built from one ChannelWatch event.
///
/// A firing or resolved event carries the alert's stable key as `dedup_key`
/// (`channelwatch/PARTNER/CHANNEL/RULE`), so the resolve closes the incident the trigger opened
/// and a retried trigger is merged into it. A change event has no alert to close: its key adds
/// the event's id, so each change is an incident of its own.
public struct PagerDutyEvent: Encodable, Sendable, Equatable {
    public struct Payload: Encodable, Sendable, Equatable {
        public var summary: String
        public var source: String
        public var severity: String
        public var timestamp: String
        public var component: String?
        public var group: String?
        public var `class`: String
        public var customDetails: [String: String]

        enum CodingKeys: String, CodingKey {
            case summary, source, severity, timestamp, component, group, `class`
            case customDetails = "custom_details"
        }
    }

    public struct Link: Encodable, Sendable, Equatable {
        public var href: String
        public var text: String
    }

    public var routingKey: String
    public var eventAction: String
    public var dedupKey: String
    public var payload: Payload?
    public var client: String
    public var links: [Link]?

    enum CodingKeys: String, CodingKey {
        case routingKey = "routing_key", eventAction = "event_action", dedupKey = "dedup_key", payload, client, links
    }

    /// PagerDuty's limit on `payload.summary`.
    public static let summaryLimit = 1024

    /// The PagerDuty event for `event`: `trigger` for firing and changed, `resolve` for resolved.
    public init(_ event: AlertEvent, kind: DeliveryKind, routingKey: String, consoleURL: String?) {
        self.routingKey = routingKey
        eventAction = event.status == .resolved ? "resolve" : "trigger"
        dedupKey = Self.dedupKey(event)
        client = "ChannelWatch"
        let facts = EventFacts(event, kind: kind)
        var details: [String: String] = ["rule": event.rule, "status": facts.status, "partner_id": event.partnerID]
        for fact in facts.facts { details[fact.label.lowercased()] = fact.value }
        if !event.description.isEmpty { details["description"] = event.description }
        let channel = event.channel
        // PagerDuty ignores the payload of a resolve; it is sent anyway for the event log.
        payload = Payload(
            summary: Self.clip(event.summary, to: Self.summaryLimit),
            source: channel.phoneNumber ?? (channel.id.isEmpty ? "partner \(event.partnerID)" : channel.id),
            severity: event.severity.rawValue,
            timestamp: ISO8601DateFormatter().string(from: event.observedAt),
            component: channel.id.isEmpty ? nil : channel.id, group: channel.wabaID, class: event.rule,
            customDetails: details)
        links = consoleURL.map { base in
            let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
            let query = channel.id.isEmpty ? "partner=\(event.partnerID)" : "channel=\(channel.id)"
            return [Link(href: "\(trimmed)/alerts?\(query)", text: "ChannelWatch console")]
        }
    }

    /// A closing event for a group that listed more alerts than a payload carries: one trigger
    /// saying how many more there are, keyed to the group.
    public init(moreThan count: Int, groupKey: String, partnerID: String, routingKey: String) {
        self.routingKey = routingKey
        eventAction = "trigger"
        dedupKey = "channelwatch/\(partnerID)/group/\(groupKey)"
        client = "ChannelWatch"
        payload = Payload(summary: "…and \(count) more ChannelWatch events in \(groupKey); see `channelwatch events`",
                          source: "partner \(partnerID)", severity: "warning",
                          timestamp: ISO8601DateFormatter().string(from: Date()), component: nil, group: nil,
                          class: "channelwatch_overflow", customDetails: ["group_key": groupKey, "more": "\(count)"])
        links = nil
    }

    /// `channelwatch/PARTNER/CHANNEL/RULE` for an alert's events; a change adds its event id.
    public static func dedupKey(_ event: AlertEvent) -> String {
        let base = "channelwatch/\(event.partnerID)/\(event.channel.id)/\(event.rule)"
        return event.status == .firing || event.status == .resolved ? base : "\(base)/\(event.id.uuidString.lowercased())"
    }

    /// At most `limit` characters, the last one an ellipsis when cut.
    static func clip(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// The JSON body.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
