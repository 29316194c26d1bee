import Logging
import Postgres
import Testing
import TestSupport

@Suite struct CancellationTests {
    @Test func cancellingTheTaskCancelsTheRunningStatement() async throws {
        let database = try await TestDatabase.create(poolSize: 1)
        let clock = ContinuousClock()
        let start = clock.now
        // Long enough that only a server-side cancel can explain an early end, however loaded.
        let sleeper = Task { try await database.client.query("SELECT pg_sleep(120)") }
        try await Task.sleep(for: .milliseconds(200))
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
        #expect(clock.now - start < .seconds(60), "the server should have stopped the 120 s sleep")
        // The single connection is healthy afterwards and not hit by a stale cancel.
        for value in 1...5 {
            #expect(try await database.client.query("SELECT $1::int AS v", [.int64(Int64(value))])[0].decode(Int.self, "v") == value)
        }
        try await database.drop()
    }

    @Test func waitingForAnAdvisoryLockCanBeAbandoned() async throws {
        try await TestDatabase.with { database in
            let holder = try await PostgresConnection.connect(database.configuration, logger: Logger(label: "holder"))
            #expect(try await holder.tryAdvisoryLock(99))
            let waiter = Task {
                try await database.client.withConnection { connection in try await connection.advisoryLock(99) }
            }
            try await Task.sleep(for: .milliseconds(200))
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            try await holder.advisoryUnlock(99)
            // The abandoned wait did not leave the lock to the pool's connection.
            #expect(try await holder.tryAdvisoryLock(99))
            await holder.close()
        }
    }
}
