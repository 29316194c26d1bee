import Foundation
import LocalPostgres
import Logging
import Postgres

/// The PostgreSQL database the benchmark records into: a fresh database of its own on the
/// server named by `DATABASE_URL`/PG* when that server is reachable (dropped afterwards), else
/// a private, durable server (fsync on) under the work directory (stopped afterwards).
struct BenchDatabase {
    /// Connection string of the benchmark's database (may hold a password: never print it).
    let connectionString: String
    /// Shown in the report's header instead of the connection string.
    let redactedDescription: String
    private let server: DatabaseServer
    private let name: String

    /// Creates the database (or starts the private server) and applies the migrations.
    static func prepare(workDirectory: URL, migrations: URL, logger: Logger) async throws -> BenchDatabase {
        let server: DatabaseServer
        do {
            server = try await DatabaseServer.locate(applicationName: "channelwatch-bench", logger: logger) {
                // Durable: the figures are for the PostgreSQL settings a production server runs.
                try await PrivatePostgres.start(in: workDirectory.appendingPathComponent("postgres"), settings: [])
            }
        } catch {
            throw BenchError("database: no PostgreSQL reachable through DATABASE_URL/PG*, and a private one "
                             + "could not start: \(error)")
        }
        let name = "channelwatch_bench_\(ProcessInfo.processInfo.processIdentifier)"
        let own: PostgresConfiguration
        switch server {
        case .private(let privateServer):
            own = PostgresConfiguration(connectionString: privateServer.connectionString())
        case .external:
            do {
                own = try await server.createDatabase(name, replacing: true, logger: logger)
            } catch {
                throw BenchError("database: \(error) (or unset DATABASE_URL to use a private server)")
            }
        }
        let database = BenchDatabase(connectionString: own.connectionString, redactedDescription: own.redactedDescription,
                                     server: server, name: name)
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

    /// CPU seconds of the private server's processes so far, or `nil` on an external server
    /// (whose processes may be on another machine).
    func serverCPUSeconds() -> Double? {
        guard case .private(let privateServer) = server,
              let text = try? String(contentsOf: privateServer.directory.appendingPathComponent("data/postmaster.pid"), encoding: .utf8),
              let line = text.split(separator: "\n").first, let postmaster = Int32(line) else { return nil }
        return ProcessUsage.cpuSecondsOfChildren(of: postmaster)
    }

    /// Empties what a worker's polls and deliveries write, so the next step starts from nothing.
    func emptyTables(using client: PostgresClient) async throws {
        try await client.execute("""
            TRUNCATE channel_snapshots, partner_state, polls, events, alerts, deliveries, delivery_events,
                     alert_notifications CASCADE
            """)
    }

    /// A client of the benchmark's database; `poolSize` 8 as `channelwatch run` uses.
    func client(poolSize: Int = 8, logger: Logger) -> PostgresClient {
        PostgresClient(PostgresConfiguration(connectionString: connectionString, applicationName: "channelwatch-bench",
                                             poolSize: poolSize), logger: logger)
    }

    /// Drops the database (or stops the private server).
    func remove(logger: Logger) async {
        switch server {
        case .private(let privateServer): try? await privateServer.stop()
        case .external: await server.dropDatabase(name, logger: logger)
        }
    }
}
