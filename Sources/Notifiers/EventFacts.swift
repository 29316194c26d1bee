import Alerting
import Foundation

/// The facts every message shows about one event, as label/value pairs in a fixed order:
/// channel (phone number and name), client, WABA, the change, and when it was observed.
///
/// Slack, the email text part and the email HTML part all render these same pairs, so the
/// three never disagree about what an event says.
public struct EventFacts: Sendable, Equatable {
    /// One labelled fact, e.g. `Channel` / `+49 30 1234 (Acme Berlin)`.
    public struct Fact: Sendable, Equatable {
        /// What the value is, e.g. `WABA`.
        public var label: String
        /// The value as shown to people.
        public var value: String
    }

    /// The event's summary line.
    public var summary: String
    /// `firing`, `resolved`, `changed`, or `reminder` for a reminder delivery.
    public var status: String
    /// Lower-case severity.
    public var severity: String
    /// The rule name.
    public var rule: String
    /// Channel, Client, WABA, Change, When: only those the event has.
    public var facts: [Fact]
    /// The rendered description; may span lines.
    public var description: String
    /// When the poll observed the event.
    public var observedAt: Date

    /// Extracts the facts of `event` for a delivery of `kind`.
    public init(_ event: AlertEvent, kind: DeliveryKind) {
        summary = event.summary
        status = kind == .reminder ? "reminder" : event.status.rawValue
        severity = event.severity.rawValue
        rule = event.rule
        description = event.description
        observedAt = event.observedAt
        let channel = event.channel
        var facts: [Fact] = []
        if !channel.id.isEmpty {
            let number = channel.phoneNumber ?? channel.id
            facts.append(Fact(label: "Channel", value: channel.phoneName.map { "\(number) (\($0))" } ?? number))
        } else {
            facts.append(Fact(label: "Partner", value: event.partnerID))
        }
        if let client = Self.named(channel.clientName, id: channel.clientID) {
            facts.append(Fact(label: "Client", value: client))
        }
        if let waba = Self.named(channel.wabaName, id: channel.wabaID) {
            facts.append(Fact(label: "WABA", value: waba))
        }
        if event.from != nil || event.to != nil {
            var change = "\(event.from ?? "∅") → \(event.to ?? "∅")"
            if let field = event.field { change += " (\(field))" }
            facts.append(Fact(label: "Change", value: change))
        }
        facts.append(Fact(label: "When", value: Self.utcTimestamp(event.observedAt)))
        self.facts = facts
    }

    /// `Acme GmbH (id 123)`, just the name or the id, or `nil` when neither is known.
    static func named(_ name: String?, id: String?) -> String? {
        switch (name, id) {
        case let (name?, id?) where !name.isEmpty: "\(name) (id \(id))"
        case let (name?, nil) where !name.isEmpty: name
        case let (_, id?): id
        default: nil
        }
    }

    /// `2026-11-24 10:00:00 UTC`: unambiguous for readers in any time zone.
    public static func utcTimestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) UTC"
    }
}
