import Foundation
import LocalPostgres
import Logging
import Postgres

/// The PostgreSQL database the benchmark records into: a fresh database of its own on the
/// server named by `DATABASE_URL`/PG* when that server is reachable (dropped afterwards), else
/// a private server under the work directory (stopped afterwards).
struct BenchDatabase {
    /// Connection string of the benchmark's database (may hold a password: never print it).
    let connectionString: String
    /// Shown in the report's header instead of the connection string.
    let redactedDescription: String
    private let server: PostgresConfiguration?
    private let name: String
    private let privateServer: PrivatePostgres?

    /// Creates the database (or starts the private server) and applies the migrations.
    static func prepare(workDirectory: URL, migrations: URL, logger: Logger) async throws -> BenchDatabase {
        let given = PostgresConfiguration(connectionString: ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "",
                                          applicationName: "channelwatch-bench", poolSize: 1, connectTimeoutSeconds: 3)
        let name = "channelwatch_bench_\(ProcessInfo.processInfo.processIdentifier)"
        let probe = PostgresClient(given, logger: logger)
        let reachable = (try? await probe.query("SELECT 1")) != nil
        let database: BenchDatabase
        if reachable {
            do {
                try await probe.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
                try await probe.execute("CREATE DATABASE \(name)")
            } catch {
                await probe.close()
                throw BenchError("database: cannot create database \(name) on \(given.redactedDescription): \(error) "
                                 + "(the benchmark needs CREATEDB, or unset DATABASE_URL to use a private server)")
            }
            await probe.close()
            guard let own = given.replacingDatabase(with: name) else {
                throw BenchError("database: DATABASE_URL is not a valid libpq connection string")
            }
            database = BenchDatabase(connectionString: own.connectionString, redactedDescription: own.redactedDescription,
                                     server: given, name: name, privateServer: nil)
        } else {
            await probe.close()
            let directory = workDirectory.appendingPathComponent("postgres")
            let server: PrivatePostgres
            do {
                server = try await PrivatePostgres.start(in: directory)
            } catch {
                throw BenchError("database: no PostgreSQL reachable through DATABASE_URL/PG*, and a private one "
                                 + "could not start: \(error)")
            }
            database = BenchDatabase(connectionString: server.connectionString(), redactedDescription:
                                        "private PostgreSQL on 127.0.0.1:\(server.port)", server: nil, name: "postgres",
                                     privateServer: server)
        }
        let client = database.client(poolSize: 1, logger: logger)
        do {
            _ = try await Migrator(directory: migrations, logger: logger).migrate(using: client)
            await client.close()
        } catch {
            await client.close()
            await database.remove(logger: logger)
            throw BenchError("database: migrations in \(migrations.path) failed: \(error)")
        }
        return database
    }

    /// A client of the benchmark's database; `poolSize` 8 as `channelwatch run` uses.
    func client(poolSize: Int = 8, logger: Logger) -> PostgresClient {
        PostgresClient(PostgresConfiguration(connectionString: connectionString, applicationName: "channelwatch-bench",
                                             poolSize: poolSize), logger: logger)
    }

    /// Drops the database (or stops the private server).
    func remove(logger: Logger) async {
        if let privateServer {
            try? await privateServer.stop()
        } else if let server {
            let client = PostgresClient(server, logger: logger)
            _ = try? await client.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            await client.close()
        }
    }
}
