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

            let clock = ContinuousClock()
            let start = clock.now
            async let received = listener.nextNotification(timeout: .seconds(30))
            try await Task.sleep(for: .milliseconds(100))
            try await database.client.notify("deliveries due", payload: "Zoë 🚀")
            let notification = try #require(try await received)
            #expect(notification.channel == "deliveries due")
            #expect(notification.payload == "Zoë 🚀")
            #expect(clock.now - start < .seconds(15), "the waiter should wake on the notification, not the timeout")
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
            #expect(try await listener.nextNotification(timeout: .seconds(2))?.payload == "1")
            try await listener.unlisten("wake")
            try await database.client.notify("wake", payload: "2")
            #expect(try await listener.nextNotification(timeout: .milliseconds(200)) == nil)
            await listener.close()
        }
    }

    @Test func listenerLearnsItsSessionDiedAndCanReconnect() async throws {
        try await TestDatabase.with { database in
            let listener = try await PostgresConnection.connect(database.configuration, logger: Logger(label: "listener"))
            try await listener.listen("wake")
            let waiting = Task { try await listener.nextNotification(timeout: .seconds(30)) }
            try await Task.sleep(for: .milliseconds(100))
            try await database.terminateConnections()
            let error = await #expect(throws: PostgresError.self) { try await waiting.value }
            #expect(error?.isConnectionLost == true)

            try await listener.ensureConnected()
            try await listener.listen("wake")
            try await database.client.notify("wake", payload: "again")
            #expect(try await listener.nextNotification(timeout: .seconds(2))?.payload == "again")
            await listener.close()
        }
    }
}
