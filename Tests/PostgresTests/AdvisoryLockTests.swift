import Postgres
import Testing
import TestSupport

@Suite struct AdvisoryLockTests {
    @Test func lockHeldByOneSessionBlocksAnotherUntilUnlocked() async throws {
        try await TestDatabase.with { database in
            let key: Int64 = 0x6377_7465_7374_0001
            let holder = try await PostgresConnection.connect(database.configuration, logger: .init(label: "holder"))
            let other = try await PostgresConnection.connect(database.configuration, logger: .init(label: "other"))
            #expect(try await holder.tryAdvisoryLock(key))
            #expect(try await other.tryAdvisoryLock(key) == false)
            #expect(try await holder.advisoryUnlock(key))
            #expect(try await other.tryAdvisoryLock(key))
            #expect(try await holder.tryAdvisoryLock(key) == false)
            #expect(try await other.advisoryUnlock(key))
            #expect(try await other.advisoryUnlock(key) == false)
            await holder.close()
            await other.close()
        }
    }

    @Test func lockDiesWithTheSession() async throws {
        try await TestDatabase.with { database in
            let key: Int64 = -42
            let holder = try await PostgresConnection.connect(database.configuration, logger: .init(label: "holder"))
            #expect(try await holder.tryAdvisoryLock(key))
            await holder.close()
            let other = try await PostgresConnection.connect(database.configuration, logger: .init(label: "other"))
            // The server releases a closed session's locks as its backend exits, which under load
            // takes a while: wait for the lock (blocking) instead of guessing how long. The
            // statement timeout only turns a lock that is never released into a failure, not a hang.
            try await other.execute("SET statement_timeout = '60s'")
            try await other.advisoryLock(key)
            #expect(try await other.advisoryUnlock(key))
            await other.close()
        }
    }

    @Test func withAdvisoryLockSkipsWhenHeldElsewhereAndReleasesAfterwards() async throws {
        try await TestDatabase.with { database in
            let key: Int64 = 7
            let outsider = try await PostgresConnection.connect(database.configuration, logger: .init(label: "outsider"))
            #expect(try await outsider.tryAdvisoryLock(key))
            let skipped = try await database.client.withAdvisoryLock(key) { _ in "ran" }
            #expect(skipped == nil)
            try await outsider.advisoryUnlock(key)

            let ran = try await database.client.withAdvisoryLock(key) { _ in "ran" }
            #expect(ran == "ran")
            #expect(try await outsider.tryAdvisoryLock(key))
            await outsider.close()
        }
    }
}
