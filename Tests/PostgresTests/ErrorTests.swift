import Postgres
import Testing
import TestSupport

@Suite struct ErrorTests {
    @Test func uniqueViolationCarriesSQLStateDetailAndConstraint() async throws {
        try await TestDatabase.with { database in
            try await database.client.execute("CREATE TABLE items (name text CONSTRAINT items_name_key UNIQUE)")
            try await database.client.execute("INSERT INTO items VALUES ($1)", ["dup"])
            let error = await #expect(throws: PostgresError.self) {
                try await database.client.execute("INSERT INTO items VALUES ($1)", ["dup"])
            }
            #expect(error?.kind == .query)
            #expect(error?.sqlState == PostgresError.SQLState.uniqueViolation)
            #expect(error?.constraintName == "items_name_key")
            #expect(error?.detail?.contains("(name)=(dup)") == true)
            #expect(error?.isConnectionLost == false)
            #expect(error?.description.contains("INSERT INTO items") == true)
        }
    }

    @Test func syntaxErrorIs42601AndTheConnectionStaysUsable() async throws {
        let database = try await TestDatabase.create(poolSize: 1)
        let error = await #expect(throws: PostgresError.self) {
            try await database.client.query("SELEC 1")
        }
        #expect(error?.sqlState == PostgresError.SQLState.syntaxError)
        #expect(error?.message.contains("syntax error") == true)
        let rows = try await database.client.query("SELECT 1 AS one")
        #expect(try rows[0].decode(Int.self, "one") == 1)
        try await database.drop()
    }

    @Test func nulByteInParameterIsRejectedBeforeSending() async throws {
        try await TestDatabase.with { database in
            let error = await #expect(throws: PostgresError.self) {
                try await database.client.query("SELECT $1::text", [.text("a\u{0}b")])
            }
            #expect(error?.kind == .usage)
            #expect(error?.message.contains("$1") == true)
        }
    }

    @Test func closedClientRefusesWork() async throws {
        let database = try await TestDatabase.create()
        await database.client.close()
        let error = await #expect(throws: PostgresError.self) { try await database.client.query("SELECT 1") }
        #expect(error?.kind == .usage)
        try await database.drop()
    }
}
