import Alerting
import Foundation
import Outbox
import Postgres

extension Inspection {
    /// One event as `events`, the console and `/api/v1/events` list it: the event as receivers
    /// see it, and whether it was sent.
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

    /// Events, newest first, a page at a time.
    public func events(_ filter: Filter) async throws -> Page<EventRow> {
        var sql = SQLConditions()
        sql.addFactFilters(filter, table: "", time: "observed_at")
        sql.addCursor(filter.cursor, time: "observed_at", key: "id", keyType: "uuid")
        let limit = sql.bind(.int64(Int64(filter.limit + 1)))
        let rows = try await database.query("""
            SELECT \(AlertEvent.columns), notified, COALESCE(silenced_by::text[], '{}') AS silenced_by, inhibited_by,
                   \(PageCursor.microsecondsSQL("observed_at")) AS cursor_us
            FROM events \(sql.clause)
            ORDER BY observed_at DESC, id DESC LIMIT \(limit)
            """, sql.parameters)
        return try Self.page(rows, limit: filter.limit, read: Self.eventRow) { $0.event.id.uuidString.lowercased() }
    }

    static func eventRow(_ row: PostgresRow) throws -> EventRow {
        EventRow(event: try AlertEvent(row: row), notified: try row.decode(Bool.self, "notified"),
                 silencedBy: try row.decode([String].self, "silenced_by").compactMap(UUID.init(uuidString:)),
                 inhibitedBy: try row.decode(String?.self, "inhibited_by"))
    }
}
