import Alerting
import Config
import Foundation
import Logging
import Postgres
import ServiceLifecycle
import TestSupport
import Testing
import Worker

/// The service's life: graceful shutdown through a ServiceGroup, reload.
@Suite struct WorkerServiceTests {
    @Test func gracefulShutdownDuringAPollReturnsPromptlyAndRecordsNothingHalfDone() async throws {
        try await TestDatabaseScope.with { database in
            let poller = FixedPoller()
            let config = WorkerHarness.config(interval: .seconds(1), database: database)
            let service = try WorkerService(
                config: config, rules: try WorkerHarness.rules(), database: database.client, poller: poller,
                makeReceivers: { _ in [RecordingReceiver(name: "ops")] }, metrics: WorkerMetrics(),
                logger: WorkerHarness.logger(LogCapture()), outboxOwner: "shutdown-test")
            let group = ServiceGroup(services: [service], logger: Logger(label: "test.group"))
            let running = Task { try await group.run() }
            try await WorkerHarness.eventually("the first poll") { poller.pollCount("p1") >= 1 }
            poller.setPaused(true)  // the next poll hangs, as a slow Partner API would
            try await Task.sleep(for: .milliseconds(1500))
            // Counted once the earlier polls are recorded and the next one hangs in the API.
            let pollsBefore = try await WorkerHarness.count(database, "SELECT count(*) FROM polls")
            let started = ContinuousClock.now
            await group.triggerGracefulShutdown()
            try await running.value
            let took = ContinuousClock.now - started
            #expect(took < .seconds(10), "shut down in \(took)")
            // The abandoned poll was not recorded as a failure.
            #expect(try await WorkerHarness.count(database, "SELECT count(*) FROM polls") == pollsBefore)
            #expect(try await WorkerHarness.count(database, "SELECT count(*) FROM polls WHERE NOT complete") == 0)
        }
    }

    @Test func reloadSwapsPartnersAndRules() async throws {
        try await TestDatabaseScope.with { database in
            let poller = FixedPoller(channelIDs: ["c1"], quality: "Low")
            let ops = RecordingReceiver(name: "ops")
            let config = WorkerHarness.config(partners: ["p1"], interval: .milliseconds(500), database: database)
            let running = try await WorkerHarness.start(config: config, database: database, poller: poller,
                                                        receivers: [ops], logger: WorkerHarness.logger(LogCapture()))
            try await WorkerHarness.eventually("p1's alert") { ops.eventLines == ["quality_low c1 firing"] }
            #expect(poller.pollCount("p2") == 0)

            // New partner, and a rules file without quality_low: p2's Low channel raises nothing.
            let newConfig = WorkerHarness.config(partners: ["p1", "p2"], interval: .milliseconds(500), database: database)
            let otherRules = """
                rules:
                  - name: limit_down
                    summary: "Limit lowered"
                    severity: warning
                    change: {field: current_limit, direction: down}
                """
            let rules = LoadedRules(ruleSet: try RuleSetFixture.parse(otherRules), fingerprint: "other")
            try running.service.reload(config: newConfig, rules: rules)
            try await WorkerHarness.eventually("p2 to be polled") { poller.pollCount("p2") >= 2 }
            #expect(running.service.settings.settings.config.partners.map(\.id) == ["p1", "p2"])
            #expect(running.service.settings.settings.recorder.rulesFingerprint == "other")
            try await Task.sleep(for: .milliseconds(600))
            // p2's channel is Low too, but quality_low is no longer a rule: p2 raises nothing.
            #expect(try await WorkerHarness.count(database, "SELECT count(*) FROM events WHERE partner_id = 'p2'") == 0)
            try await running.shutDown()
        }
    }
}

/// Shutdown while a notification is on the wire.
@Suite struct DeliveryShutdownTests {
    @Test func shutdownDuringASendFinishesItAndClaimsNothingNew() async throws {
        try await TestDatabaseScope.with { database in
            let poller = FixedPoller(channelIDs: ["c1"], quality: "High")
            let slow = RecordingReceiver(name: "ops", delay: .milliseconds(1500))
            let config = WorkerHarness.config(interval: .milliseconds(500), database: database)
            let running = try await WorkerHarness.start(config: config, database: database, poller: poller,
                                                        receivers: [slow], logger: WorkerHarness.logger(LogCapture()))
            try await WorkerHarness.eventually("the first poll") { poller.pollCount("p1") >= 1 }
            poller.setChannels([FixedPoller.channel("c1", quality: "Low")])
            try await WorkerHarness.eventually("the send to start") { slow.sendsStarted == 1 }
            let took = try await running.shutDown()
            #expect(took < .seconds(10))
            #expect(slow.eventLines == ["quality_low c1 firing"], "the send in flight finished")
            #expect(try await WorkerHarness.count(database, "SELECT count(*) FROM deliveries WHERE status = 'delivered'") == 1,
                    "and its outcome was recorded, so it is never sent again")
        }
    }
}
