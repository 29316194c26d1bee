import Alerting
import Config
import Foundation
import Postgres
import TestSupport
import Testing
import Worker

/// PostgreSQL stopped for a few seconds: the worker says so, stays up, answers 503, and once the
/// database is back delivers what changed meanwhile, exactly once.
@Suite struct OutageTests {
    @Test func loopsSurviveAStoppedDatabaseAndRecover() async throws {
        let cluster = try await PostgresCluster.launch()
        defer { Task { await cluster.destroy() } }
        try await TestDatabaseScope.with(on: cluster) { database in
            let poller = FixedPoller(channelIDs: ["c1"], quality: "High")
            let ops = RecordingReceiver(name: "ops")
            let capture = LogCapture()
            let config = WorkerHarness.config(interval: .milliseconds(500), listen: "127.0.0.1:0", database: database)
            let running = try await WorkerHarness.start(config: config, database: database, poller: poller,
                                                        receivers: [ops], logger: WorkerHarness.logger(capture))
            let port = try #require(await running.service.healthServer?.boundPort)
            try await WorkerHarness.eventually("the first poll") { poller.pollCount("p1") >= 1 }
            try await WorkerHarness.eventually("ready") { try await httpGet(port: port, "/readyz").status == 200 }

            try await cluster.stop()
            // What changes while the database is down must not be lost.
            poller.setChannels([FixedPoller.channel("c1", quality: "Low")])
            try await WorkerHarness.eventually("/readyz to report the database") {
                let response = try await httpGet(port: port, "/readyz")
                return response.status == 503 && response.body.hasPrefix("database: ")
            }
            try await WorkerHarness.eventually("the outage in the logs") {
                capture.lines.contains { $0.contains("database unreachable:") && $0.contains("retrying in") }
            }
            try await Task.sleep(for: .seconds(2))
            #expect(ops.eventLines.isEmpty, "nothing can be recorded or delivered while the database is down")
            #expect(try await httpGet(port: port, "/healthz").status == 200, "the process stays up")
            #expect(!capture.lines.contains { $0.contains("key-p1") }, "no API key in any log line")

            try await cluster.start()
            try await WorkerHarness.eventually("the change to be delivered after the outage", timeout: .seconds(40)) {
                ops.eventLines == ["quality_low c1 firing"]
            }
            try await WorkerHarness.eventually("ready again", timeout: .seconds(10)) {
                try await httpGet(port: port, "/readyz").status == 200
            }
            try await Task.sleep(for: .seconds(1))
            #expect(ops.eventLines == ["quality_low c1 firing"], "delivered exactly once")
            #expect(try await WorkerHarness.count(database, "SELECT count(*) FROM deliveries WHERE status = 'delivered'") == 1)
            let shutdown = try await running.shutDown()
            #expect(shutdown < .seconds(10))
        }
    }
}
