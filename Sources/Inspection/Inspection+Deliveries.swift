import Alerting
import Foundation
import Outbox
import Postgres

extension Inspection {
    /// One delivery as `deliveries`, the console and `/api/v1/deliveries` list it — never its
    /// receiver's URL or credentials (the payload has none).
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

    /// Deliveries, newest first, a page at a time. `partner`, `channel` and `rule` match any
    /// event the delivery carries.
    public func deliveries(_ filter: Filter) async throws -> Page<DeliveryRow> {
        var sql = deliveryConditions(filter)
        sql.addCursor(filter.cursor, time: "d.created_at", key: "d.id", keyType: "uuid")
        let limit = sql.bind(.int64(Int64(filter.limit + 1)))
        let rows = try await database.query("""
            SELECT \(Self.deliveryColumns), \(PageCursor.microsecondsSQL("d.created_at")) AS cursor_us
            FROM deliveries d \(sql.clause)
            ORDER BY d.created_at DESC, d.id DESC LIMIT \(limit)
            """, sql.parameters)
        return try Self.page(rows, limit: filter.limit, read: Self.deliveryRow) { $0.id.uuidString.lowercased() }
    }

    /// The deliveries that carried any of `events`, newest first.
    public func deliveries(carrying events: [UUID]) async throws -> [DeliveryRow] {
        guard !events.isEmpty else { return [] }
        return try await database.query("""
            SELECT \(Self.deliveryColumns) FROM deliveries d
            WHERE d.id IN (SELECT delivery_id FROM delivery_events WHERE event_id = ANY($1::uuid[]))
            ORDER BY d.created_at DESC, d.id DESC LIMIT 200
            """, [.textArray(events.map { $0.uuidString })]).map(Self.deliveryRow)
    }

    private static let deliveryColumns = """
        d.id, d.receiver, d.group_key, d.kind, d.status, d.attempts, d.created_at, d.next_attempt_at,
        d.delivered_at, d.last_error, (SELECT count(*) FROM delivery_events de WHERE de.delivery_id = d.id) AS events
        """

    private func deliveryConditions(_ filter: Filter) -> SQLConditions {
        var sql = SQLConditions()
        sql.add(filter.status) { "d.status = \($0)" }
        sql.add(filter.receiver) { "d.receiver = \($0)" }
        if let since = filter.since { sql.add("d.created_at >= \(sql.bind(.timestamp(since)))") }
        var carried: [String] = []
        if let partner = filter.partner { carried.append("e.partner_id = \(sql.bind(.text(partner)))") }
        if let channel = filter.channel { carried.append("e.channel_id = \(sql.bind(.text(channel)))") }
        if let rule = filter.rule { carried.append("e.rule = \(sql.bind(.text(rule)))") }
        if !carried.isEmpty {
            sql.add("""
                EXISTS (SELECT 1 FROM delivery_events de JOIN events e ON e.id = de.event_id
                        WHERE de.delivery_id = d.id AND \(carried.joined(separator: " AND ")))
                """)
        }
        return sql
    }

    static func deliveryRow(_ row: PostgresRow) throws -> DeliveryRow {
        DeliveryRow(id: try row.decode(UUID.self, "id"), receiver: try row.decode(String.self, "receiver"),
                    groupKey: try row.decode(String.self, "group_key"), kind: try row.decode(DeliveryKind.self, "kind"),
                    status: try row.decode(DeliveryStatus.self, "status"), attempts: try row.decode(Int.self, "attempts"),
                    events: try row.decode(Int.self, "events"), createdAt: try row.decode(Date.self, "created_at"),
                    nextAttemptAt: try row.decode(Date.self, "next_attempt_at"),
                    deliveredAt: try row.decode(Date?.self, "delivered_at"),
                    lastError: try row.decode(String?.self, "last_error"))
    }
}
