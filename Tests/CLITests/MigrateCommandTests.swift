import Foundation
import Postgres
import Testing
import TestSupport

/// `channelwatch migrate`, run as a real process against a real database.
@Suite struct MigrateCommandTests {
    @Test func twoConcurrentMigrateProcessesBothSucceedAndApplyEachFileOnce() async throws {
        try await TestDatabase.with { database in
            let environment = ["DATABASE_URL": database.connectionString]
            async let first = ChannelWatchBinary.run(["migrate"], environment: environment)
            async let second = ChannelWatchBinary.run(["migrate"], environment: environment)
            let results = try await [first, second]
            for result in results {
                #expect(result.succeeded, "\(result.standardError)")
            }
            let outputs = results.map(\.standardOutput)
            #expect(outputs.filter { $0.contains("applied 001_init") }.count == 1, "\(outputs)")
            #expect(outputs.filter { $0.contains("database is up to date") }.count == 1, "\(outputs)")
            let files = try FileManager.default.contentsOfDirectory(atPath: ChannelWatchBinary.repositoryRoot.appendingPathComponent("sql").path)
                .filter { $0.hasSuffix(".sql") }
            let applied = try await database.client.query("SELECT count(*) AS n FROM schema_migrations")[0].decode(Int.self, "n")
            #expect(applied == files.count)

            let again = try await ChannelWatchBinary.run(["migrate"], environment: environment)
            #expect(again.succeeded && again.standardOutput.contains("database is up to date"))
        }
    }

    @Test func unreachableDatabaseIsAOneLineErrorWithoutThePassword() async throws {
        let result = try await ChannelWatchBinary.run(
            ["migrate"], environment: ["DATABASE_URL": "postgresql://cw:hunter2-SECRET@127.0.0.1:1/cw?connect_timeout=2"])
        #expect(result.exitCode == 1)
        #expect(result.standardError.contains("error: database:"))
        #expect(!result.standardError.contains("hunter2-SECRET"))
    }
}
