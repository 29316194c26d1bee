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
        let end = PollEnd.failed(message: failure.message, httpStatus: failure.httpStatus,
                                 consecutiveFailures: consecutiveFailures)
        try await apply(end, partnerID: poll.partnerID, failingAfter: failingAfter, writer: &writer, on: connection)
    }

    /// After a complete poll: resolves `poll_failing` and `api_auth_failed` if they are open.
    static func resolveAfterCompletePoll(partnerID: String, writer: inout EventWriter,
                                         on connection: PostgresConnection) async throws {
        try await apply(.complete, partnerID: partnerID, failingAfter: .max, writer: &writer, on: connection)
    }

    /// Loads the partner's firing system alerts with one query, decides, and adds the events.
    private static func apply(_ end: PollEnd, partnerID: String, failingAfter: Int, writer: inout EventWriter,
                              on connection: PostgresConnection) async throws {
        let firing = Set(try await connection.query(
            "SELECT rule FROM alerts WHERE partner_id = $1 AND channel_id = '' AND status = 'firing'",
            [.text(partnerID)]).map { try $0.decode(String.self, "rule") })
        for change in decide(after: end, partnerID: partnerID, failingAfter: failingAfter, firing: firing) {
            writer.addSystem(rule: change.rule, status: change.status, severity: change.severity,
                             summary: change.summary, description: change.description)
        }
    }
}
