import Foundation
import Logging
import Postgres

/// A throwaway PostgreSQL server for tests: `initdb` into a fresh temporary directory, trust
/// authentication, listening on 127.0.0.1 and a unix socket inside that directory.
///
/// Authentication is `trust`, except that members of the role `password_required` must log in
/// over TCP with a SCRAM password — for tests of authentication failures.
///
/// ``shared()`` starts one cluster per test process on first use and removes it at exit; tests
/// that stop the server (``stop()``/``start()``) should ``launch()`` their own so they do not
/// pull the database out from under tests running in parallel.
public final class PostgresCluster: Sendable {
    /// The temporary directory holding `data/`, the server log and the unix socket.
    public var directory: URL { server.directory }
    /// The TCP port on 127.0.0.1.
    public var port: Int { server.port }
    /// The superuser name (trust authentication, no password).
    public var superuser: String { server.superuser }
    /// A client connected as superuser to the `postgres` database, for CREATE/DROP DATABASE.
    public let adminClient: PostgresClient

    private let server: PrivatePostgres

    private init(server: PrivatePostgres) {
        self.server = server
        self.adminClient = PostgresClient(
            PostgresConfiguration(
                connectionString: server.connectionString() + "?connect_timeout=5",
                applicationName: "channelwatch-test-admin", poolSize: 2),
            logger: Logger(label: "test.postgres.cluster"))
    }

    /// The URI of `database` on this cluster, as the superuser.
    public func connectionString(database: String) -> String {
        server.connectionString(database: database)
    }

    /// The cluster shared by every test in this process, started on first call (thread-safe).
    public static func shared() async throws -> PostgresCluster {
        try await PostgresClusterRegistry.shared.sharedCluster()
    }

    /// Initialises and starts a new cluster owned by the caller; it is also removed at process exit.
    public static func launch() async throws -> PostgresCluster {
        PostgresClusterRegistry.removeAbandonedClusters()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("channelwatch-pg-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())")
        PostgresClusterRegistry.removeAtExit(directory)
        let server = try await PrivatePostgres.start(
            in: directory,
            settings: PrivatePostgres.disposableSettings + ["max_connections=400", "shared_buffers=32MB"],
            beforeFirstStart: { data in
                try Data("\(getpid())\n".utf8).write(to: directory.appendingPathComponent(PostgresClusterRegistry.ownerFile))
                try requirePasswordsForGroup(in: data.appendingPathComponent("pg_hba.conf"))
            })
        let cluster = PostgresCluster(server: server)
        try await cluster.adminClient.execute("CREATE ROLE password_required NOLOGIN")
        return cluster
    }

    /// Starts the server (again) on the same port and waits until it accepts connections.
    public func start() async throws {
        try await server.start()
    }

    /// Stops the server (fast shutdown: sessions are terminated) and waits until it is down.
    public func stop() async throws {
        try await server.stop()
    }

    /// Terminates every session connected to `database` (except the admin's own); returns how many.
    @discardableResult
    public func terminateBackends(database: String) async throws -> Int {
        let rows = try await adminClient.query(
            """
            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 5000)) AS terminated
            FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()
            """, [.text(database)])
        return try rows.first?.decode(Int.self, "terminated") ?? 0
    }

    /// Stops the server and deletes its directory.
    public func destroy() async {
        await adminClient.close()
        _ = try? await stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The server log so far, for failure messages.
    public func serverLog() -> String {
        server.serverLog()
    }
}

/// Puts SCRAM lines for members of `password_required` above initdb's trust lines (first match wins).
private func requirePasswordsForGroup(in hbaFile: URL) throws {
    let original = try String(contentsOf: hbaFile, encoding: .utf8)
    let rules = """
        host all +password_required 127.0.0.1/32 scram-sha-256
        host all +password_required ::1/128 scram-sha-256

        """
    try Data((rules + original).utf8).write(to: hbaFile)
}
