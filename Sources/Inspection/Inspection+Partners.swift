import Alerting
import Foundation
import Postgres

extension Inspection {
    /// One poll as the console and `/api/v1/partners` show it.
    public struct PollRow: Encodable, Sendable {
        public var id: Int64
        public var startedAt: Date
        public var finishedAt: Date
        public var complete: Bool
        /// Whether it re-read only the channels inbound webhooks named.
        public var targeted: Bool
        public var pages: Int
        public var channels: Int
        public var changed: Int
        public var events: Int
        /// Why it was incomplete, naming the page and the Partner API's answer.
        public var error: String?
        public var httpStatus: Int?
        /// `360dialog_trace_id` of the failing response.
        public var traceID: String?

        /// Start to finish, recording included.
        public var durationSeconds: Double { finishedAt.timeIntervalSince(startedAt) }

        enum CodingKeys: String, CodingKey {
            case id, complete, targeted, pages, channels, changed, events, error
            case startedAt = "started_at", finishedAt = "finished_at", httpStatus = "http_status", traceID = "trace_id"
            case durationSeconds = "duration_seconds"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(startedAt, forKey: .startedAt)
            try container.encode(finishedAt, forKey: .finishedAt)
            try container.encode((durationSeconds * 1000).rounded() / 1000, forKey: .durationSeconds)
            try container.encode(complete, forKey: .complete)
            try container.encode(targeted, forKey: .targeted)
            try container.encode(pages, forKey: .pages)
            try container.encode(channels, forKey: .channels)
            try container.encode(changed, forKey: .changed)
            try container.encode(events, forKey: .events)
            try container.encode(error, forKey: .error)
            try container.encode(httpStatus, forKey: .httpStatus)
            try container.encode(traceID, forKey: .traceID)
        }
    }

    /// How many channels have one value of a watched field.
    public struct ValueCount: Codable, Sendable, Equatable {
        /// The value as the Partner API sent it; `""` when the channels lack the field.
        public var value: String
        public var channels: Int
    }

    /// A partner at a glance: its last polls, its channels by state, its firing alerts.
    public struct PartnerOverview: Encodable, Sendable {
        public var partnerID: String
        /// Present channels (not missing), as the last recordings counted them.
        public var channels: Int
        public var lastCompletePollAt: Date?
        public var consecutiveFailures: Int
        /// Newest first.
        public var polls: [PollRow]
        /// Per field (`current_quality_rating`, `current_limit`, `availability_status`, `status`,
        /// `waba_account.status`), the values and their channels, most channels first.
        public var channelsByState: [String: [ValueCount]]
        /// Firing alerts by severity.
        public var firing: [String: Int]

        enum CodingKeys: String, CodingKey {
            case channels, polls, firing
            case partnerID = "partner_id", lastCompletePollAt = "last_complete_poll_at"
            case consecutiveFailures = "consecutive_failures", channelsByState = "channels_by_state"
        }
    }

    /// The partners named in `configured` (in that order) and any other the database knows, each
    /// with its last `polls` polls.
    public func partners(configured: [String], polls: Int = 5) async throws -> [PartnerOverview] {
        let known = try await database.query("SELECT partner_id, consecutive_failures, last_complete_poll_at FROM partner_state")
        var state: [String: (failures: Int, complete: Date?)] = [:]
        for row in known {
            state[try row.decode(String.self, "partner_id")] = (try row.decode(Int.self, "consecutive_failures"),
                                                                try row.decode(Date?.self, "last_complete_poll_at"))
        }
        let ids = configured + state.keys.filter { !configured.contains($0) }.sorted()
        guard !ids.isEmpty else { return [] }
        let partners: PostgresValue = .textArray(ids)

        var lastPolls: [String: [PollRow]] = [:]
        for row in try await database.query("""
            SELECT p.* FROM unnest($1::text[]) AS partner(id), LATERAL (
                SELECT id, partner_id, started_at, finished_at, complete, targeted, pages, channels, changed, events,
                       error, http_status, trace_id
                FROM polls WHERE partner_id = partner.id ORDER BY started_at DESC LIMIT $2) p
            """, [partners, .int64(Int64(polls))]) {
            lastPolls[try row.decode(String.self, "partner_id"), default: []].append(try Self.pollRow(row))
        }

        var counts: [String: [String: [ValueCount]]] = [:]
        for row in try await database.query("""
            SELECT partner_id, field, value, channels FROM channel_state_counts WHERE partner_id = ANY($1::text[])
            ORDER BY partner_id, field, channels DESC, value
            """, [partners]) {
            counts[try row.decode(String.self, "partner_id"), default: [:]][try row.decode(String.self, "field"), default: []]
                .append(ValueCount(value: try row.decode(String.self, "value"), channels: try row.decode(Int.self, "channels")))
        }

        var firing: [String: [String: Int]] = [:]
        for row in try await database.query("""
            SELECT partner_id, severity, count(*) AS n FROM alerts
            WHERE status = 'firing' AND partner_id = ANY($1::text[]) GROUP BY partner_id, severity
            """, [partners]) {
            firing[try row.decode(String.self, "partner_id"), default: [:]][try row.decode(String.self, "severity")] =
                try row.decode(Int.self, "n")
        }

        return ids.map { id in
            let byState = counts[id] ?? [:]
            let channels = byState[PortfolioField.status.rawValue]?.reduce(0) { $0 + $1.channels } ?? 0
            return PartnerOverview(partnerID: id, channels: channels, lastCompletePollAt: state[id]?.complete ?? nil,
                                   consecutiveFailures: state[id]?.failures ?? 0, polls: lastPolls[id] ?? [],
                                   channelsByState: byState, firing: firing[id] ?? [:])
        }
    }

    static func pollRow(_ row: PostgresRow) throws -> PollRow {
        PollRow(id: try row.decode(Int64.self, "id"), startedAt: try row.decode(Date.self, "started_at"),
                finishedAt: try row.decode(Date.self, "finished_at"), complete: try row.decode(Bool.self, "complete"),
                targeted: try row.decode(Bool.self, "targeted"), pages: try row.decode(Int.self, "pages"),
                channels: try row.decode(Int.self, "channels"), changed: try row.decode(Int.self, "changed"),
                events: try row.decode(Int.self, "events"), error: try row.decode(String?.self, "error"),
                httpStatus: try row.decode(Int?.self, "http_status"), traceID: try row.decode(String?.self, "trace_id"))
    }

    /// What needs attention across all partners: firing alerts, the outbox, recent inbound webhooks.
    public struct Summary: Codable, Sendable {
        public var firing: Int
        public var pendingDeliveries: Int
        public var deadDeliveries: Int
        public var activeSilences: Int
        /// Inbound webhooks received in the last 24 hours.
        public var inboundLastDay: Int

        enum CodingKeys: String, CodingKey {
            case firing
            case pendingDeliveries = "pending_deliveries", deadDeliveries = "dead_deliveries"
            case activeSilences = "active_silences", inboundLastDay = "inbound_last_day"
        }
    }

    /// The counts on top of the console (each from a partial index, so cheap at any size).
    public func summary() async throws -> Summary {
        let row = try await database.query("""
            SELECT (SELECT count(*) FROM alerts WHERE status = 'firing') AS firing,
                   (SELECT count(*) FROM deliveries WHERE status = 'pending') AS pending,
                   (SELECT count(*) FROM deliveries WHERE status = 'dead') AS dead,
                   (SELECT count(*) FROM silences WHERE starts_at <= now() AND ends_at > now()) AS silences,
                   (SELECT count(*) FROM inbound_webhooks WHERE received_at > now() - interval '1 day') AS inbound
            """)[0]
        return Summary(firing: try row.decode(Int.self, "firing"), pendingDeliveries: try row.decode(Int.self, "pending"),
                       deadDeliveries: try row.decode(Int.self, "dead"), activeSilences: try row.decode(Int.self, "silences"),
                       inboundLastDay: try row.decode(Int.self, "inbound"))
    }
}
