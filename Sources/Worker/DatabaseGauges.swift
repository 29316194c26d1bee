import Postgres

/// Reads the gauges that live in the database — pending and dead deliveries, the oldest pending
/// one's age, firing alerts per rule, each partner's channels by state — into ``WorkerMetrics``.
/// Every replica reports the same values.
public struct DatabaseGauges: Sendable {
    /// Where the outbox and alerts are.
    public let database: PostgresClient
    /// Where the gauges are written.
    public let metrics: WorkerMetrics

    /// Gauges of `database` written to `metrics`.
    public init(database: PostgresClient, metrics: WorkerMetrics) {
        self.database = database
        self.metrics = metrics
    }

    /// Queries the database once and updates the gauges; throws if the database fails.
    public func refresh() async throws {
        let queue = try await database.query("""
            SELECT count(*) AS depth,
                   coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS oldest_age
            FROM deliveries WHERE status = 'pending'
            """)[0]
        metrics.setDeliveryQueue(depth: try queue.decode(Int.self, "depth"),
                                 oldestPendingAgeSeconds: try queue.decode(Double.self, "oldest_age"))
        let dead = try await database.query("SELECT count(*) AS dead FROM deliveries WHERE status = 'dead'")[0]
        metrics.setDeliveriesDead(try dead.decode(Int.self, "dead"))
        var states: [WorkerMetrics.ChannelStateKey: Int] = [:]
        for row in try await database.query("SELECT partner_id, field, value, channels FROM channel_state_counts") {
            states[WorkerMetrics.ChannelStateKey(partner: try row.decode(String.self, "partner_id"),
                                                 field: try row.decode(String.self, "field"),
                                                 value: try row.decode(String.self, "value"))] = try row.decode(Int.self, "channels")
        }
        metrics.setChannelsByState(states)
        let firing = try await database.query(
            "SELECT rule, count(*) AS firing FROM alerts WHERE status = 'firing' GROUP BY rule")
        var counts: [String: Int] = [:]
        for row in firing {
            counts[try row.decode(String.self, "rule")] = try row.decode(Int.self, "firing")
        }
        metrics.setAlertsFiring(counts)
    }
}
