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
    public let directory: URL
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// The superuser name (trust authentication, no password).
    public let superuser = "postgres"
    /// A client connected as superuser to the `postgres` database, for CREATE/DROP DATABASE.
    public let adminClient: PostgresClient

    private let binaries: PostgresBinaries

    private init(directory: URL, port: Int, binaries: PostgresBinaries) {
        self.directory = directory
        self.port = port
        self.binaries = binaries
        self.adminClient = PostgresClient(
            PostgresConfiguration(
                connectionString: "postgresql://postgres@127.0.0.1:\(port)/postgres?connect_timeout=5",
                applicationName: "channelwatch-test-admin", poolSize: 2),
            logger: Logger(label: "test.postgres.cluster"))
    }

    /// The URI of `database` on this cluster, as the superuser.
    public func connectionString(database: String) -> String {
        "postgresql://\(superuser)@127.0.0.1:\(port)/\(database)"
    }

    /// The cluster shared by every test in this process, started on first call (thread-safe).
    public static func shared() async throws -> PostgresCluster {
        try await PostgresClusterRegistry.shared.sharedCluster()
    }

    /// Initialises and starts a new cluster owned by the caller; it is also removed at process exit.
    public static func launch() async throws -> PostgresCluster {
        let binaries = try PostgresBinaries.locate()
        PostgresClusterRegistry.removeAbandonedClusters()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("channelwatch-pg-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data("\(getpid())\n".utf8).write(to: directory.appendingPathComponent(PostgresClusterRegistry.ownerFile))
        PostgresClusterRegistry.removeAtExit(directory)
        try binaries.handOver(directory)
        try await binaries.run(
            "initdb",
            ["-D", directory.appendingPathComponent("data").path, "-U", "postgres", "-A", "trust",
             "-E", "UTF8", "--no-locale", "--no-sync"],
            in: directory)
        try requirePasswordsForGroup(in: directory.appendingPathComponent("data/pg_hba.conf"))
        var lastError: Error?
        for _ in 0..<5 {
            let cluster = PostgresCluster(directory: directory, port: try LoopbackPort.free(), binaries: binaries)
            do {
                try await cluster.start()
                try await cluster.adminClient.execute("CREATE ROLE password_required NOLOGIN")
                return cluster
            } catch {
                // Another process may have taken the port between probing and binding it.
                lastError = error
            }
        }
        throw lastError ?? ProcessRunnerError(message: "could not start PostgreSQL in \(directory.path)")
    }

    /// Starts the server (again) on the same port and waits until it accepts connections.
    public func start() async throws {
        let options = [
            "-p \(port)", "-c listen_addresses=127.0.0.1", "-k '\(directory.path)'",
            "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
            "-c max_connections=400", "-c shared_buffers=32MB",
        ].joined(separator: " ")
        try await binaries.run(
            "pg_ctl",
            ["-D", dataDirectory, "-l", directory.appendingPathComponent("server.log").path,
             "-w", "-t", "60", "-o", options, "start"],
            in: directory)
    }

    /// Stops the server (fast shutdown: sessions are terminated) and waits until it is down.
    public func stop() async throws {
        try await binaries.run("pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], in: directory)
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
        (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
    }

    private var dataDirectory: String { directory.appendingPathComponent("data").path }
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

extension PostgresCluster {
    /// A TCP port on 127.0.0.1 that nothing listens on right now, for "server unreachable" tests.
    public static func unusedLoopbackPort() throws -> Int { try LoopbackPort.free() }
}
