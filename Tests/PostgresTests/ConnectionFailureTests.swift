import Logging
import Postgres
import Testing
import TestSupport

@Suite struct ConnectionFailureTests {
    @Test func wrongPasswordFailsClearlyWithoutRevealingThePassword() async throws {
        let cluster = try await PostgresCluster.shared()
        let role = "cw_pw_\(UInt32.random(in: 0...UInt32.max))"
        let rightPassword = "Right-Pässword-\(UInt32.random(in: 0...UInt32.max))"
        let wrongPassword = "Wrong-Pässword-\(UInt32.random(in: 0...UInt32.max))"
        try await cluster.adminClient.execute(
            "CREATE ROLE \(role) LOGIN PASSWORD '\(rightPassword)' IN ROLE password_required")

        func connectionString(_ password: String) -> String {
            "postgresql://\(role):\(password.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)@127.0.0.1:\(cluster.port)/postgres"
        }
        let wrong = PostgresClient(PostgresConfiguration(connectionString: connectionString(wrongPassword)), logger: Logger(label: "test"))
        let error = await #expect(throws: PostgresError.self) { try await wrong.query("SELECT 1") }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.message.contains("password authentication failed") == true)
        #expect(error?.message.contains("127.0.0.1") == true)
        #expect(error?.hint?.contains("refused the password") == true, "\(String(describing: error?.hint))")
        for secret in [wrongPassword, rightPassword, "Wrong-P%C3%A4ssword"] {
            #expect(error?.description.contains(secret) == false)
        }
        await wrong.close()

        // The same client setup with the right password works, so the failure above was the password.
        let right = PostgresClient(PostgresConfiguration(connectionString: connectionString(rightPassword)), logger: Logger(label: "test"))
        #expect(try await right.query("SELECT current_user AS me")[0].decode(String.self, "me") == role)
        await right.close()
        try await cluster.adminClient.execute("DROP ROLE \(role)")
    }

    @Test func unreachableServerFailsQuicklyWithoutRevealingThePassword() async throws {
        let port = try LoopbackPort.free()
        let configuration = PostgresConfiguration(
            connectionString: "postgresql://someone:TopSecret42@127.0.0.1:\(port)/db", connectTimeoutSeconds: 2)
        let client = PostgresClient(configuration, logger: Logger(label: "test"))
        let error = await #expect(throws: PostgresError.self) { try await client.query("SELECT 1") }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.isConnectionProblem == true)
        #expect(error?.description.contains("\(port)") == true)
        #expect(error?.description.contains("TopSecret42") == false)
        #expect(error?.hint?.contains("nothing accepts connections at that host and port") == true,
                "\(String(describing: error?.hint))")
        await client.close()
    }

    @Test func aMissingDatabaseIsNamedAsSuch() async throws {
        let cluster = try await PostgresCluster.shared()
        let client = PostgresClient(PostgresConfiguration(connectionString: cluster.connectionString(database: "cw_no_such_db")),
                                    logger: Logger(label: "test"))
        let error = await #expect(throws: PostgresError.self) { try await client.query("SELECT 1") }
        #expect(error?.hint?.contains("the database does not exist") == true, "\(String(describing: error?.hint))")
        await client.close()
    }

    @Test func malformedConnectionStringDoesNotEchoItsSecret() async throws {
        for connectionString in [
            "postgresql://user:Secret%zzHunter@127.0.0.1/db",
            "host=127.0.0.1 password=HunterSecret port",
        ] {
            let client = PostgresClient(PostgresConfiguration(connectionString: connectionString), logger: Logger(label: "test"))
            let error = await #expect(throws: PostgresError.self) { try await client.query("SELECT 1") }
            #expect(error?.kind == .connectionFailed)
            #expect(error?.message.contains("not valid libpq syntax") == true)
            #expect(error?.description.contains("Hunter") == false)
            await client.close()
        }
    }

    @Test func redactedDescriptionNeverContainsThePassword() {
        let uri = PostgresConfiguration(connectionString: "postgresql://cw:s3cr3t@db.internal:6543/alerts?sslmode=require")
        #expect(uri.redactedDescription == "host=db.internal port=6543 dbname=alerts user=cw sslmode=require")
        let conninfo = PostgresConfiguration(connectionString: "host=db dbname=x password='s3cr3t'")
        #expect(!conninfo.redactedDescription.contains("s3cr3t"))
        #expect(PostgresConfiguration(connectionString: "password=s3cr3t bogus").redactedDescription
            == "<unparseable connection string>")
        #expect(PostgresConfiguration().redactedDescription == "<libpq defaults (PG* environment)>")
    }

    @Test func replacingTheDatabaseKeepsEverythingElse() throws {
        let original = PostgresConfiguration(connectionString: "postgresql://cw:p%27w@db:6543/alerts?sslmode=disable")
        let replaced = try #require(original.replacingDatabase(with: "other"))
        #expect(replaced.redactedDescription == "host=db port=6543 dbname=other user=cw sslmode=disable")
        #expect(replaced.connectionString.contains("password='p\\'w'"))
    }
}
