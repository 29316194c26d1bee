import Foundation
import Postgres
import Testing
import TestSupport

/// Counts how often a concurrent task got to run, under a lock.
private final class TickCounter: @unchecked Sendable {
    // @unchecked Sendable: `count` is only read and written while holding `lock`.
    private let lock = NSLock()
    private var count = 0
    func tick() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

@Suite struct PoolConcurrencyTests {
    @Test func twentyQueriesShareFourConnectionsWhileOtherTasksKeepRunning() async throws {
        let database = try await TestDatabase.create(poolSize: 4)
        let ticks = TickCounter()
        let ticker = Task {
            while !Task.isCancelled {
                ticks.tick()
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
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
        ticker.cancel()

        #expect(backends.count == 20)
        #expect(Set(backends).count <= 4, "the pool must never open more than poolSize connections")
        // 20 sleeps of 0.1 s through 4 connections take at least 5 rounds.
        #expect(elapsed >= .milliseconds(480))
        #expect(elapsed < .seconds(30))
        // Blocking libpq calls run on the connections' own queues, so the ticker kept ticking.
        #expect(ticks.value >= 15, "only \(ticks.value) ticks in \(elapsed): the cooperative pool was blocked")
        try await database.drop()
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
