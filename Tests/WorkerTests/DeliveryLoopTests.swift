import Alerting
import Recording
import Config
import Foundation
import Logging
import Postgres
import TestSupport
import Testing
import Worker

/// The delivery loop wakes on NOTIFY, not only on its timer.
@Suite struct DeliveryLoopTests {
    @Test func wakesOnNotifyWithinASecond() async throws {
        try await TestDatabaseScope.with { database in
            let config = WorkerHarness.config(database: database)
            let ops = RecordingReceiver(name: "ops")
            let metrics = WorkerMetrics()
            let logger = Logger(label: "test.delivery")
            let settings = WorkerSettingsStore(WorkerSettings(
                config: config, rules: try WorkerHarness.rules(), receivers: [ops], database: database.client,
                outboxOwner: "notify-test", metrics: metrics, logger: logger))
            var loop = DeliveryLoop(settings: settings, database: database.client, metrics: metrics, logger: logger,
                                    wake: WakeSignal())
            loop.retryCheckInterval = .seconds(60)  // only a NOTIFY can wake it within the test
            let stop = StopSignal()
            let running = Task { await loop.run(until: stop) }
            try await WorkerHarness.eventually("the LISTEN session") {
                try await WorkerHarness.count(database, """
                    SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN%'
                    """, [.text(database.name)]) == 1
            }
            // Let the first pass (started by the listener on connect) finish with nothing to do.
            try await Task.sleep(for: .milliseconds(300))

            // Another process records a poll that queues a delivery; the recorder NOTIFYs on commit.
            let recorder = settings.settings.recorder
            let channel = FixedPoller.channel("c1", quality: "Low")
            let sent = ContinuousClock.now
            _ = try await recorder.record(
                ObservedPoll(partnerID: "p1", startedAt: Date(), finishedAt: Date(), channels: [channel], pages: 1, failure: nil),
                firstPoll: .notify, failingAfter: 3)
            try await WorkerHarness.eventually("the delivery", timeout: .seconds(45)) { !ops.eventLines.isEmpty }
            let latency = ContinuousClock.now - sent
            #expect(latency < .seconds(30), "woken \(latency) after the NOTIFY, long before the 60 s retry timer")
            #expect(ops.eventLines == ["quality_low c1 firing"])
            stop.stop()
            await running.value
        }
    }
}
