import Foundation
import Logging
import Postgres

/// A fresh, empty database for one test, on a real PostgreSQL server.
///
/// The server is the one `DATABASE_URL` (or the `PG*` variables) names when reachable, otherwise one
/// throwaway cluster per test process (see ``PostgresCluster``). Each TestDatabase is its own
/// `CREATE DATABASE cwtest_...`, so tests running in parallel never see each other's rows.
public final class TestDatabase: Sendable {
    /// The database name, `cwtest_<test name>_<random>`.
    public let name: String
    /// How to reach this database (a URI on the throwaway cluster, a conninfo on an external server).
    public let connectionString: String
    /// A configuration for ``connectionString``.
    public let configuration: PostgresConfiguration
    /// A ready client for this database.
    public let client: PostgresClient
    /// The throwaway cluster holding the database, or nil on an external server.
    public let cluster: PostgresCluster?

    private let adminClient: PostgresClient

    private init(
        name: String, configuration: PostgresConfiguration, client: PostgresClient,
        cluster: PostgresCluster?, adminClient: PostgresClient
    ) {
        self.name = name
        self.connectionString = configuration.connectionString
        self.configuration = configuration
        self.client = client
        self.cluster = cluster
        self.adminClient = adminClient
    }

    /// Creates an empty database on the shared server (or on `cluster` when given).
    public static func create(
        function: String = #function, on cluster: PostgresCluster? = nil, poolSize: Int = 4,
        logger: Logger = Logger(label: "test.postgres")
    ) async throws -> TestDatabase {
        let server: PostgresTestServer = if let cluster { .cluster(cluster) } else {
            try await PostgresClusterRegistry.shared.server()
        }
        let name = databaseName(for: function)
        try await DatabaseServer.createDatabase(name, replacing: false, using: server.adminClient)
        let configuration: PostgresConfiguration
        switch server {
        case .cluster(let cluster):
            configuration = PostgresConfiguration(
                connectionString: cluster.connectionString(database: name), applicationName: "channelwatch-test",
                poolSize: poolSize)
        case .external(let admin):
            guard var replaced = admin.configuration.replacingDatabase(with: name) else {
                throw ProcessRunnerError(message: "DATABASE_URL is not a valid libpq connection string")
            }
            replaced.poolSize = poolSize
            replaced.applicationName = "channelwatch-test"
            configuration = replaced
        }
        let cluster: PostgresCluster? = if case .cluster(let cluster) = server { cluster } else { nil }
        return TestDatabase(
            name: name, configuration: configuration, client: PostgresClient(configuration, logger: logger),
            cluster: cluster, adminClient: server.adminClient)
    }

    /// Runs `body` with a fresh database and drops it afterwards, also when `body` throws.
    public static func with<R>(
        function: String = #function, on cluster: PostgresCluster? = nil,
        _ body: (TestDatabase) async throws -> R
    ) async throws -> R {
        let database = try await create(function: function, on: cluster)
        do {
            let result = try await body(database)
            try await database.drop()
            return result
        } catch {
            try? await database.drop()
            throw error
        }
    }

    /// Closes the client and drops the database, disconnecting anyone still connected.
    public func drop() async throws {
        await client.close()
        try await DatabaseServer.dropDatabase(name, using: adminClient)
    }

    /// Terminates every server session connected to this database (pg_terminate_backend, waiting
    /// for each to exit — up to 60 s, as a loaded machine can be slow); returns how many exited.
    /// Simulates a lost connection.
    @discardableResult
    public func terminateConnections() async throws -> Int {
        let rows = try await adminClient.query(
            """
            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 60000)) AS terminated
            FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()
            """, [.text(name)])
        return try rows.first?.decode(Int.self, "terminated") ?? 0
    }

    /// A new configuration for this database, e.g. for a second, independent client.
    public func configuration(poolSize: Int) -> PostgresConfiguration {
        var copy = configuration
        copy.poolSize = poolSize
        return copy
    }

    /// `cwtest_` + the test's name reduced to `[a-z0-9_]` + 8 random hex digits; at most 63 bytes.
    static func databaseName(for function: String) -> String {
        let cleaned = function.lowercased().unicodeScalars.map { scalar -> Character in
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) ? Character(scalar) : "_"
        }
        let stem = String(String(cleaned).split(separator: "_").joined(separator: "_").prefix(40))
        let random = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(8).lowercased()
        return "cwtest_\(stem)_\(random)"
    }
}
