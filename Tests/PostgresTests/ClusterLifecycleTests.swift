import Postgres
import Testing
import TestSupport

@Suite struct ClusterLifecycleTests {
    @Test func clientSurvivesTheServerStoppingAndStartingAgain() async throws {
        let cluster = try await PostgresCluster.launch()
        let database = try await TestDatabase.create(on: cluster, poolSize: 2)
        #expect(try await database.client.query("SELECT 1 AS one")[0].decode(Int.self, "one") == 1)

        try await cluster.stop()
        let whileDown = await #expect(throws: PostgresError.self) { try await database.client.query("SELECT 1") }
        #expect(whileDown?.isConnectionProblem == true)
        // Down means down: new connections are refused too.
        let refused = await #expect(throws: PostgresError.self) { try await database.client.query("SELECT 1") }
        #expect(refused?.kind == .connectionFailed)

        try await cluster.start()
        #expect(try await database.client.query("SELECT 2 AS two")[0].decode(Int.self, "two") == 2)
        try await database.drop()
        await cluster.destroy()
    }
}

@Suite struct ProcessRunnerTests {
    @Test func capturesOutputAndExitCode() async throws {
        let result = try await ProcessRunner.run(
            "/bin/sh", ["-c", "echo out; echo err >&2; echo \"$GREETING\"; exit 3"], environment: ["GREETING": "Zoë"])
        #expect(result.exitCode == 3)
        #expect(result.standardOutput == "out\nZoë\n")
        #expect(result.standardError == "err\n")
        #expect(!result.succeeded)
    }

    @Test func killsProcessesThatOutliveTheirTimeout() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await ProcessRunner.run("/bin/sleep", ["30"], timeout: .milliseconds(200))
        #expect(result.timedOut)
        #expect(result.exitCode == 128 + 15)
        #expect(clock.now - start < .seconds(15), "killed long before sleep 30 ends")
    }

    @Test func missingExecutableIsAClearError() async throws {
        let error = await #expect(throws: ProcessRunnerError.self) {
            try await ProcessRunner.run("/nonexistent/tool", [])
        }
        #expect(error?.message.contains("/nonexistent/tool") == true)
    }
}
