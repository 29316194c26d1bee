import JSON

/// What a webhook rule reacts to: inbound partner webhooks whose `event` is one of ``events``
/// and, when given, whose payload (and the named channel's stored snapshot) passes the rule's
/// `where:` — field paths start with `webhook.` (the payload) or `channel.` (the snapshot).
public struct WebhookTrigger: Sendable {
    /// The event names, as 360dialog sends them (compared ignoring case).
    public let events: [String]
    /// The `where:` conditions on `{webhook, channel}`, if any.
    public let condition: Condition?

    init(events: [String], condition: Condition?) {
        self.events = events
        self.condition = condition
    }

    /// Whether an event named `name`, with `payload` and the named channel's `channel` snapshot, triggers the rule.
    func matches(_ name: String, payload: JSONValue, channel: JSONValue?) -> Bool {
        guard events.contains(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) else { return false }
        guard let condition else { return true }
        return condition.holds(in: .object(["webhook": payload, "channel": channel ?? .object([:])]))
    }
}
