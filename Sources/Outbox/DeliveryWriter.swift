import Alerting
import Foundation
import Postgres

/// Inserts planned deliveries (and which events each carries) into the outbox.
public enum DeliveryWriter {
    /// Creates the deliveries, due now by the database's clock (the one every worker's outbox uses).
    public static func insert(_ planned: [Grouping.PlannedDelivery], kind: DeliveryKind = .notification,
                       on connection: PostgresConnection) async throws {
        guard !planned.isEmpty else { return }
        var ids: [String?] = [], receivers: [String?] = [], groups: [String?] = [], payloads: [String?] = []
        var recipients: [String?] = []
        var links: (deliveries: [String?], events: [String?]) = ([], [])
        for delivery in planned {
            let id = UUID()
            let payload = Grouping.notification(for: delivery, id: id).encoded()
            ids.append(id.uuidString)
            receivers.append(delivery.receiver)
            groups.append(delivery.groupKey)
            payloads.append(String(decoding: payload, as: UTF8.self))
            recipients.append(delivery.recipient.map(AlertEvent.jsonText(of:)))
            for event in delivery.events {
                links.deliveries.append(id.uuidString)
                links.events.append(event.id.uuidString)
            }
        }
        try await connection.execute("""
            INSERT INTO deliveries (id, receiver, group_key, kind, payload, recipient, status, attempts, created_at, next_attempt_at)
            SELECT x.id::uuid, x.receiver, x.group_key, $1, x.payload::jsonb, x.recipient::jsonb, 'pending', 0, now(), now()
            FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS x(id, receiver, group_key, payload, recipient)
            """, [.text(kind.rawValue), .textArray(ids), .textArray(receivers), .textArray(groups), .textArray(payloads),
                  .textArray(recipients)])
        try await connection.execute("""
            INSERT INTO delivery_events (delivery_id, event_id)
            SELECT x.delivery_id::uuid, x.event_id::uuid FROM unnest($1::text[], $2::text[]) AS x(delivery_id, event_id)
            """, [.textArray(links.deliveries), .textArray(links.events)])
    }
}
