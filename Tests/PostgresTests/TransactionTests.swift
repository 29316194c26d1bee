import Postgres
import Testing
import TestSupport

@Suite struct TransactionTests {
    struct Boom: Error {}

    @Test func committedTransactionPersists() async throws {
        try await TestDatabase.with { database in
            try await database.client.execute("CREATE TABLE items (name text PRIMARY KEY)")
            let count = try await database.client.transaction { connection in
                try await connection.execute("INSERT INTO items VALUES ($1)", ["kept"])
                return try await connection.query("SELECT count(*) AS n FROM items")[0].decode(Int.self, "n")
            }
            #expect(count == 1)
            let rows = try await database.client.query("SELECT name FROM items")
            #expect(try rows.map { try $0.decode(String.self, "name") } == ["kept"])
        }
    }

    @Test func throwingTransactionRollsBackAndRethrows() async throws {
        try await TestDatabase.with { database in
            try await database.client.execute("CREATE TABLE items (name text PRIMARY KEY)")
            await #expect(throws: Boom.self) {
                try await database.client.transaction { connection in
                    try await connection.execute("INSERT INTO items VALUES ($1)", ["discarded"])
                    throw Boom()
                }
            }
            let rows = try await database.client.query("SELECT name FROM items")
            #expect(rows.isEmpty)
        }
    }

    @Test func failedStatementRollsBackEarlierStatements() async throws {
        try await TestDatabase.with { database in
            try await database.client.execute("CREATE TABLE items (name text PRIMARY KEY)")
            let error = await #expect(throws: PostgresError.self) {
                try await database.client.transaction { connection in
                    try await connection.execute("INSERT INTO items VALUES ('first')")
                    try await connection.execute("INSERT INTO items VALUES ('first')")
                }
            }
            #expect(error?.sqlState == PostgresError.SQLState.uniqueViolation)
            #expect(try await database.client.query("SELECT * FROM items").isEmpty)
        }
    }

    @Test func swallowedErrorInsideTransactionIsNotCommittedSilently() async throws {
        try await TestDatabase.with { database in
            try await database.client.execute("CREATE TABLE items (name text PRIMARY KEY)")
            let error = await #expect(throws: PostgresError.self) {
                try await database.client.transaction { connection in
                    try await connection.execute("INSERT INTO items VALUES ('a')")
                    _ = try? await connection.execute("SELECT * FROM no_such_table")
                }
            }
            #expect(error?.sqlState == "25P02")
            #expect(try await database.client.query("SELECT * FROM items").isEmpty)
        }
    }

    @Test func nestedTransactionIsAClearErrorAndOuterRollsBack() async throws {
        try await TestDatabase.with { database in
            try await database.client.execute("CREATE TABLE items (name text PRIMARY KEY)")
            let error = await #expect(throws: PostgresError.self) {
                try await database.client.transaction { connection in
                    try await connection.execute("INSERT INTO items VALUES ('outer')")
                    try await connection.transaction { inner in
                        try await inner.execute("INSERT INTO items VALUES ('inner')")
                    }
                }
            }
            #expect(error?.kind == .usage)
            #expect(error?.message.contains("do not nest") == true)
            #expect(try await database.client.query("SELECT * FROM items").isEmpty)
        }
    }

    @Test func connectionLeftInsideTransactionIsCleanedBeforeReuse() async throws {
        let database = try await TestDatabase.create(poolSize: 1)
        try await database.client.execute("CREATE TABLE items (name text)")
        try await database.client.withConnection { connection in
            try await connection.execute("BEGIN")
            try await connection.execute("INSERT INTO items VALUES ('abandoned')")
        }
        // The single pooled connection comes back with an open transaction; the pool rolls it back.
        let rows = try await database.client.query("SELECT * FROM items")
        #expect(rows.isEmpty)
        try await database.drop()
    }

    @Test func affectedRowCountsAreReported() async throws {
        try await TestDatabase.with { database in
            try await database.client.execute("CREATE TABLE items (n int)")
            #expect(try await database.client.execute("INSERT INTO items SELECT generate_series(1, 5)") == 5)
            #expect(try await database.client.execute("UPDATE items SET n = n + 1 WHERE n > $1", [3]) == 2)
            #expect(try await database.client.execute("DELETE FROM items") == 5)
            #expect(try await database.client.execute("CREATE INDEX ON items (n)") == 0)
        }
    }
}
