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

        enum CodingKeys: String, CodingKey {
            case id, event, status, duplicates, bytes, names, outcome
            case partnerID = "partner_id", eventKey = "event_key", receivedAt = "received_at"
        }
    }

    /// Inbound events, newest first; `event` filters by name, `partner` and `since` as for events.
    public func inboundWebhooks(_ filter: Filter, event: String?) async throws -> [InboundRow] {
        let rows = try await database.query("""
            SELECT id, partner_id, event, event_key, received_at, status, duplicates, octet_length(body) AS bytes,
                   names, outcome
            FROM inbound_webhooks
            WHERE ($1::text IS NULL OR partner_id = $1) AND ($2::text IS NULL OR event = $2)
              AND ($3::timestamptz IS NULL OR received_at >= $3)
            ORDER BY received_at DESC, id DESC LIMIT $4
            """, [PostgresValue(filter.partner), PostgresValue(event), filter.since.map(PostgresValue.timestamp) ?? .null,
                  .int64(Int64(filter.limit))])
        return try rows.map { row in
            InboundRow(id: try row.decode(Int64.self, "id"), partnerID: try row.decode(String.self, "partner_id"),
                       event: try row.decode(String.self, "event"), eventKey: try row.decode(String.self, "event_key"),
                       receivedAt: try row.decode(Date.self, "received_at"), status: try row.decode(String.self, "status"),
                       duplicates: try row.decode(Int.self, "duplicates"), bytes: try row.decode(Int.self, "bytes"),
                       names: try row.decodeJSON([String: [String]].self, "names"),
                       outcome: try row.isNull("outcome") ? nil : try row.decodeJSON(JSONValue.self, "outcome"))
        }
    }
}
