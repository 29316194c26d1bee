import Alerting
import Outbox
import Foundation
import Postgres
import Rules

/// Read-only views of the stored state for `alerts`, `events` and `deliveries`, and `prune`.
public struct Inspection: Sendable {
    public let database: PostgresClient

    public init(database: PostgresClient) { self.database = database }

    /// Filters shared by the listing commands; `nil` means "any".
    public struct Filter: Sendable {
        public var partner: String?
        public var channel: String?
        public var rule: String?
        public var status: String?
        public var receiver: String?
        public var since: Date?
        public var limit: Int = 100

        public init(partner: String? = nil, channel: String? = nil, rule: String? = nil, status: String? = nil,
                    receiver: String? = nil, since: Date? = nil, limit: Int = 100) {
            self.partner = partner
            self.channel = channel
            self.rule = rule
            self.status = status
            self.receiver = receiver
            self.since = since
            self.limit = limit
        }
    }

    /// One alert as `alerts` lists it.
    public struct AlertRow: Codable, Sendable {
        public var id: UUID
        public var partnerID: String
        public var channelID: String
        public var rule: String
        public var severity: Severity
        /// Firing or resolved.
        public var status: FactStatus
        public var startedAt: Date
        public var resolvedAt: Date?
        public var summary: String
        public var phoneNumber: String?
        /// Whether its firing was held back (silenced or inhibited) and not notified yet.
        public var heldBack: Bool
        /// The silences that held its firing back, if any.
        public var silencedBy: [UUID]
        /// The alert (`rule/channel_id`) that inhibited its firing, if one did.
        public var inhibitedBy: String?

        enum CodingKeys: String, CodingKey {
            case id, rule, severity, status, summary
            case partnerID = "partner_id", channelID = "channel_id", startedAt = "started_at"
            case resolvedAt = "resolved_at", phoneNumber = "phone_number", heldBack = "held_back"
            case silencedBy = "silenced_by", inhibitedBy = "inhibited_by"
        }

        /// `notified`, `held back: silenced`, `held back: inhibited by waba_banned/c1`, or `notified late`
        /// once a held-back firing was released.
        public var notification: String {
            guard heldBack else { return silencedBy.isEmpty && inhibitedBy == nil ? "notified" : "notified late" }
            if let inhibitedBy { return "held back: inhibited by \(inhibitedBy)" }
            return silencedBy.isEmpty ? "held back" : "held back: silenced"
        }
    }

    /// Alerts, newest first; `status` defaults to what the caller passes (`firing`, `resolved`, or nil for all).
    public func alerts(_ filter: Filter) async throws -> [AlertRow] {
        let rows = try await database.query("""
            SELECT a.id, a.partner_id, a.channel_id, a.rule, a.severity, a.status, a.started_at, a.resolved_at,
                   e.summary, e.channel->>'phone_number' AS phone_number, a.held_back,
                   COALESCE(e.silenced_by::text[], '{}') AS silenced_by, e.inhibited_by
            FROM alerts a JOIN events e ON e.id = a.fired_event_id
            WHERE ($1::text IS NULL OR a.partner_id = $1) AND ($2::text IS NULL OR a.channel_id = $2)
              AND ($3::text IS NULL OR a.rule = $3) AND ($4::text IS NULL OR a.status = $4)
              AND ($5::timestamptz IS NULL OR a.started_at >= $5)
            ORDER BY a.started_at DESC, a.channel_id LIMIT $6
            """, filter.parameters)
        return try rows.map { row in
            AlertRow(id: try row.decode(UUID.self, "id"), partnerID: try row.decode(String.self, "partner_id"),
                     channelID: try row.decode(String.self, "channel_id"), rule: try row.decode(String.self, "rule"),
                     severity: try row.decode(Severity.self, "severity"), status: try row.decode(FactStatus.self, "status"),
                     startedAt: try row.decode(Date.self, "started_at"), resolvedAt: try row.decode(Date?.self, "resolved_at"),
                     summary: try row.decode(String.self, "summary"), phoneNumber: try row.decode(String?.self, "phone_number"),
                     heldBack: try row.decode(Bool.self, "held_back"),
                     silencedBy: try row.decode([String].self, "silenced_by").compactMap(UUID.init(uuidString:)),
                     inhibitedBy: try row.decode(String?.self, "inhibited_by"))
        }
    }

    /// One event as `events` lists it: the event as receivers see it, and whether it was sent.
    public struct EventRow: Encodable, Sendable {
        public var event: AlertEvent
        /// Whether a delivery was queued for it when it was recorded.
        public var notified: Bool
        /// Active silences that held it back.
        public var silencedBy: [UUID]
        /// The firing alert (`rule/channel_id`) that inhibited it.
        public var inhibitedBy: String?

        enum CodingKeys: String, CodingKey {
            case notified, silencedBy = "silenced_by", inhibitedBy = "inhibited_by"
        }

        /// The event's own keys (as in a webhook payload), then `notified`, `silenced_by`, `inhibited_by`.
        public func encode(to encoder: any Encoder) throws {
            try event.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(notified, forKey: .notified)
            try container.encode(silencedBy, forKey: .silencedBy)
            try container.encode(inhibitedBy, forKey: .inhibitedBy)
        }

        /// `sent`, `silenced`, `inhibited by waba_banned/c1`, or `not sent` (a baseline first poll,
        /// a resolve whose firing was held back, a rule without send_resolved).
        public var delivery: String {
            if notified { return "sent" }
            if let inhibitedBy { return "inhibited by \(inhibitedBy)" }
            return silencedBy.isEmpty ? "not sent" : "silenced"
        }
    }

    /// Events, newest first.
    public func events(_ filter: Filter) async throws -> [EventRow] {
        try await database.query("""
            SELECT \(AlertEvent.columns), notified, COALESCE(silenced_by::text[], '{}') AS silenced_by, inhibited_by FROM events
            WHERE ($1::text IS NULL OR partner_id = $1) AND ($2::text IS NULL OR channel_id = $2)
              AND ($3::text IS NULL OR rule = $3) AND ($4::text IS NULL OR status = $4)
              AND ($5::timestamptz IS NULL OR observed_at >= $5)
            ORDER BY observed_at DESC, channel_id, rule LIMIT $6
            """, filter.parameters).map { row in
                EventRow(event: try AlertEvent(row: row), notified: try row.decode(Bool.self, "notified"),
                         silencedBy: try row.decode([String].self, "silenced_by").compactMap(UUID.init(uuidString:)),
                         inhibitedBy: try row.decode(String?.self, "inhibited_by"))
            }
    }

    /// One delivery as `deliveries` lists it — never its payload's secrets (it has none) nor the receiver's URL.
    public struct DeliveryRow: Codable, Sendable {
        public var id: UUID
        public var receiver: String
        public var groupKey: String
        public var kind: DeliveryKind
        public var status: DeliveryStatus
        public var attempts: Int
        public var events: Int
        public var createdAt: Date
        public var nextAttemptAt: Date
        public var deliveredAt: Date?
        public var lastError: String?

        enum CodingKeys: String, CodingKey {
            case id, receiver, kind, status, attempts, events
            case groupKey = "group_key", createdAt = "created_at", nextAttemptAt = "next_attempt_at"
            case deliveredAt = "delivered_at", lastError = "last_error"
        }
    }

    /// Deliveries, newest first. `partner`, `channel` and `rule` match any event the delivery carries.
    public func deliveries(_ filter: Filter) async throws -> [DeliveryRow] {
        let rows = try await database.query("""
            SELECT d.id, d.receiver, d.group_key, d.kind, d.status, d.attempts, d.created_at, d.next_attempt_at,
                   d.delivered_at, d.last_error, (SELECT count(*) FROM delivery_events de WHERE de.delivery_id = d.id) AS events
            FROM deliveries d
            WHERE ($4::text IS NULL OR d.status = $4) AND ($5::timestamptz IS NULL OR d.created_at >= $5)
              AND ($7::text IS NULL OR d.receiver = $7)
              AND ($1::text IS NULL AND $2::text IS NULL AND $3::text IS NULL OR EXISTS (
                    SELECT 1 FROM delivery_events de JOIN events e ON e.id = de.event_id
                    WHERE de.delivery_id = d.id AND ($1::text IS NULL OR e.partner_id = $1)
                      AND ($2::text IS NULL OR e.channel_id = $2) AND ($3::text IS NULL OR e.rule = $3)))
            ORDER BY d.created_at DESC, d.receiver LIMIT $6
            """, filter.parameters + [PostgresValue(filter.receiver)])
        return try rows.map { row in
            DeliveryRow(id: try row.decode(UUID.self, "id"), receiver: try row.decode(String.self, "receiver"),
                        groupKey: try row.decode(String.self, "group_key"), kind: try row.decode(DeliveryKind.self, "kind"),
                        status: try row.decode(DeliveryStatus.self, "status"), attempts: try row.decode(Int.self, "attempts"),
                        events: try row.decode(Int.self, "events"), createdAt: try row.decode(Date.self, "created_at"),
                        nextAttemptAt: try row.decode(Date.self, "next_attempt_at"),
                        deliveredAt: try row.decode(Date?.self, "delivered_at"),
                        lastError: try row.decode(String?.self, "last_error"))
        }
    }

    /// What `prune` removed.
    public struct Pruned: Codable, Sendable, Equatable {
        public var deliveries = 0
        public var alerts = 0
        public var events = 0
        public var polls = 0
        public var inboundWebhooks = 0
        public var silences = 0

        enum CodingKeys: String, CodingKey {
            case deliveries, alerts, events, polls, silences
            case inboundWebhooks = "inbound_webhooks"
        }
    }

    /// Deletes finished deliveries, resolved alerts, events, polls, processed inbound webhooks and
    /// silences that ended before `cutoff`, in one transaction. Pending deliveries, open alerts, the events they
    /// refer to and inbound webhooks not processed yet are kept.
    public func prune(olderThan cutoff: Date) async throws -> Pruned {
        try await database.transaction { connection in
            var pruned = Pruned()
            let at: [PostgresValue] = [.timestamp(cutoff)]
            pruned.deliveries = try await connection.execute(
                "DELETE FROM deliveries WHERE status <> 'pending' AND created_at < $1", at)
            pruned.alerts = try await connection.execute(
                "DELETE FROM alerts WHERE status = 'resolved' AND resolved_at < $1", at)
            pruned.events = try await connection.execute("""
                DELETE FROM events e WHERE e.observed_at < $1
                  AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.fired_event_id = e.id OR a.resolved_event_id = e.id)
                  AND NOT EXISTS (SELECT 1 FROM delivery_events de JOIN deliveries d ON d.id = de.delivery_id
                                  WHERE de.event_id = e.id AND d.status = 'pending')
                """, at)
            pruned.polls = try await connection.execute("DELETE FROM polls WHERE finished_at < $1", at)
            pruned.inboundWebhooks = try await connection.execute(
                "DELETE FROM inbound_webhooks WHERE status <> 'pending' AND received_at < $1", at)
            pruned.silences = try await connection.execute("DELETE FROM silences WHERE ends_at < $1", at)
            return pruned
        }
    }
}

extension Inspection.Filter {
    /// $1 partner, $2 channel, $3 rule, $4 status, $5 since, $6 limit.
    var parameters: [PostgresValue] {
        [PostgresValue(partner), PostgresValue(channel), PostgresValue(rule), PostgresValue(status),
         since.map(PostgresValue.timestamp) ?? .null, .int64(Int64(limit))]
    }
}
