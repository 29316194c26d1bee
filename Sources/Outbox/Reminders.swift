import Alerting
import Foundation
import Postgres

/// `repeat_interval`: a still-firing alert is notified again through each route that
/// asks for it, once per interval, grouped like the original notification.
public enum Reminders {
    /// Remembers, for each fired event that is notified through a route with a repeat interval,
    /// when it was last notified through that receiver.
    public static func remember(_ events: [AlertEvent], router: Router, on connection: PostgresConnection) async throws {
        var eventIDs: [String?] = [], receivers: [String?] = [], groups: [String?] = [], intervals: [String?] = []
        for event in events where event.status == .firing && !event.channel.id.isEmpty {
            for target in router.targets(for: event) {
                guard let interval = target.repeatInterval else { continue }
                eventIDs.append(event.id.uuidString)
                receivers.append(target.receiver)
                groups.append(target.groupKey)
                intervals.append(String(interval.components.seconds))
            }
        }
        guard !eventIDs.isEmpty else { return }
        try await connection.execute("""
            INSERT INTO alert_notifications (alert_id, receiver, group_key, repeat_interval_seconds, last_notified_at)
            SELECT a.id, x.receiver, x.group_key, x.seconds::bigint, now()
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS x(event_id, receiver, group_key, seconds)
            JOIN alerts a ON a.fired_event_id = x.event_id::uuid
            ON CONFLICT (alert_id, receiver) DO NOTHING
            """, [.textArray(eventIDs), .textArray(receivers), .textArray(groups), .textArray(intervals)])
    }

    /// The ids of the events (of due reminders) that are not to be sent now, asked inside the
    /// transaction that queues the reminders.
    public typealias Withheld = @Sendable (_ events: [AlertEvent], _ connection: PostgresConnection) async throws -> Set<UUID>

    /// Queues a reminder delivery for every due (alert, receiver), grouped per (receiver, group
    /// key); returns how many deliveries were queued. Safe with several workers (SKIP LOCKED).
    /// A reminder whose event is `withheld` (silenced, inhibited) is skipped for this interval.
    public static func queueDue(database: PostgresClient, withheld: Withheld? = nil) async throws -> Int {
        try await database.transaction { connection in
            let due = try await connection.query("""
                WITH due AS (
                    SELECT n.alert_id, n.receiver, n.group_key, a.fired_event_id
                    FROM alert_notifications n JOIN alerts a ON a.id = n.alert_id
                    WHERE a.status = 'firing'
                      AND n.last_notified_at + make_interval(secs => n.repeat_interval_seconds) <= now()
                    FOR UPDATE OF n SKIP LOCKED)
                UPDATE alert_notifications AS n SET last_notified_at = now()
                FROM due WHERE n.alert_id = due.alert_id AND n.receiver = due.receiver
                RETURNING due.receiver, due.group_key, due.fired_event_id
                """)
            guard !due.isEmpty else { return 0 }
            let eventIDs = try due.map { try $0.decode(UUID.self, "fired_event_id").uuidString }
            let events = try await connection.query(
                "SELECT \(AlertEvent.columns) FROM events WHERE id = ANY($1::uuid[]) ORDER BY observed_at, channel_id",
                [.textArray(eventIDs)]).map(AlertEvent.init(row:))
            let skipped = try await withheld?(events, connection) ?? []
            let byID = Dictionary(events.filter { !skipped.contains($0.id) }.map { ($0.id, $0) },
                                  uniquingKeysWith: { first, _ in first })
            let planned = Grouping.collect(try due.compactMap { row -> (receiver: String, groupKey: String, event: AlertEvent)? in
                guard let event = byID[try row.decode(UUID.self, "fired_event_id")] else { return nil }
                return (try row.decode(String.self, "receiver"), try row.decode(String.self, "group_key"), event)
            })
            try await DeliveryWriter.insert(planned, kind: .reminder, on: connection)
            return planned.count
        }
    }
}
