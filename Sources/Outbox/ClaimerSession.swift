import Foundation
import Logging
import Postgres
import Primitives

/// The PostgreSQL session that says a claimer is alive: it holds a session-level advisory lock
/// named after the claimer (``Outbox/owner``) for as long as the worker runs.
///
/// A delivery claimed by a worker whose session the server has ended — the process was killed,
/// its pod OOM-killed, its host lost power and TCP keepalives ran out — can be claimed again by
/// any other worker at once, instead of after the time lease (2 minutes). While the claimer's
/// session lives, its claims are safe from takeover until the lease runs out, so a receiver that
/// hangs is never sent the same delivery by a second worker.
///
/// One session per claimer and database in the process, shared by every ``Outbox`` value with
/// that owner (so a configuration reload never lets the lock lapse); it closes when the last of
/// them is gone.
public actor ClaimerSession {
    /// The lock's first key: "CWLV" (ChannelWatch liveness), apart from the one-key advisory
    /// locks of partner polls and migrations. The second key is `hashtext(owner)`.
    public static let lockClass: Int32 = 0x4357_4C56

    /// The SQL condition "the claimer named by `ownerExpression` is alive", for claim queries.
    /// Advisory locks belong to one database, as the outbox does.
    static func isAlive(_ ownerExpression: String) -> String {
        "EXISTS (SELECT 1 FROM pg_locks AS l WHERE l.granted AND \(isLock(ownerExpression)))"
    }

    /// The condition on a `pg_locks` row `l`: it is the lock of the claimer `ownerExpression` names.
    private static func isLock(_ ownerExpression: String) -> String {
        """
        l.locktype = 'advisory' AND l.objsubid = 2 AND l.classid = \(lockClass)::oid
        AND l.objid = hashtext(\(ownerExpression))::oid
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        """
    }

    public nonisolated let owner: String
    private let configuration: PostgresConfiguration
    private let logger: Logger
    private var connection: PostgresConnection?

    init(owner: String, configuration: PostgresConfiguration, logger: Logger) {
        self.owner = owner
        self.configuration = configuration
        self.logger = logger
    }

    private static let sessions = LockedBox<[String: WeakSession]>([:])

    private struct WeakSession {
        weak var session: ClaimerSession?
    }

    /// The session for `owner` on `database`, shared within the process.
    public static func shared(owner: String, database: PostgresClient) -> ClaimerSession {
        let key = "\(owner)\u{0}\(database.configuration.connectionString)"
        return sessions.withLock { sessions in
            if let existing = sessions[key]?.session { return existing }
            sessions = sessions.filter { $0.value.session != nil }
            let created = ClaimerSession(owner: owner, configuration: database.configuration,
                                         logger: Logger(label: "channelwatch.outbox"))
            sessions[key] = WeakSession(session: created)
            return created
        }
    }

    /// Makes sure this claimer's lock is held, reconnecting when the session was lost (the
    /// server restarted, the network failed). Returns false when another session holds the same
    /// key (an earlier process with the same owner name that the server still believes alive):
    /// claims are still safe, they fall back to the time lease. Throws when the database cannot
    /// be reached.
    @discardableResult
    public func hold() async throws -> Bool {
        if let connection {
            do {
                return try await acquire(on: connection)
            } catch let error as PostgresError where error.isConnectionProblem {
                await connection.close()
                self.connection = nil
                logger.warning("the delivery claimer session was lost (\(error)); reconnecting")
            }
            // Anything else (a cancelled pass at shutdown, a statement error) leaves the session,
            // and with it the lock, as it is: closing it would hand this worker's claims to others.
        }
        let opened = try await PostgresConnection.connect(configuration, logger: logger)
        // The server ends this session, and so releases the lock, within about 11 s of this
        // host going silent (keepalive probes after 5 s idle, every 2 s, 3 unanswered), rather
        // than after the operating system's default two hours. Over a Unix socket these are ignored.
        try await opened.runScript("""
            SET tcp_keepalives_idle = 5; SET tcp_keepalives_interval = 2; SET tcp_keepalives_count = 3;
            SET tcp_user_timeout = 11000; SET application_name = 'channelwatch claimer'
            """)
        connection = opened
        return try await acquire(on: opened)
    }

    /// Holds the lock (already held, or taken now); re-entrant without stacking lock counts.
    private func acquire(on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query("""
            SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_locks AS l WHERE l.pid = pg_backend_pid() AND \(Self.isLock("$1")))
                   THEN true ELSE pg_try_advisory_lock(\(Self.lockClass), hashtext($1)) END AS held
            """, [.text(owner)])
        return try rows.first?.decode(Bool.self, "held") ?? false
    }

    /// Ends the session now (the lock is released with it); the next ``hold()`` opens a new one.
    public func close() async {
        await connection?.close()
        connection = nil
    }
}
