import Foundation
import Logging
import Postgres
import Testing
import TestSupport

@Suite struct MigratorTests {
    let logger = Logger(label: "test.migrator")

    private func steps(_ client: PostgresClient) async throws -> [Int] {
        try await client.query("SELECT step FROM log ORDER BY id").map { try $0.decode(Int.self, "step") }
    }

    private func recordedVersions(_ client: PostgresClient) async throws -> [Int] {
        try await client.query("SELECT version FROM schema_migrations ORDER BY version").map { try $0.decode(Int.self, "version") }
    }

    @Test func appliesInNumericOrderRecordsChecksumsAndRerunIsANoOp() async throws {
        let directory = try MigrationDirectory([
            "1_create_log.sql": "CREATE TABLE log (id serial PRIMARY KEY, step int NOT NULL);",
            "2_second.sql": "INSERT INTO log (step) VALUES (2);\nINSERT INTO log (step) VALUES (22);",
            "10_tenth.sql": "INSERT INTO log (step) VALUES (10); -- Zoë 🚀",
            "README.md": "not a migration",
        ])
        defer { directory.remove() }
        try await TestDatabase.with { database in
            let migrator = Migrator(directory: directory.url, logger: logger)
            let applied = try await migrator.migrate(using: database.client)
            #expect(applied.map(\.version) == [1, 2, 10])
            #expect(applied.map(\.name) == ["create_log", "second", "tenth"])
            #expect(try await steps(database.client) == [2, 22, 10])

            // Checksums match an independent SHA-256 of the file bytes.
            let expected = try await ProcessRunner.run(
                "/usr/bin/sha256sum", [directory.url.appendingPathComponent("10_tenth.sql").path])
            let recorded = try await database.client.query("SELECT checksum FROM schema_migrations WHERE version = 10")
            #expect(expected.standardOutput.hasPrefix(try recorded[0].decode(String.self, "checksum")))
            #expect(applied[2].checksum == (try recorded[0].decode(String.self, "checksum")))

            let again = try await migrator.migrate(using: database.client)
            #expect(again.isEmpty)
            #expect(try await steps(database.client) == [2, 22, 10])
            #expect(try await recordedVersions(database.client) == [1, 2, 10])
        }
    }

    @Test func changedAppliedFileIsRefusedAndNothingAfterItRuns() async throws {
        let directory = try MigrationDirectory([
            "001_create_log.sql": "CREATE TABLE log (id serial PRIMARY KEY, step int NOT NULL);",
            "002_insert.sql": "INSERT INTO log (step) VALUES (2);",
        ])
        defer { directory.remove() }
        try await TestDatabase.with { database in
            let migrator = Migrator(directory: directory.url, logger: logger)
            let first = try await migrator.migrate(using: database.client)
            try directory.write("002_insert.sql", "INSERT INTO log (step) VALUES (200);")
            try directory.write("003_more.sql", "INSERT INTO log (step) VALUES (3);")

            let error = await #expect(throws: PostgresError.self) { try await migrator.migrate(using: database.client) }
            #expect(error?.kind == .migration)
            #expect(error?.message.contains("002_insert.sql changed after it was applied") == true)
            #expect(error?.message.contains(first[1].checksum) == true)
            #expect(try await recordedVersions(database.client) == [1, 2])
            #expect(try await steps(database.client) == [2])
        }
    }

    @Test func failingMigrationRollsBackEntirelyAndNamesFileAndSQLState() async throws {
        let directory = try MigrationDirectory([
            "001_create_log.sql": "CREATE TABLE log (id serial PRIMARY KEY, step int NOT NULL);",
            "002_broken.sql": "CREATE TABLE half_done (x int);\nINSERT INTO log (step) VALUES (2);\nINSERT INTO missing_table VALUES (1);",
        ])
        defer { directory.remove() }
        try await TestDatabase.with { database in
            let migrator = Migrator(directory: directory.url, logger: logger)
            let error = await #expect(throws: PostgresError.self) { try await migrator.migrate(using: database.client) }
            #expect(error?.kind == .migration)
            #expect(error?.sqlState == PostgresError.SQLState.undefinedTable)
            #expect(error?.message.contains("002_broken.sql failed") == true)
            #expect(error?.description.contains("[42P01]") == true)

            #expect(try await recordedVersions(database.client) == [1])
            #expect(try await steps(database.client).isEmpty)
            let halfDone = try await database.client.query("SELECT to_regclass('half_done') IS NULL AS absent")
            #expect(try halfDone[0].decode(Bool.self, "absent"))

            // Fixing the file lets the next run apply it.
            try directory.write("002_broken.sql", "INSERT INTO log (step) VALUES (2);")
            #expect(try await migrator.migrate(using: database.client).map(\.version) == [2])
        }
    }

    @Test func badFileNamesAndDuplicateVersionsAreRejectedBeforeTouchingTheDatabase() async throws {
        for files in [
            ["001_ok.sql": "SELECT 1;", "init.sql": "SELECT 1;"],
            ["001_ok.sql": "SELECT 1;", "002-dash.sql": "SELECT 1;"],
            ["001_ok.sql": "SELECT 1;", "1_same_version.sql": "SELECT 1;"],
        ] {
            let directory = try MigrationDirectory(files)
            defer { directory.remove() }
            try await TestDatabase.with { database in
                let error = await #expect(throws: PostgresError.self) {
                    try await Migrator(directory: directory.url, logger: logger).migrate(using: database.client)
                }
                #expect(error?.kind == .migration)
                let named = files.keys.filter { $0 != "001_ok.sql" }
                #expect(named.allSatisfy { error?.message.contains($0) == true })
                let table = try await database.client.query("SELECT to_regclass('schema_migrations') IS NULL AS absent")
                #expect(try table[0].decode(Bool.self, "absent"))
            }
        }
    }

    @Test func concurrentRunsBothSucceedAndApplyEachFileOnce() async throws {
        let directory = try MigrationDirectory([
            "001_create_log.sql": "CREATE TABLE log (id serial PRIMARY KEY, step int NOT NULL);",
            "002_slow.sql": "SELECT pg_sleep(0.3); INSERT INTO log (step) VALUES (2);",
            "003_table.sql": "CREATE TABLE only_once (x int); INSERT INTO log (step) VALUES (3);",
        ])
        defer { directory.remove() }
        try await TestDatabase.with { database in
            let first = PostgresClient(database.configuration(poolSize: 1), logger: logger)
            let second = PostgresClient(database.configuration(poolSize: 1), logger: logger)
            async let runA = Migrator(directory: directory.url, logger: logger).migrate(using: first)
            async let runB = Migrator(directory: directory.url, logger: logger).migrate(using: second)
            let (appliedA, appliedB) = try await (runA, runB)

            #expect((appliedA + appliedB).map(\.version).sorted() == [1, 2, 3])
            #expect(try await steps(database.client) == [2, 3])
            #expect(try await recordedVersions(database.client) == [1, 2, 3])
            await first.close()
            await second.close()
        }
    }
}
