import ArgumentParser
import Postgres

/// `channelwatch migrate`: applies the numbered SQL migrations.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the sql/ migrations (idempotent; each in a transaction; recorded in schema_migrations).")

    @OptionGroup var config: ConfigOption

    func run() async throws {
        let logger = commandLogger("channelwatch.migrate")
        let directory = try MigrationsDirectory.locate()
        let applied = try await withDatabase(try config.databaseConfiguration(poolSize: 1), logger: logger) { client in
            try await Migrator(directory: directory, logger: logger).migrate(using: client)
        }
        if applied.isEmpty {
            print("database is up to date")
        } else {
            for migration in applied { print("applied \(String(format: "%03d", migration.version))_\(migration.name)") }
        }
    }
}
