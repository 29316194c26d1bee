import Alerting
import Foundation
import Postgres
import Rules

/// Raising and resolving the system alerts that concern a partner's polls, `poll_failing` and
/// `api_auth_failed`, inside the poll's recording transaction.
extension SystemAlerts {
    /// After a failed poll: `api_auth_failed` on 401/403, `poll_failing` once the streak reaches the threshold.
    static func fireAfterFailedPoll(_ poll: ObservedPoll, consecutiveFailures: Int, failingAfter: Int,
                                    writer: inout EventWriter, on connection: PostgresConnection) async throws {
        guard let failure = poll.failure else { return }
        if failure.isAuthFailure, try await !isOpen(apiAuthFailed, partnerID: poll.partnerID, on: connection) {
            writer.addSystem(
                rule: apiAuthFailed, status: .firing, severity: "critical",
                summary: "Partner API rejected the API key of partner \(poll.partnerID)",
                description: "HTTP \(failure.httpStatus ?? 0): \(failure.message). Check the partner's api_key.")
        }
        if consecutiveFailures >= failingAfter, try await !isOpen(pollFailing, partnerID: poll.partnerID, on: connection) {
            writer.addSystem(
                rule: pollFailing, status: .firing, severity: "critical",
                summary: "Polling partner \(poll.partnerID) has failed \(consecutiveFailures) times in a row",
                description: "Last error: \(failure.message). Channel alerts are frozen until a poll completes.")
        }
    }

    /// After a complete poll: resolves `poll_failing` and `api_auth_failed` if they are open.
    static func resolveAfterCompletePoll(partnerID: String, writer: inout EventWriter,
                                         on connection: PostgresConnection) async throws {
        for rule in [pollFailing, apiAuthFailed] where try await isOpen(rule, partnerID: partnerID, on: connection) {
            writer.addSystem(rule: rule, status: .resolved, severity: "critical",
                             summary: "Polling partner \(partnerID) works again",
                             description: "A complete poll succeeded.")
        }
    }

    static func isOpen(_ rule: String, partnerID: String, on connection: PostgresConnection) async throws -> Bool {
        try await !connection.query(
            "SELECT 1 FROM alerts WHERE partner_id = $1 AND channel_id = '' AND rule = $2 AND status = 'firing'",
            [.text(partnerID), .text(rule)]).isEmpty
    }
}
