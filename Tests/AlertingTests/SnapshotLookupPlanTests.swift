import Alerting
import Postgres
import Testing

/// A channel's snapshot is found through the primary key even when the statistics say the
/// table is empty: autovacuum's ANALYZE during a large first poll counts that poll's
/// uncommitted rows as absent, and an index that also led with partner_id then looked as
/// cheap, so each lookup read every row of the partner (a 1,000,000-channel first poll did not
/// finish in 500 s).
@Suite struct SnapshotLookupPlanTests {
    @Test func aLookupByChannelUsesThePrimaryKeyWhenTheStatisticsSayTheTableIsEmpty() async throws {
        let h = try await AlertingHarness.make()
        defer { Task { [h] in try? await h.database.drop() } }
        let client = h.database.client
        try await client.execute("""
            INSERT INTO channel_snapshots (partner_id, channel_id, document, fingerprint, first_seen_at, changed_at)
            SELECT 'p1', 'c' || n, jsonb_build_object('id', 'c' || n, 'waba_account', jsonb_build_object('id', 'w1'),
                                                     'setup_info', jsonb_build_object('phone_number', '+49 151 ' || n)),
                   'f', now(), now()
            FROM generate_series(1, 20000) AS n
            """)
        try await client.execute("ANALYZE channel_snapshots")
        // The partial WABA index still serves the lookups that state its condition, as inbound events do.
        let byWABA = try await plan("""
            SELECT channel_id FROM channel_snapshots WHERE partner_id = 'p1'
              AND ((document->'waba_account'->>'id') = ANY('{w1}') AND (document->'waba_account'->>'id') IS NOT NULL)
            """, client)
        #expect(byWABA.contains("channel_snapshots_waba"), "\(byWABA)")
        // What ANALYZE records when the pages hold only another transaction's uncommitted rows.
        try await client.execute("UPDATE pg_class SET reltuples = 0 WHERE oid = 'channel_snapshots'::regclass")
        let byChannel = try await plan("SELECT fingerprint FROM channel_snapshots WHERE partner_id = 'p1' AND channel_id = 'c42'", client)
        #expect(byChannel.contains("channel_snapshots_pkey"), "\(byChannel)")
    }

    private func plan(_ sql: String, _ client: PostgresClient) async throws -> String {
        try await client.query("EXPLAIN " + sql).map { try $0.decode(String.self, "QUERY PLAN") }.joined(separator: "\n")
    }
}
