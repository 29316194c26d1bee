import Foundation
import JSON
import Postgres
import Primitives

/// The `inbound_webhooks` table: accepted events, committed before they are answered, then
/// processed once by whichever worker claims them.
public struct InboundInbox: Sendable {
    /// The channel a stored event is announced on (`pg_notify`, delivered at commit), so a
    /// worker's processing loop wakes at once.
    public static let notificationChannel = "channelwatch_inbound"
    /// A repeat of an event within this window is counted, not processed again.
    public static let repeatWindow: Duration = .seconds(7 * 86_400)

    public let database: PostgresClient

    public init(database: PostgresClient) { self.database = database }

    /// Where a stored event ended up.
    public enum Stored: Sendable, Equatable {
        /// A new row, to be processed.
        case new(id: Int64)
        /// A repeat of the row `id` received within 7 days: counted there, not processed again.
        case duplicate(id: Int64, duplicates: Int)
    }

    /// Commits `event` (with its raw `body`) for `partnerID`, or counts it as a repeat of the
    /// row with the same key received within 7 days. A row older than that is received afresh.
    public func store(partnerID: String, event: InboundEvent, key: String, body: Data) async throws -> Stored {
        let names = try PostgresValue.json(event.references)
        let text = String(decoding: body, as: UTF8.self)
        return try await database.transaction { connection in
            let rows = try await connection.query("""
                INSERT INTO inbound_webhooks (partner_id, event_key, event, body, names, waba_wide)
                VALUES ($1, $2, $3, $4, $5::jsonb, $6)
                ON CONFLICT (partner_id, event_key) DO UPDATE
                    SET duplicates = inbound_webhooks.duplicates + 1, last_duplicate_at = now()
                    WHERE inbound_webhooks.received_at > now() - make_interval(secs => $7)
                RETURNING id, duplicates, (xmax = 0) AS inserted
                """, [.text(partnerID), .text(key), .text(event.name), .text(text), names, .bool(event.concernsWholeWABA),
                      .double(Self.repeatWindow.seconds)])
            let stored: Stored
            if let row = rows.first {
                let id = try row.decode(Int64.self, "id")
                stored = try row.decode(Bool.self, "inserted") ? .new(id: id) : .duplicate(id: id, duplicates: try row.decode(Int.self, "duplicates"))
            } else {
                // The key's row is older than the window: this is a new event that happens to repeat an old key.
                let renewed = try await connection.query("""
                    UPDATE inbound_webhooks SET event = $3, body = $4, names = $5::jsonb, waba_wide = $6,
                        received_at = now(), duplicates = 0, last_duplicate_at = NULL, status = 'pending',
                        attempts = 0, processed_at = NULL, outcome = NULL
                    WHERE partner_id = $1 AND event_key = $2 RETURNING id
                    """, [.text(partnerID), .text(key), .text(event.name), .text(text), names, .bool(event.concernsWholeWABA)])
                guard let row = renewed.first else { throw InboundStoreError(message: "the event's row vanished while it was stored") }
                stored = .new(id: try row.decode(Int64.self, "id"))
            }
            if case .new = stored {
                try await connection.notify(Self.notificationChannel, payload: partnerID)
            }
            return stored
        }
    }
}

/// An inbound event could not be stored.
public struct InboundStoreError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
