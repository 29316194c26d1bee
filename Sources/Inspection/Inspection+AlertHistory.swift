import Alerting
import Foundation
import JSON
import Postgres

extension Inspection {
    /// An alert with its story: the events of its rule on its channel, the earlier alerts, the
    /// deliveries that carried them, and the channel as last stored.
    public struct AlertHistory: Encodable, Sendable {
        public var alert: AlertRow
        /// The rule's events on this channel, newest first (at most 100).
        public var events: [EventRow]
        /// Every alert of this rule on this channel, newest first (at most 50), this one included.
        public var alerts: [AlertRow]
        /// The deliveries that carried those events.
        public var deliveries: [DeliveryRow]
        /// The watched fields of the channel's stored snapshot, and whether it is missing.
        public var current: [String: String]
        public var missingSince: Date?

        enum CodingKeys: String, CodingKey {
            case alert, events, alerts, deliveries, current
            case missingSince = "missing_since"
        }
    }

    /// The story of alert `id`; nil when there is no such alert.
    public func alertHistory(id: UUID) async throws -> AlertHistory? {
        guard let alert = try await alert(id: id) else { return nil }
        let scope = Filter(partner: alert.partnerID, channel: alert.channelID, rule: alert.rule)
        let events = try await events(Filter(partner: scope.partner, channel: scope.channel, rule: scope.rule, limit: 100)).rows
        let alerts = try await alerts(Filter(partner: scope.partner, channel: scope.channel, rule: scope.rule, limit: 50)).rows
        let deliveries = try await deliveries(carrying: events.map(\.event.id))
        var current: [String: String] = [:]
        var missingSince: Date?
        if let row = try await database.query("""
            SELECT document, missing_since FROM channel_snapshots WHERE partner_id = $1 AND channel_id = $2
            """, [.text(alert.partnerID), .text(alert.channelID)]).first {
            let document = try JSONValue(parsing: try row.decode(Data.self, "document"))
            for field in PortfolioField.allCases { current[field.rawValue] = field.value(in: document) }
            missingSince = try row.decode(Date?.self, "missing_since")
        }
        return AlertHistory(alert: alert, events: events, alerts: alerts, deliveries: deliveries, current: current,
                            missingSince: missingSince)
    }
}
