import Foundation
import JSON
import Postgres

extension Inspection {
    /// One inbound partner webhook as `webhooks` lists it: never its body (which the partner
    /// sent, and which may be large), only what it named and what became of it.
    public struct InboundRow: Codable, Sendable {
        public var id: Int64
        public var partnerID: String
        public var event: String
        public var eventKey: String
        public var receivedAt: Date
        public var status: String
        public var duplicates: Int
        public var bytes: Int
        /// What it named: `channel_ids`, `phone_numbers`, `waba_ids`, `client_ids`.
        public var names: [String: [String]]
        /// What processing did: channels re-read, the poll that recorded them, a full poll asked for.
        public var outcome: JSONValue?

        /// `channel c1, number 4930…, waba w1` — what it named, shortest first; nil when nothing.
        public var namedSummary: String? {
            let parts = [("channel_ids", "channel"), ("phone_numbers", "number"), ("waba_ids", "waba"), ("client_ids", "client")]
                .compactMap { key, label in names[key].flatMap { $0.isEmpty ? nil : "\(label) \($0.joined(separator: " "))" } }
            return parts.isEmpty ? nil : parts.joined(separator: ", ")
        }

        enum CodingKeys: String, CodingKey {
            case id, event, status, duplicates, bytes, names, outcome
            case partnerID = "partner_id", eventKey = "event_key", receivedAt = "received_at"
        }
    }

    /// Inbound events, newest first, a page at a time; `event` filters by name, `partner`,
    /// `status` and `since` as for events.
    public func inboundWebhooks(_ filter: Filter) async throws -> Page<InboundRow> {
        var sql = SQLConditions()
        sql.add(filter.partner) { "partner_id = \($0)" }
        sql.add(filter.event) { "event = \($0)" }
        sql.add(filter.status) { "status = \($0)" }
        if let since = filter.since { sql.add("received_at >= \(sql.bind(.timestamp(since)))") }
        sql.addCursor(filter.cursor, time: "received_at", key: "id", keyType: "int8")
        let limit = sql.bind(.int64(Int64(filter.limit + 1)))
        let rows = try await database.query("""
            SELECT id, partner_id, event, event_key, received_at, status, duplicates, octet_length(body) AS bytes,
                   names, outcome, \(PageCursor.microsecondsSQL("received_at")) AS cursor_us
            FROM inbound_webhooks \(sql.clause)
            ORDER BY received_at DESC, id DESC LIMIT \(limit)
            """, sql.parameters)
        return try Self.page(rows, limit: filter.limit, read: Self.inboundRow) { String($0.id) }
    }

    static func inboundRow(_ row: PostgresRow) throws -> InboundRow {
        InboundRow(id: try row.decode(Int64.self, "id"), partnerID: try row.decode(String.self, "partner_id"),
                   event: try row.decode(String.self, "event"), eventKey: try row.decode(String.self, "event_key"),
                   receivedAt: try row.decode(Date.self, "received_at"), status: try row.decode(String.self, "status"),
                   duplicates: try row.decode(Int.self, "duplicates"), bytes: try row.decode(Int.self, "bytes"),
                   names: try row.decodeJSON([String: [String]].self, "names"),
                   outcome: try row.isNull("outcome") ? nil : try row.decodeJSON(JSONValue.self, "outcome"))
    }
}
