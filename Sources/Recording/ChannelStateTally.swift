import Alerting
import JSON
import Postgres

/// How one recording changes a partner's channel counts per field value (`channel_state_counts`):
/// a channel written takes its old values out (when it was present) and puts its new ones in; a
/// channel gone takes its values out. Written in the recording's transaction, so the counts
/// move with the snapshots or not at all.
struct ChannelStateTally {
    /// Per field, per value: the change in channels.
    private var deltas: [PortfolioField: [String: Int]] = [:]

    /// A channel now present with `document`.
    mutating func add(_ document: JSONValue) { count(document, by: 1) }

    /// A channel that was present with `document` and is no longer, or no longer so.
    mutating func remove(_ document: JSONValue) { count(document, by: -1) }

    private mutating func count(_ document: JSONValue, by step: Int) {
        for field in PortfolioField.allCases {
            deltas[field, default: [:]][field.value(in: document), default: 0] += step
        }
    }

    /// The non-zero changes, as (field, value, delta).
    var changes: [(field: PortfolioField, value: String, delta: Int)] {
        deltas.flatMap { field, values in values.compactMap { $0.value == 0 ? nil : (field, $0.key, $0.value) } }
    }

    /// Applies the changes to the partner's counts and drops the values no channel has any more.
    func write(partnerID: String, on connection: PostgresConnection) async throws {
        let changes = self.changes
        guard !changes.isEmpty else { return }
        // The partner's row is locked for the recording, so no other session adds these rows meanwhile.
        try await connection.execute("""
            WITH x AS (
                SELECT * FROM unnest($2::text[], $3::text[], $4::text[]::int8[]) AS x(field, value, delta)
            ), updated AS (
                UPDATE channel_state_counts c SET channels = greatest(c.channels + x.delta, 0)
                FROM x WHERE c.partner_id = $1 AND c.field = x.field AND c.value = x.value
                RETURNING c.field, c.value
            )
            INSERT INTO channel_state_counts (partner_id, field, value, channels)
            SELECT $1, x.field, x.value, x.delta FROM x
            WHERE x.delta > 0 AND NOT EXISTS (SELECT 1 FROM updated u WHERE u.field = x.field AND u.value = x.value)
            """, [.text(partnerID), .textArray(changes.map(\.field.rawValue)), .textArray(changes.map(\.value)),
                  .textArray(changes.map { String($0.delta) })])
        try await connection.execute("DELETE FROM channel_state_counts WHERE partner_id = $1 AND channels = 0", [.text(partnerID)])
    }
}
