import Alerting
import Config
import Foundation
import Postgres

/// Silences in PostgreSQL, shared by every replica: added, listed, expired, and read by the
/// recorder when it decides what to deliver.
public struct SilenceStore: Sendable {
    public let database: PostgresClient

    public init(database: PostgresClient) { self.database = database }

    /// Stores a validated silence.
    public func add(_ silence: Silence) async throws {
        try await database.execute("""
            INSERT INTO silences (id, matchers, starts_at, ends_at, comment, created_by, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, [.uuid(silence.id), .jsonb(Self.matchersJSON(silence.matchers)), .timestamp(silence.startsAt),
                  .timestamp(silence.endsAt), .text(silence.comment), .text(silence.createdBy), .timestamp(silence.createdAt)])
    }

    /// Pending and active silences at `time` (expired ones too with `includeExpired`), newest first.
    public func list(at time: Date, includeExpired: Bool = false) async throws -> [Silence] {
        try await database.query("""
            SELECT \(Self.columns) FROM silences WHERE $1 OR ends_at > $2 ORDER BY created_at DESC, id DESC
            """, [.bool(includeExpired), .timestamp(time)]).map(Self.silence(row:))
    }

    /// One silence by id.
    public func find(_ id: UUID) async throws -> Silence? {
        try await database.query("SELECT \(Self.columns) FROM silences WHERE id = $1", [.uuid(id)])
            .first.map(Self.silence(row:))
    }

    /// What expiring a silence did.
    public enum ExpireResult: Sendable, Equatable {
        /// It ends at the given time now (a pending one never starts).
        case expired(Silence)
        /// It had already ended; nothing changed.
        case alreadyExpired(Silence)
        /// No silence has that id.
        case notFound
    }

    /// Ends a silence at `time`: an active one stops holding, a pending one never starts.
    public func expire(_ id: UUID, at requested: Date) async throws -> ExpireResult {
        // Whole milliseconds, rounded down: PostgreSQL keeps microseconds, and an end stored a
        // fraction after `requested` would still count as active at `requested`.
        let time = Date(timeIntervalSince1970: (requested.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        let rows = try await database.query("""
            UPDATE silences SET ends_at = $2, starts_at = LEAST(starts_at, $2)
            WHERE id = $1 AND ends_at > $2 RETURNING \(Self.columns)
            """, [.uuid(id), .timestamp(time)])
        if let row = rows.first { return .expired(try Self.silence(row: row)) }
        if let silence = try await find(id) { return .alreadyExpired(silence) }
        return .notFound
    }

    /// The silences active at `time`, read inside the recording transaction.
    static func active(at time: Date, on connection: PostgresConnection) async throws -> [Silence] {
        try await connection.query("""
            SELECT \(columns) FROM silences WHERE starts_at <= $1 AND ends_at > $1
            """, [.timestamp(time)]).map(silence(row:))
    }

    private static let columns = "id, matchers, starts_at, ends_at, comment, created_by, created_at"

    private struct StoredMatcher: Codable {
        var label: String
        var match: String
    }

    private static func matchersJSON(_ matchers: [LabelMatcher]) -> Data {
        (try? JSONEncoder().encode(matchers.map { StoredMatcher(label: $0.label, match: $0.written) })) ?? Data("[]".utf8)
    }

    private static func silence(row: PostgresRow) throws -> Silence {
        let stored = try row.decodeJSON([StoredMatcher].self, "matchers")
        return Silence(id: try row.decode(UUID.self, "id"),
                       matchers: stored.map { LabelMatcher(label: $0.label, written: $0.match) },
                       startsAt: try row.decode(Date.self, "starts_at"), endsAt: try row.decode(Date.self, "ends_at"),
                       comment: try row.decode(String.self, "comment"), createdBy: try row.decode(String.self, "created_by"),
                       createdAt: try row.decode(Date.self, "created_at"))
    }
}
