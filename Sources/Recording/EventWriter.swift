import Alerting
import Config
import Outbox
import Foundation
import JSON
import Postgres
import Rules

/// Collects the events of one poll and writes them, their alert changes and their deliveries
/// inside the recording transaction.
struct EventWriter {
    let partnerID: String
    let observedAt: Date
    let router: Router
    /// Whether events added now are notified (false while recording a baseline first poll).
    var notify = true
    /// While a source alert fires, matching target events are held back.
    var inhibitRules: [InhibitRuleConfig] = []
    /// Whether the flush also notifies the partner's held-back alerts that nothing suppresses
    /// any more. Only a recorder that knows the inhibition rules may (a delivery_dead writer does not).
    var releasesHeldBack = false

    private(set) var events: [AlertEvent] = []
    private var notified: [Bool] = []
    /// Events already inserted (with their alert changes) by ``writeEvents(pollID:on:)``.
    private var writtenCount = 0

    init(partnerID: String, observedAt: Date, router: Router) {
        self.partnerID = partnerID
        self.observedAt = observedAt
        self.router = router
    }

    /// Events whose templated recipient was not usable, sent to the receiver's `fallback_to`.
    var recipientFallbacks = RecipientFallbacks()

    /// Adds the facts of one channel.
    mutating func add(_ facts: [Fact], channel: ChannelSummary, document: JSONValue?) {
        for fact in facts {
            var event = AlertEvent(
                id: UUID(), rule: fact.rule, status: fact.status, severity: fact.severity,
                summary: fact.summary, description: fact.description, partnerID: partnerID, field: fact.field,
                from: fact.from, to: fact.to, observedAt: observedAt,
                labels: Self.labels(rule: fact.rule, severity: fact.severity, extra: fact.labels,
                                    partnerID: partnerID, channel: channel),
                channel: channel)
            if !router.recipients.isEmpty { renderRecipients(of: &event, fact: fact, document: document) }
            events.append(event)
            notified.append(notify && (fact.status != .resolved || fact.sendResolved))
        }
    }

    /// Adds a system alert event (`poll_failing`, `api_auth_failed`, `delivery_dead`), partner-wide.
    mutating func addSystem(rule: String, status: FactStatus, severity: Severity, summary: String, description: String,
                            extraLabels: [String: String] = [:]) {
        let channel = ChannelSummary(id: "")
        events.append(AlertEvent(
            id: UUID(), rule: rule, status: status, severity: severity, summary: summary,
            description: description, partnerID: partnerID, field: nil, from: nil, to: nil, observedAt: observedAt,
            labels: Self.labels(rule: rule, severity: severity, extra: extraLabels, partnerID: partnerID, channel: channel),
            channel: channel))
        notified.append(true)
    }

    /// The routing labels of an event: rule labels, then the built-in ones (which win).
    static func labels(rule: String, severity: Severity, extra: [String: String], partnerID: String,
                       channel: ChannelSummary) -> [String: String] {
        var labels = extra
        labels.merge(channel.labels) { _, builtIn in builtIn }
        labels["rule"] = rule
        labels["severity"] = severity.rawValue
        labels["partner_id"] = partnerID
        if channel.id.isEmpty { labels["channel_id"] = nil }
        return labels
    }

    /// Forgets every event added so far (their rows were rolled back with the writes that caused them).
    mutating func discardEvents() {
        events.removeAll()
        notified.removeAll()
        recipientFallbacks = RecipientFallbacks()
        writtenCount = 0
    }

    /// Inserts the events added since the last call, with their alert changes, so a large poll
    /// writes them while its pages arrive. Deliveries wait for ``flush(pollID:on:)``: grouping
    /// needs every event of the poll.
    mutating func writeEvents(pollID: Int64?, on connection: PostgresConnection) async throws {
        guard writtenCount < events.count else { return }
        let range = writtenCount..<events.count
        try await insertEvents(range, pollID: pollID, on: connection)
        try await applyAlertChanges(events[range], on: connection)
        writtenCount = events.count
    }

    /// What a flush wrote.
    struct Flushed {
        /// Every event of the poll, held back or not.
        var events: [AlertEvent]
        /// Deliveries queued.
        var deliveries: Int
        /// Events held back by silences and inhibition, and held-back alerts released.
        var suppression: SuppressionCounts
        /// Events whose templated recipient was unusable, sent to the receiver's fallback.
        var recipientFallbacks = RecipientFallbacks()
    }

    /// Writes the events not yet written, alert changes and deliveries. Silenced and inhibited
    /// events are recorded but get no delivery; alerts whose suppression ended are notified once.
    mutating func flush(pollID: Int64?, on connection: PostgresConnection) async throws -> Flushed {
        guard !events.isEmpty || releasesHeldBack else { return Flushed(events: [], deliveries: 0, suppression: SuppressionCounts()) }
        try await writeEvents(pollID: pollID, on: connection)
        let decider = try await loadDecider(on: connection)
        var (toNotify, counts) = try await holdBackSuppressed(zip(events, notified).filter(\.1).map(\.0), decider: decider,
                                                              on: connection)
        if releasesHeldBack {
            let released = try await releaseEnded(decider: decider, on: connection)
            counts.released = released.count
            toNotify += released
        }
        let planned = Grouping.plan(events: toNotify, router: router)
        try await DeliveryWriter.insert(planned, on: connection)
        try await Reminders.remember(toNotify, router: router, on: connection)
        return Flushed(events: events, deliveries: planned.count, suppression: counts, recipientFallbacks: recipientFallbacks)
    }

    private func insertEvents(_ range: Range<Int>, pollID: Int64?, on connection: PostgresConnection) async throws {
        let events = self.events[range]
        func column(_ value: (AlertEvent) -> String?) -> PostgresValue { .textArray(events.map(value)) }
        try await connection.execute("""
            INSERT INTO events (id, dedup_key, poll_id, partner_id, channel_id, rule, status, severity, field, from_value,
                                to_value, summary, description, labels, channel, observed_at, notified, recipients)
            SELECT x.id::uuid, x.dedup_key, $1, $2, x.channel_id, x.rule, x.status, x.severity, x.field, x.from_value,
                   x.to_value, x.summary, x.description, x.labels::jsonb, x.channel::jsonb, $3, x.notified::boolean,
                   x.recipients::jsonb
            FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
                        $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[])
                 AS x(id, dedup_key, channel_id, rule, status, severity, field, from_value, to_value, summary, description,
                      labels, channel, notified, recipients)
            """, [
                PostgresValue(pollID), .text(partnerID), .timestamp(observedAt),
                column { $0.id.uuidString }, column { Self.dedupKey($0) }, column(\.channel.id), column(\.rule),
                column(\.status.rawValue), column(\.severity.rawValue), column(\.field), column(\.from), column(\.to), column(\.summary),
                column(\.description),
                column { AlertEvent.jsonText(of: $0.labels) }, column(\.channel.jsonText),
                .textArray(notified[range].map { $0 ? "t" : "f" }),
                column { $0.recipients.isEmpty ? nil : AlertEvent.jsonText(of: $0.recipients) },
            ])
    }

    /// Identifies an event so the same fact recorded twice for the same observation is refused by the database.
    static func dedupKey(_ event: AlertEvent) -> String {
        let millis = Int64((event.observedAt.timeIntervalSince1970 * 1000).rounded())
        return "\(event.partnerID)/\(event.channel.id)/\(event.rule)/\(event.status.rawValue)/\(millis)"
    }

    private func applyAlertChanges(_ events: ArraySlice<AlertEvent>, on connection: PostgresConnection) async throws {
        let fired = events.filter { $0.status == .firing }
        if !fired.isEmpty {
            try await connection.execute("""
                INSERT INTO alerts (id, partner_id, channel_id, rule, severity, status, fired_event_id, started_at, channel)
                SELECT gen_random_uuid(), $1, x.channel_id, x.rule, x.severity, 'firing', x.event_id::uuid, $2, x.channel::jsonb
                FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS x(channel_id, rule, severity, event_id, channel)
                ON CONFLICT (partner_id, channel_id, rule) WHERE status = 'firing' DO NOTHING
                """, [.text(partnerID), .timestamp(observedAt), .textArray(fired.map(\.channel.id)),
                      .textArray(fired.map(\.rule)), .textArray(fired.map(\.severity.rawValue)),
                      .textArray(fired.map(\.id.uuidString)), .textArray(fired.map(\.channel.jsonText))])
        }
        let resolved = events.filter { $0.status == .resolved }
        if !resolved.isEmpty {
            try await connection.execute("""
                UPDATE alerts AS a SET status = 'resolved', resolved_event_id = x.event_id::uuid, resolved_at = $2
                FROM unnest($3::text[], $4::text[], $5::text[]) AS x(channel_id, rule, event_id)
                WHERE a.partner_id = $1 AND a.channel_id = x.channel_id AND a.rule = x.rule AND a.status = 'firing'
                """, [.text(partnerID), .timestamp(observedAt), .textArray(resolved.map(\.channel.id)),
                      .textArray(resolved.map(\.rule)), .textArray(resolved.map(\.id.uuidString))])
        }
    }
}
