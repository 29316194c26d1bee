import Foundation
import JSON
import Postgres

extension InboundInbox {
    /// A pending event.
    public struct PendingRow: Sendable {
        public var event: InboundPlan.Pending
        /// The event's name.
        public var name: String
        /// The raw body, when asked for (webhook rules read it).
        public var body: String?
        /// When the listener stored it.
        public var receivedAt: Date
    }

    /// Processing an event is given up after this many failed targeted polls; a full poll is
    /// asked for instead (the poll stays the source of truth).
    public static let maximumAttempts = 5

    /// Whether the partner has a pending event: one indexed query, the check a partner loop makes
    /// every second without taking its lock.
    public static func hasPending(partnerID: String, on database: PostgresClient) async throws -> Bool {
        try await database.query(
            "SELECT EXISTS (SELECT 1 FROM inbound_webhooks WHERE partner_id = $1 AND status = 'pending') AS pending",
            [.text(partnerID)])[0].decode(Bool.self, "pending")
    }

    /// The partner's pending events, oldest first. Only the worker holding the partner's poll
    /// lock processes them, so no row lock is needed.
    public static func pending(partnerID: String, limit: Int = 1000, withBodies: Bool = false,
                               on connection: PostgresConnection) async throws -> [PendingRow] {
        try await connection.query("""
            SELECT id, names, waba_wide, event, received_at, CASE WHEN $3 THEN body END AS body FROM inbound_webhooks
            WHERE partner_id = $1 AND status = 'pending' ORDER BY id LIMIT $2
            """, [.text(partnerID), .int64(Int64(limit)), .bool(withBodies)]).map { row in
            PendingRow(event: InboundPlan.Pending(id: try row.decode(Int64.self, "id"),
                                                  references: try row.decodeJSON(ChannelReferences.self, "names"),
                                                  concernsWholeWABA: try row.decode(Bool.self, "waba_wide")),
                       name: try row.decode(String.self, "event"),
                       body: try row.decode(String?.self, "body"), receivedAt: try row.decode(Date.self, "received_at"))
        }
    }

    /// The stored documents of `ids`.
    public static func documents(partnerID: String, ids: [String], on connection: PostgresConnection) async throws -> [String: JSONValue] {
        guard !ids.isEmpty else { return [:] }
        var documents: [String: JSONValue] = [:]
        for row in try await connection.query(
            "SELECT channel_id, document FROM channel_snapshots WHERE partner_id = $1 AND channel_id = ANY($2::text[])",
            [.text(partnerID), .textArray(ids)]) {
            documents[try row.decode(String.self, "channel_id")] = try JSONParser.parse(try row.decode(Data.self, "document"))
        }
        return documents
    }

    /// The stored channels `events` can name: by id, by phone digits, by WABA, and (for
    /// WABA-wide events) every channel of the WABAs those belong to.
    public static func storedChannels(partnerID: String, for events: [InboundPlan.Pending],
                                      on connection: PostgresConnection) async throws -> [InboundPlan.StoredChannel] {
        let ids = Set(events.flatMap(\.references.channelIDs))
        let digits = Set(events.flatMap(\.references.phoneDigits))
        var wabas = Set(events.flatMap(\.references.wabaIDs))
        guard !(ids.isEmpty && digits.isEmpty && wabas.isEmpty) else { return [] }
        var found = try await channels(partnerID: partnerID, ids: ids, digits: digits, wabas: wabas, on: connection)
        if events.contains(where: \.concernsWholeWABA) {
            let more = Set(found.compactMap(\.wabaID)).subtracting(wabas)
            if !more.isEmpty {
                wabas = more
                found += try await channels(partnerID: partnerID, ids: [], digits: [], wabas: wabas, on: connection)
            }
        }
        var seen = Set<String>()
        return found.filter { seen.insert($0.id).inserted }
    }

    private static func channels(partnerID: String, ids: Set<String>, digits: Set<String>, wabas: Set<String>,
                                 on connection: PostgresConnection) async throws -> [InboundPlan.StoredChannel] {
        try await connection.query("""
            SELECT channel_id, \(phoneDigitsExpression) AS digits, \(wabaExpression) AS waba
            FROM channel_snapshots
            WHERE partner_id = $1 AND (channel_id = ANY($2::text[])
                                       OR (\(phoneDigitsExpression) = ANY($3::text[]) AND \(phoneDigitsExpression) IS NOT NULL)
                                       OR (\(wabaExpression) = ANY($4::text[]) AND \(wabaExpression) IS NOT NULL))
            """, [.text(partnerID), .textArray(ids.sorted()), .textArray(digits.sorted()), .textArray(wabas.sorted())]).map { row in
            InboundPlan.StoredChannel(id: try row.decode(String.self, "channel_id"), phoneDigits: try row.decode(String?.self, "digits"),
                                      wabaID: try row.decode(String?.self, "waba"))
        }
    }

    /// The SQL of a stored channel's phone digits and WABA id; the same expressions are indexed,
    /// partially: a lookup that wants those indexes states `… IS NOT NULL` (`sql/003_lookup_indexes.sql`).
    static let phoneDigitsExpression = #"regexp_replace(document->'setup_info'->>'phone_number', '\D', '', 'g')"#
    static let wabaExpression = "(document->'waba_account'->>'id')"

    /// Marks events processed, each with its outcome (what it named, the poll that re-read it, a
    /// full poll asked for), in the transaction of that poll when there is one.
    public static func markProcessed(_ outcomes: [Int64: JSONValue], on connection: PostgresConnection) async throws {
        guard !outcomes.isEmpty else { return }
        let ids = outcomes.keys.sorted()
        try await connection.execute("""
            UPDATE inbound_webhooks AS w SET status = 'processed', processed_at = now(), attempts = w.attempts + 1,
                outcome = x.outcome::jsonb
            FROM unnest($1::text[], $2::text[]) AS x(id, outcome)
            WHERE w.id = x.id::bigint AND w.status = 'pending'
            """, [.textArray(ids.map(String.init)),
                  .textArray(ids.map { String(decoding: outcomes[$0]!.compactJSON(), as: UTF8.self) })])
    }

    /// Marks the deliveries queued by the current transaction as caused by inbound events first
    /// received at `time` (PostgreSQL's `now()` is the transaction's start, the same for all of
    /// them), for the receipt → notification latency.
    public static func markDeliveriesCaused(receivedAt time: Date, on connection: PostgresConnection) async throws {
        try await connection.execute("""
            UPDATE deliveries SET inbound_received_at = $1
            WHERE created_at = now() AND status = 'pending' AND inbound_received_at IS NULL
            """, [.timestamp(time)])
    }

    /// Counts a failed attempt; after ``maximumAttempts`` the events are `failed` with `reason`.
    /// Returns the ids given up on.
    @discardableResult
    public static func markAttemptFailed(_ ids: [Int64], reason: String, on connection: PostgresConnection) async throws -> [Int64] {
        guard !ids.isEmpty else { return [] }
        let outcome = String(decoding: JSONValue.object(["error": .string(reason)]).compactJSON(), as: UTF8.self)
        return try await connection.query("""
            UPDATE inbound_webhooks SET attempts = attempts + 1,
                status = CASE WHEN attempts + 1 >= $2 THEN 'failed' ELSE status END,
                processed_at = CASE WHEN attempts + 1 >= $2 THEN now() ELSE processed_at END,
                outcome = $3::jsonb
            WHERE id = ANY($1::text[]::bigint[]) AND status = 'pending'
            RETURNING id, status
            """, [.textArray(ids.map(String.init)), .int64(Int64(maximumAttempts)), .text(outcome)])
            .filter { try $0.decode(String.self, "status") == "failed" }
            .map { try $0.decode(Int64.self, "id") }
    }
}
