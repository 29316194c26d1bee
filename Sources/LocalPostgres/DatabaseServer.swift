import Foundation
import Logging
import Postgres

/// Where the demo, the bench and the tests make a database of their own: the server that
/// `DATABASE_URL` (or the `PG*` variables, or libpq's defaults) names when it answers within
/// 3 s, else a ``PrivatePostgres`` the caller starts.
public enum DatabaseServer: Sendable {
    /// A server of the user's: databases are created on it and dropped again.
    case external(PostgresConfiguration)
    /// A server started for this process.
    case `private`(PrivatePostgres)

    /// The configuration the environment names, if that server answers `SELECT 1` within 3 s.
    public static func reachableFromEnvironment(
        applicationName: String, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async -> PostgresConfiguration? {
        let given = PostgresConfiguration(connectionString: environment["DATABASE_URL"] ?? "",
                                          applicationName: applicationName, poolSize: 1, connectTimeoutSeconds: 3)
        let probe = PostgresClient(given, logger: logger)
        let answered: Bool
        do {
            _ = try await probe.query("SELECT 1")
            answered = true
        } catch {
            logger.debug("no PostgreSQL reachable through DATABASE_URL/PG*: \(error)")
            answered = false
        }
        await probe.close()
        return answered ? given : nil
    }

    /// The environment's server when it is reachable, else the one `startPrivate` starts.
    public static func locate(applicationName: String, logger: Logger,
                              startPrivate: () async throws -> PrivatePostgres) async throws -> DatabaseServer {
        if let given = await reachableFromEnvironment(applicationName: applicationName, logger: logger) {
            return .external(given)
        }
        return .private(try await startPrivate())
    }

    /// How to reach the server's `postgres` database as an administrator.
    public var adminConfiguration: PostgresConfiguration {
        switch self {
        case .external(let given): given
        case .private(let server): PostgresConfiguration(connectionString: server.connectionString(), poolSize: 1)
        }
    }

    /// Where the server is, without any password: for reports and log lines.
    public var redactedDescription: String {
        switch self {
        case .external(let given): given.redactedDescription
        case .private(let server): "private PostgreSQL on 127.0.0.1:\(server.port)"
        }
    }

    /// Creates the database `name` (dropping one of that name first when `replacing`) and
    /// returns its configuration; throws with the server and the reason when it cannot.
    public func createDatabase(_ name: String, replacing: Bool, logger: Logger) async throws -> PostgresConfiguration {
        let admin = PostgresClient(adminConfiguration, logger: logger)
        do {
            try await Self.createDatabase(name, replacing: replacing, using: admin)
            await admin.close()
        } catch {
            await admin.close()
            throw ProcessRunnerError(message: "cannot create the database \(name) on \(redactedDescription) "
                                     + "(it needs the CREATEDB privilege): \(error)")
        }
        guard let own = adminConfiguration.replacingDatabase(with: name) else {
            throw ProcessRunnerError(message: "DATABASE_URL is not a valid libpq connection string")
        }
        return own
    }

    /// Drops the database `name`, disconnecting anyone still connected; errors are only logged.
    public func dropDatabase(_ name: String, logger: Logger) async {
        let admin = PostgresClient(adminConfiguration, logger: logger)
        do {
            try await Self.dropDatabase(name, using: admin)
        } catch {
            logger.warning("could not drop the database \(name) on \(redactedDescription): \(error)")
        }
        await admin.close()
    }

    /// `CREATE DATABASE name` through `admin`, after `DROP DATABASE IF EXISTS` when `replacing`.
    /// `name` must be a plain identifier (letters, digits, `_`): it is not quoted.
    public static func createDatabase(_ name: String, replacing: Bool, using admin: PostgresClient) async throws {
        precondition(isPlainIdentifier(name), "database names are plain identifiers")
        if replacing { try await dropDatabase(name, using: admin) }
        try await admin.execute("CREATE DATABASE \(name)")
    }

    /// `DROP DATABASE IF EXISTS name WITH (FORCE)` through `admin`.
    public static func dropDatabase(_ name: String, using admin: PostgresClient) async throws {
        precondition(isPlainIdentifier(name), "database names are plain identifiers")
        try await admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Whether `name` is letters, digits and `_` only (ASCII), so it needs no quoting.
    public static func isPlainIdentifier(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
