import Alerting
import Foundation
import JSON
import Rules

/// The events of one recording whose templated recipient was not usable (rendered empty, not
/// an address or URL, outside `allowed_domains`) and so went to their receiver's `fallback_to`,
/// counted per receiver and reason with one example channel, for one warning each.
public struct RecipientFallbacks: Sendable, Equatable {
    public struct Key: Hashable, Sendable {
        public var receiver: String
        public var reason: String
    }

    public struct Count: Sendable, Equatable {
        public var events: Int
        /// The first channel it happened to.
        public var exampleChannel: String
    }

    public private(set) var counts: [Key: Count] = [:]

    public init() {}

    public var isEmpty: Bool { counts.isEmpty }

    mutating func add(_ fallback: RecipientRenderer.Fallback, channel: String) {
        counts[Key(receiver: fallback.receiver, reason: fallback.reason), default: Count(events: 0, exampleChannel: channel)].events += 1
    }

    /// One line per receiver and reason, e.g. `receiver 'clients': 2 events sent to fallback_to:
    /// 'to' renders empty (e.g. channel ch-1)`, ordered by receiver.
    public var messages: [String] {
        counts.sorted { ($0.key.receiver, $0.key.reason) < ($1.key.receiver, $1.key.reason) }.map { key, count in
            "receiver '\(key.receiver)': \(count.events) event\(count.events == 1 ? "" : "s") sent to fallback_to: "
                + "\(key.reason) (e.g. channel \(count.exampleChannel))"
        }
    }
}

extension EventWriter {
    /// Renders `event`'s templated recipients from the channel's document; an event whose
    /// rendering is unusable keeps no values for that receiver (its fallback) and is counted.
    mutating func renderRecipients(of event: inout AlertEvent, fact: Fact, document: JSONValue?) {
        let receivers = router.targets(for: event.labels).map(\.receiver).filter(router.recipients.isTemplated)
        guard !receivers.isEmpty else { return }
        let variables = TemplateVariables(
            channel: document, previous: nil, field: fact.field, from: fact.from, to: fact.to, rule: fact.rule,
            severity: fact.severity, labels: event.labels, status: fact.status, partnerID: partnerID, observedAt: observedAt)
        let (values, fallbacks) = router.recipients.render(variables, for: receivers)
        event.recipients = values
        for fallback in fallbacks { recipientFallbacks.add(fallback, channel: event.channel.id) }
    }
}
