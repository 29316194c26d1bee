import Alerting
import Foundation
import Postgres

/// A partner's row in `partner_state`, locked for the duration of the recording transaction,
/// so two recorders of the same partner (two replicas, a manual `poll`) take turns.
struct PartnerStateRow {
    let partnerID: String
    let consecutiveFailures: Int
    let lastCompletePollAt: Date?
    let rulesFingerprint: String?

    static func lock(_ partnerID: String, on connection: PostgresConnection) async throws -> PartnerStateRow {
        try await connection.execute(
            "INSERT INTO partner_state (partner_id) VALUES ($1) ON CONFLICT (partner_id) DO NOTHING", [.text(partnerID)])
        let row = try await connection.query("""
            SELECT consecutive_failures, last_complete_poll_at, rules_fingerprint
            FROM partner_state WHERE partner_id = $1 FOR UPDATE
            """, [.text(partnerID)])[0]
        return PartnerStateRow(
            partnerID: partnerID,
            consecutiveFailures: try row.decode(Int.self, "consecutive_failures"),
            lastCompletePollAt: try row.decode(Date?.self, "last_complete_poll_at"),
            rulesFingerprint: try row.decode(String?.self, "rules_fingerprint"))
    }

    func recordComplete(at time: Date, rulesFingerprint: String, on connection: PostgresConnection) async throws {
        try await connection.execute("""
            UPDATE partner_state SET consecutive_failures = 0, last_poll_at = $2, last_complete_poll_at = $2,
                rules_fingerprint = $3
            WHERE partner_id = $1
            """, [.text(partnerID), .timestamp(time), .text(rulesFingerprint)])
    }

    /// Counts one more failed poll and returns the streak's length.
    func recordFailure(at time: Date, on connection: PostgresConnection) async throws -> Int {
        let rows = try await connection.query("""
            UPDATE partner_state SET consecutive_failures = consecutive_failures + 1, last_poll_at = $2
            WHERE partner_id = $1 RETURNING consecutive_failures
            """, [.text(partnerID), .timestamp(time)])
        return try rows[0].decode(Int.self, "consecutive_failures")
    }
}
