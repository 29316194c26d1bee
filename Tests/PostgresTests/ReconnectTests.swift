import Logging
import Postgres
import Testing
import TestSupport

@Suite struct ReconnectTests {
    /// The backend PIDs of both pooled connections, leased at the same time (nested leases), so
    /// the answer does not depend on two concurrent queries happening to overlap.
    private func backendIDsOfBothConnections(_ client: PostgresClient) async throws -> Set<Int32> {
        try await client.withConnection { first in
            try await client.withConnection { second in
                var pids: Set<Int32> = []
                for connection in [first, second] {
                    pids.insert(try await connection.query("SELECT pg_backend_pid() AS pid")[0].decode(Int32.self, "pid"))
                }
                return pids
            }
        }
    }

    @Test func nextCallAfterTerminatingAllBackendsReconnectsAndSucceeds() async throws {
        let database = try await TestDatabase.create(poolSize: 2)
        let before = try await backendIDsOfBothConnections(database.client)
        #expect(before.count == 2)
        #expect(try await database.terminateConnections() == 2)

        let after = try await backendIDsOfBothConnections(database.client)
        #expect(after.count == 2)
        #expect(after.isDisjoint(with: before))
        try await database.drop()
    }

    @Test func connectionDyingMidUseThrowsConnectionLostThenPoolRecovers() async throws {
        let database = try await TestDatabase.create(poolSize: 1)
        let error = await #expect(throws: PostgresError.self) {
            try await database.client.query("SELECT pg_terminate_backend(pg_backend_pid())")
        }
        #expect(error?.isConnectionLost == true)
        #expect(error?.kind == .connectionLost)
        #expect(error?.hint?.contains("not retried") == true)

        let rows = try await database.client.query("SELECT 41 + $1 AS answer", [1])
        #expect(try rows[0].decode(Int.self, "answer") == 42)
        try await database.drop()
    }

    @Test func heldConnectionKilledFromOutsideReportsConnectionLost() async throws {
        let database = try await TestDatabase.create(poolSize: 1)
        try await database.client.withConnection { connection in
            _ = try await connection.query("SELECT 1")
            try await database.terminateConnections()
            let error = await #expect(throws: PostgresError.self) { try await connection.query("SELECT 2") }
            #expect(error?.isConnectionLost == true)
        }
        #expect(try await database.client.query("SELECT 3 AS three")[0].decode(Int.self, "three") == 3)
        try await database.drop()
    }

    @Test func failedStatementIsNotResentAfterReconnect() async throws {
        let database = try await TestDatabase.create(poolSize: 1)
        try await database.client.execute("CREATE TABLE attempts (n serial)")
        await #expect(throws: PostgresError.self) {
            try await database.client.execute(
                "WITH inserted AS (INSERT INTO attempts DEFAULT VALUES) SELECT pg_terminate_backend(pg_backend_pid())")
        }
        // Terminated before commit: the insert rolled back, and nobody re-sent it.
        #expect(try await database.client.query("SELECT count(*) AS n FROM attempts")[0].decode(Int.self, "n") == 0)
        try await database.drop()
    }
}
