import Alerting
import Foundation
import Postgres
import Rules

extension AlertEvent {
    /// The columns ``init(row:)`` reads, for `SELECT` lists.
    public static let columns = """
        id, rule, status, severity, summary, description, partner_id, field, from_value, to_value, observed_at, labels, channel, recipients
        """

    /// Reads an event from an `events` row.
    public init(row: PostgresRow) throws {
        try self.init(columns: row)
        if let recipients = try row.decode(Data?.self, "recipients") {
            self.recipients = try AlertEvent.decoder.decode([String: [String]].self, from: recipients)
        }
    }

    private init(columns row: PostgresRow) throws {
        self.init(
            id: try row.decode(UUID.self, "id"), rule: try row.decode(String.self, "rule"),
            status: try row.decode(FactStatus.self, "status"), severity: try row.decode(Severity.self, "severity"),
            summary: try row.decode(String.self, "summary"), description: try row.decode(String.self, "description"),
            partnerID: try row.decode(String.self, "partner_id"), field: try row.decode(String?.self, "field"),
            from: try row.decode(String?.self, "from_value"), to: try row.decode(String?.self, "to_value"),
            observedAt: try row.decode(Date.self, "observed_at"),
            labels: try AlertEvent.decoder.decode([String: String].self, from: try row.decode(Data.self, "labels")),
            channel: try AlertEvent.decoder.decode(ChannelSummary.self, from: try row.decode(Data.self, "channel")))
    }
}
