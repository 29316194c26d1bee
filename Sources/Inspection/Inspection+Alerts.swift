import Alerting
import Foundation
import JSON
import Postgres
import Rules

extension Inspection {
    /// One alert as `alerts`, the console and `/api/v1/alerts` list it.
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
        /// The channel as its firing event saw it: phone, client, WABA.
        public var channel: ChannelSummary
        /// Whether its firing was held back (silenced or inhibited) and not notified yet.
        public var heldBack: Bool
        /// The silences that held its firing back, if any.
        public var silencedBy: [UUID]
        /// The alert (`rule/channel_id`) that inhibited its firing, if one did.
        public var inhibitedBy: String?

        enum CodingKeys: String, CodingKey {
            case id, rule, severity, status, summary, channel
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

    private static let alertColumns = """
        a.id, a.partner_id, a.channel_id, a.rule, a.severity, a.status, a.started_at, a.resolved_at,
        e.summary, a.channel, a.held_back, COALESCE(e.silenced_by::text[], '{}') AS silenced_by, e.inhibited_by,
        \(PageCursor.microsecondsSQL("a.started_at")) AS cursor_us
        """

    /// Alerts, newest first, a page at a time; `status` is `firing`, `resolved` or nil for both.
    /// The filters read the alerts alone; only the page's rows are joined to their events.
    public func alerts(_ filter: Filter) async throws -> Page<AlertRow> {
        var sql = alertConditions(filter)
        sql.addCursor(filter.cursor, time: "a.started_at", key: "a.id", keyType: "uuid")
        let limit = sql.bind(.int64(Int64(filter.limit + 1)))
        let rows = try await database.query("""
            WITH page AS (SELECT a.* FROM alerts a \(sql.clause) ORDER BY a.started_at DESC, a.id DESC LIMIT \(limit))
            SELECT \(Self.alertColumns)
            FROM page a JOIN events e ON e.id = a.fired_event_id
            ORDER BY a.started_at DESC, a.id DESC
            """, sql.parameters)
        return try Self.page(rows, limit: filter.limit, read: Self.alertRow) { $0.id.uuidString.lowercased() }
    }

    /// How many alerts match `filter` (its cursor and limit aside).
    public func alertCount(_ filter: Filter) async throws -> Int {
        let sql = alertConditions(filter)
        return try await database.query("SELECT count(*) AS n FROM alerts a \(sql.clause)", sql.parameters)[0].decode(Int.self, "n")
    }

    /// One alert by id; nil when there is none.
    public func alert(id: UUID) async throws -> AlertRow? {
        try await database.query("""
            SELECT \(Self.alertColumns) FROM alerts a JOIN events e ON e.id = a.fired_event_id WHERE a.id = $1
            """, [.uuid(id)]).first.map(Self.alertRow)
    }

    private func alertConditions(_ filter: Filter) -> SQLConditions {
        var sql = SQLConditions()
        sql.addFactFilters(filter, table: "a.", time: "started_at")
        return sql
    }

    static func alertRow(_ row: PostgresRow) throws -> AlertRow {
        let channel = try AlertEvent.decoder.decode(ChannelSummary.self, from: try row.decode(Data.self, "channel"))
        return AlertRow(
            id: try row.decode(UUID.self, "id"), partnerID: try row.decode(String.self, "partner_id"),
            channelID: try row.decode(String.self, "channel_id"), rule: try row.decode(String.self, "rule"),
            severity: try row.decode(Severity.self, "severity"), status: try row.decode(FactStatus.self, "status"),
            startedAt: try row.decode(Date.self, "started_at"), resolvedAt: try row.decode(Date?.self, "resolved_at"),
            summary: try row.decode(String.self, "summary"), phoneNumber: channel.phoneNumber, channel: channel,
            heldBack: try row.decode(Bool.self, "held_back"),
            silencedBy: try row.decode([String].self, "silenced_by").compactMap(UUID.init(uuidString:)),
            inhibitedBy: try row.decode(String?.self, "inhibited_by"))
    }

    /// The rows of a page fetched with one row more than `limit`: that extra row only tells
    /// that a next page exists, which starts after the last row shown — at its `cursor_us`
    /// column and its `key`.
    static func page<Row>(_ rows: [PostgresRow], limit: Int, read: (PostgresRow) throws -> Row,
                          key: (Row) -> String) throws -> Page<Row> {
        let shown = Array(rows.prefix(limit))
        let items = try shown.map(read)
        guard rows.count > limit, let last = shown.last, let lastItem = items.last else { return Page(rows: items, next: nil) }
        return Page(rows: items, next: PageCursor(microseconds: try last.decode(Int64.self, "cursor_us"), key: key(lastItem)))
    }
}
