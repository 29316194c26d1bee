import Logging
import Postgres
import Testing
import TestSupport

@Suite struct PoolConcurrencyTests {
    @Test func twentyQueriesShareFourConnections() async throws {
        let database = try await TestDatabase.create(poolSize: 4)
        let clock = ContinuousClock()
        let start = clock.now
        let backends = try await withThrowingTaskGroup(of: Int32.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await database.client.query("SELECT pg_backend_pid() AS pid, pg_sleep(0.1)")[0].decode(Int32.self, "pid")
                }
            }
            return try await group.reduce(into: [Int32]()) { $0.append($1) }
        }
        let elapsed = clock.now - start

        #expect(backends.count == 20)
        #expect(Set(backends).count <= 4, "the pool must never open more than poolSize connections")
        // 20 sleeps of 0.1 s through at most 4 connections take at least 5 rounds (a lower bound
        // holds however loaded the machine is).
        #expect(elapsed >= .milliseconds(480))
        try await database.drop()
    }

    @Test func queriesBlockedInTheServerLeaveTheCooperativePoolFree() async throws {
        try await TestDatabase.with { database in
            let key: Int64 = 0x706F_6F6C
            let gatekeeper = try await PostgresConnection.connect(database.configuration, logger: Logger(label: "gatekeeper"))
            try await gatekeeper.advisoryLock(key)
            // Four statements that block in the server until the gatekeeper lets go. The machine
            // has as few cooperative threads as cores; if libpq calls ran on them, these would
            // occupy them all, the code below could never run, and the lock_timeout would fail
            // the blocked statements — a failure instead of a hang.
            let blocked = Task {
                try await withThrowingTaskGroup(of: Int32.self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            try await database.client.withConnection { connection in
                                try await connection.execute("SET lock_timeout = '60s'")
                                return try await connection.query(
                                    "SELECT pg_backend_pid() AS pid, pg_advisory_xact_lock_shared($1)", [.int64(key)]
                                )[0].decode(Int32.self, "pid")
                            }
                        }
                    }
                    return try await group.reduce(into: Set<Int32>()) { $0.insert($1) }
                }
            }
            var waiting = 0
            for _ in 0..<3000 where waiting < 4 {
                waiting = try await gatekeeper.query(
                    "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = "
                        + "(SELECT oid FROM pg_database WHERE datname = current_database())"
                )[0].decode(Int.self, "n")
                if waiting < 4 { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(waiting == 4, "all four statements should be blocked in the server at once")
            #expect(try await gatekeeper.advisoryUnlock(key))
            #expect(try await blocked.value.count == 4)
            await gatekeeper.close()
        }
    }

    @Test func cancelledWaiterLeavesTheQueueWithoutLeakingAConnection() async throws {
        let database = try await TestDatabase.create(poolSize: 1)
        let holder = Task {
            try await database.client.withConnection { connection in
                try await connection.execute("SELECT pg_sleep(0.3)")
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        let waiter = Task { try await database.client.query("SELECT 1") }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        _ = try await holder.value
        #expect(try await database.client.query("SELECT 2 AS two")[0].decode(Int.self, "two") == 2)
        try await database.drop()
    }
}
