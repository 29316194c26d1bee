import Logging
import Postgres
import Testing
import TestSupport

/// A terminated backend sends FATAL and then closes; these tests stretch the gap between the two
/// (see ``DyingPostgresServer``) and prove the FATAL alone is enough for the client to act.
@Suite struct FatalBeforeCloseTests {
    @Test func listenerTreatsAFatalErrorAsTheEndOfItsSessionWithoutWaitingForTheClose() async throws {
        let server = try DyingPostgresServer(fatalAfterStatement: 2)  // 1: SET DateStyle, 2: LISTEN
        defer { server.stop() }
        let listener = try await PostgresConnection.connect(
            PostgresConfiguration(connectionString: server.connectionString), logger: Logger(label: "listener"))
        try await listener.listen("wake")
        // The server keeps the socket open, so a client that waits for EOF sleeps out this
        // timeout and returns nil instead of throwing.
        let error = await #expect(throws: PostgresError.self) {
            try await listener.nextNotification(timeout: .seconds(20))
        }
        #expect(error?.isConnectionLost == true)
        #expect(error?.message.contains(DyingPostgresServer.fatalMessage) == true)

        try await listener.ensureConnected()
        #expect(server.sessionsOpened == 2, "ensureConnected should have opened a fresh session")
        #expect(try await listener.nextNotification(timeout: .milliseconds(10)) == nil)
        await listener.close()
    }

    @Test func pooledConnectionThatReceivedAFatalErrorIsReplacedBeforeTheNextStatement() async throws {
        let server = try DyingPostgresServer(fatalAfterStatement: 2)  // 1: SET DateStyle, 2: first execute
        defer { server.stop() }
        let client = PostgresClient(
            PostgresConfiguration(connectionString: server.connectionString, poolSize: 1), logger: Logger(label: "pool"))
        try await client.execute("SELECT 1")
        // The FATAL came with the first reply; sending this statement on that session would meet
        // the close and fail as connectionLost. The lease must reconnect first instead.
        try await client.execute("SELECT 2")
        #expect(server.sessionsOpened == 2)
        await client.close()
    }
}
