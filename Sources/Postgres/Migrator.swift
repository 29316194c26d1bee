import Foundation
import Logging

/// A migration that ``Migrator/migrate(using:)`` applied in this run.
public struct AppliedMigration: Sendable, Equatable {
    /// The number before the underscore.
    public let version: Int
    /// The file name between the underscore and `.sql`.
    public let name: String
    /// SHA-256 of the file's bytes, lowercase hex.
    public let checksum: String
}

/// Applies numbered plain-SQL migrations (`001_create_tables.sql`, `002_...`) in order.
///
/// Each file runs in its own transaction together with its row in `schema_migrations`, so a
/// failing file leaves no trace. A file that changed after it was applied (different SHA-256)
/// stops the run before anything new is applied. Concurrent runs — several replicas starting
/// at once — are serialised by a session advisory lock, so each file is applied exactly once.
/// Files run inside a transaction, so statements that refuse one (`CREATE INDEX CONCURRENTLY`)
/// cannot be used.
public struct Migrator: Sendable {
    /// The directory holding the `NNN_name.sql` files.
    public let directory: URL
    /// The session advisory lock key that serialises concurrent runs.
    public let lockKey: Int64
    private let logger: Logger

    /// The default lock key: the ASCII bytes of "cwmigrat".
    public static let defaultLockKey: Int64 = 0x6377_6d69_6772_6174

    /// Creates a migrator for `directory`; nothing is read until ``migrate(using:)``.
    public init(directory: URL, logger: Logger, lockKey: Int64 = Migrator.defaultLockKey) {
        self.directory = directory
        self.logger = logger
        self.lockKey = lockKey
    }

    /// Applies every migration not yet recorded in `schema_migrations`; returns those applied now
    /// (empty when the schema is up to date).
    @discardableResult
    public func migrate(using client: PostgresClient) async throws -> [AppliedMigration] {
        let files = try MigrationFile.load(from: directory)
        return try await client.withConnection { connection in
            // Session-level, so it spans the per-file transactions; it dies with the session if
            // the connection is lost, and then this run fails too.
            try await connection.advisoryLock(lockKey)
            do {
                let applied = try await apply(files, on: connection)
                try await connection.advisoryUnlock(lockKey)
                return applied
            } catch {
                _ = try? await connection.advisoryUnlock(lockKey)
                throw error
            }
        }
    }

    private func apply(_ files: [MigrationFile], on connection: PostgresConnection) async throws -> [AppliedMigration] {
        // Checked rather than CREATE TABLE IF NOT EXISTS, whose "already exists" NOTICE would be
        // logged on every start; the advisory lock makes check-then-create race-free.
        let exists = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL AS present")
        if try !exists[0].decode(Bool.self, "present") {
            try await createMigrationsTable(on: connection)
        }
        var recorded: [Int: String] = [:]
        for row in try await connection.query("SELECT version, checksum FROM schema_migrations") {
            recorded[try row.decode(Int.self, "version")] = try row.decode(String.self, "checksum")
        }
        var checksums: [Int: String] = [:]
        for file in files {
            checksums[file.version] = try await checksum(of: file, on: connection)
        }
        // Verify every applied file first, so a changed one stops the run before anything new runs.
        for file in files {
            if let applied = recorded[file.version], applied != checksums[file.version] {
                throw PostgresError(
                    kind: .migration,
                    message: "\(file.url.path) changed after it was applied: the database recorded checksum \(applied), "
                        + "the file now has \(checksums[file.version] ?? "?")",
                    hint: "restore the applied file and put the change in a new migration with a higher number")
            }
        }
        let known = Set(files.map(\.version))
        for version in recorded.keys.sorted() where !known.contains(version) {
            logger.warning("schema_migrations records version \(version), which has no file in \(directory.path)")
        }
        var applied: [AppliedMigration] = []
        for file in files where recorded[file.version] == nil {
            let migration = AppliedMigration(version: file.version, name: file.name, checksum: checksums[file.version] ?? "")
            try await run(file, recordingAs: migration, on: connection)
            applied.append(migration)
        }
        return applied
    }

    private func run(_ file: MigrationFile, recordingAs migration: AppliedMigration, on connection: PostgresConnection) async throws {
        let sql = try file.sql()
        logger.info("applying migration \(file.fileName)")
        do {
            try await connection.transaction { transaction in
                try await transaction.runScript(sql)
                try await transaction.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    [.int64(Int64(migration.version)), .text(migration.name), .text(migration.checksum)])
            }
        } catch let error as PostgresError {
            throw PostgresError(
                kind: .migration, message: "\(file.url.path) failed and was rolled back: \(error.message)",
                sqlState: error.sqlState, detail: error.detail, hint: error.hint, constraintName: error.constraintName)
        }
    }

    private func createMigrationsTable(on connection: PostgresConnection) async throws {
        try await connection.execute(
            """
            CREATE TABLE schema_migrations (
                version int PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
    }

    /// SHA-256 of the file's exact bytes, computed by the server (no crypto dependency needed).
    private func checksum(of file: MigrationFile, on connection: PostgresConnection) async throws -> String {
        let rows = try await connection.query("SELECT encode(sha256($1), 'hex') AS checksum", [.bytea(file.contents)])
        return try rows[0].decode(String.self, "checksum")
    }
}
