import Alerting
import Outbox
import Foundation
import Postgres
import Rules
import YAMLSupport

/// Read-only views of the stored state for `alerts`, `events` and `deliveries`, and `prune`.
public struct Inspection: Sendable {
    public let database: PostgresClient

    public init(database: PostgresClient) { self.database = database }

    /// Filters shared by the listing commands, the console and the JSON API; `nil` means "any".
    public struct Filter: Sendable, Equatable {
        public var partner: String?
        public var channel: String?
        public var rule: String?
        public var status: String?
        public var receiver: String?
        public var since: Date?
        /// Alerts and events: only this severity.
        public var severity: String?
        /// Alerts and events: only channels of this WABA id.
        public var waba: String?
        /// Alerts and events: only channels of this client id.
        public var client: String?
        /// Alerts and events: a phone number (its digits, anywhere in the number) or a phone,
        /// client or WABA name (any part, any case).
        public var search: String?
        /// Inbound webhooks: only this event name.
        public var event: String?
        /// Rows older than this cursor's row (the next page).
        public var cursor: PageCursor?
        public var limit: Int = 100

        public init(partner: String? = nil, channel: String? = nil, rule: String? = nil, status: String? = nil,
                    receiver: String? = nil, since: Date? = nil, severity: String? = nil, waba: String? = nil,
                    client: String? = nil, search: String? = nil, event: String? = nil, cursor: PageCursor? = nil,
                    limit: Int = 100) {
            self.partner = partner
            self.channel = channel
            self.rule = rule
            self.status = status
            self.receiver = receiver
            self.since = since
            self.severity = severity
            self.waba = waba
            self.client = client
            self.search = search
            self.event = event
            self.cursor = cursor
            self.limit = limit
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
    /// Reads a `since` as `--since` and `?since=` take it: a duration back from `now` (`30m`,
    /// `24h`, `7d`) or an ISO 8601 time; nil when it is neither.
    public static func parseSince(_ text: String, now: Date) -> Date? {
        if let duration = DurationText.parse(text) {
            return now.addingTimeInterval(-Double(duration.components.seconds))
        }
        return try? Date(text, strategy: .iso8601)
    }
}
