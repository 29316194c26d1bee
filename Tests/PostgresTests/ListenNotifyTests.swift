import Logging
import Postgres
import Testing
import TestSupport

@Suite struct ListenNotifyTests {
    @Test func notificationWakesTheListenerWithItsPayload() async throws {
        try await TestDatabase.with { database in
            let listener = try await PostgresConnection.connect(database.configuration, logger: Logger(label: "listener"))
            try await listener.listen("deliveries due")
            #expect(try await listener.nextNotification(timeout: .milliseconds(50)) == nil)

            // Started before the NOTIFY and able to outwait any load: a nil here would mean the
            // waiter slept through the notification (a timeout returns nil, a wake-up returns it).
            async let received = listener.nextNotification(timeout: .seconds(120))
            try await Task.sleep(for: .milliseconds(100))
            try await database.client.notify("deliveries due", payload: "Zoë 🚀")
            let notification = try #require(try await received)
            #expect(notification.channel == "deliveries due")
            #expect(notification.payload == "Zoë 🚀")
            await listener.close()
        }
    }

    @Test func notificationsSentInsideATransactionArriveOnlyAfterCommit() async throws {
        try await TestDatabase.with { database in
            let listener = try await PostgresConnection.connect(database.configuration, logger: Logger(label: "listener"))
            try await listener.listen("wake")
            try await database.client.transaction { connection in
                try await connection.notify("wake", payload: "1")
                #expect(try await listener.nextNotification(timeout: .milliseconds(100)) == nil)
            }
            #expect(try await listener.nextNotification(timeout: .seconds(60))?.payload == "1")
            try await listener.unlisten("wake")
            try await database.client.notify("wake", payload: "2")
            #expect(try await listener.nextNotification(timeout: .milliseconds(200)) == nil)
            await listener.close()
        }
    }

    @Test func listenerLearnsItsSessionWasKilledDuringTheWaitAndCanReconnect() async throws {
        try await TestDatabase.with { database in
            let listener = try await PostgresConnection.connect(database.configuration, logger: Logger(label: "listener"))
            try await listener.listen("wake")
            let backend = try await backendProcessID(of: listener)
            // The timeout only guards against a hang: the kill, not the clock, must end this wait.
            let waiting = Task { try await listener.nextNotification(timeout: .seconds(120)) }
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await terminate(backend, in: database))
            let error = await #expect(throws: PostgresError.self) { try await waiting.value }
            #expect(error?.isConnectionLost == true)

            try await listener.ensureConnected()
            try await listener.listen("wake")
            try await database.client.notify("wake", payload: "again")
            #expect(try await listener.nextNotification(timeout: .seconds(60))?.payload == "again")
            await listener.close()
        }
    }

    @Test func listenerLearnsItsSessionWasKilledBeforeTheWait() async throws {
        try await TestDatabase.with { database in
            let listener = try await PostgresConnection.connect(database.configuration, logger: Logger(label: "listener"))
            try await listener.listen("wake")
            // pg_terminate_backend with a timeout returns once the backend has exited, so the
            // FATAL and the close are both waiting on the socket before the wait starts.
            #expect(try await terminate(try await backendProcessID(of: listener), in: database))
            let error = await #expect(throws: PostgresError.self) {
                try await listener.nextNotification(timeout: .seconds(120))
            }
            #expect(error?.isConnectionLost == true)
            #expect(error?.hint?.contains("LISTEN again") == true)
            await listener.close()
        }
    }

    private func backendProcessID(of connection: PostgresConnection) async throws -> Int32 {
        try await connection.query("SELECT pg_backend_pid() AS pid")[0].decode(Int32.self, "pid")
    }

    /// Kills one backend from a connection of its own (not a shared pool another test may keep
    /// busy) and waits until the backend has exited; true when it did.
    private func terminate(_ backend: Int32, in database: TestDatabase) async throws -> Bool {
        let killer = try await PostgresConnection.connect(database.configuration, logger: Logger(label: "killer"))
        do {
            let exited = try await killer.query(
                "SELECT pg_terminate_backend($1::int, 60000) AS exited", [.int64(Int64(backend))])[0]
            await killer.close()
            return try exited.decode(Bool.self, "exited")
        } catch {
            await killer.close()
            throw error
        }
    }
}
