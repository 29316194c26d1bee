import Alerting
import Config
import Foundation
import Logging
import Postgres
import TestSupport
import Testing
import Worker

/// Scheduling across replicas: the advisory lock and the recent-poll window.
@Suite struct PollLoopTests {
    @Test func twoReplicasPollEachPartnerOncePerIntervalBetweenThem() async throws {
        try await TestDatabaseScope.with { database in
            let config = WorkerHarness.config(partners: ["p1", "p2"], interval: .seconds(1), database: database)
            let rules = try WorkerHarness.rules()
            let capture = LogCapture()
            let logger = WorkerHarness.logger(capture)
            let poller = FixedPoller()
            // Two replicas: separate clients (separate sessions), one database.
            let second = PostgresClient(database.configuration(poolSize: 4), logger: Logger(label: "replica-b"))
            defer { Task { await second.close() } }
            let loops = [database.client, second].enumerated().map { index, client in
                let metrics = WorkerMetrics()
                let settings = WorkerSettingsStore(WorkerSettings(
                    config: config, rules: rules, receivers: [], database: client, outboxOwner: "replica-\(index)",
                    metrics: metrics, logger: logger))
                return PollLoop(settings: settings, database: client, poller: poller, metrics: metrics, logger: logger,
                                wakeDelivery: {})
            }
            let stop = StopSignal()
            let started = ContinuousClock.now
            await withTaskGroup(of: Void.self) { group in
                for loop in loops { group.addTask { await loop.run(until: stop) } }
                try? await Task.sleep(for: .milliseconds(4_300))
                stop.stop()
            }
            let elapsed = (ContinuousClock.now - started) / .seconds(1)
            for partner in ["p1", "p2"] {
                let rows = try await database.client.query("""
                    SELECT extract(epoch FROM started_at)::float8 AS started, extract(epoch FROM finished_at)::float8 AS finished
                    FROM polls WHERE partner_id = $1 ORDER BY started_at
                    """, [.text(partner)])
                let polls = try rows.map { (try $0.decode(Double.self, "started"), try $0.decode(Double.self, "finished")) }
                // At most one poll per 1 s interval between both replicas (two independent replicas would
                // make ~9 in ~4.3 s); at least two, so both the lock and the interval rule were exercised.
                // A loaded machine may poll less often, never more.
                #expect((1...Int(elapsed) + 1).contains(polls.count), "\(partner): \(polls.count) polls in \(elapsed) s")
                for (previous, next) in zip(polls, polls.dropFirst()) {
                    #expect(next.0 - previous.1 >= 0.75, "\(partner): polls \(next.0 - previous.1) s apart")
                }
                // Every poll of the API was recorded, but for one per replica abandoned by the stop.
                #expect((polls.count...polls.count + 2).contains(poller.pollCount(partner)), "every poll of the API was recorded")
            }
        }
    }

    @Test func aCycleSkipsWhenAnotherSessionHoldsThePartnersLock() async throws {
        try await TestDatabaseScope.with { database in
            let config = WorkerHarness.config(partners: ["p1"], interval: .seconds(60), database: database)
            let metrics = WorkerMetrics()
            let logger = Logger(label: "test")
            let settings = WorkerSettingsStore(WorkerSettings(
                config: config, rules: try WorkerHarness.rules(), receivers: [], database: database.client,
                metrics: metrics, logger: logger))
            let poller = FixedPoller()
            let loop = PartnerPollLoop(partnerID: "p1", settings: settings, database: database.client, poller: poller,
                                       metrics: metrics, logger: logger, wakeDelivery: {})
            let other = try await PostgresConnection.connect(database.configuration, logger: logger)
            #expect(try await other.tryAdvisoryLock(PartnerLockKey.forPartner("p1")))
            guard case .lockedElsewhere = await loop.runCycle() else {
                Issue.record("expected the cycle to skip while the lock is held")
                return
            }
            #expect(poller.pollCount("p1") == 0)
            try await other.advisoryUnlock(PartnerLockKey.forPartner("p1"))
            await other.close()
            guard case .recorded(let outcome) = await loop.runCycle() else {
                Issue.record("expected a recorded poll once the lock is free")
                return
            }
            #expect(outcome.complete)
            // Right after a poll, the next cycle (interval 60 s) sees it and skips.
            guard case .polledRecently = await loop.runCycle() else {
                Issue.record("expected the cycle to skip a partner polled within the recent-poll window")
                return
            }
            #expect(poller.pollCount("p1") == 1)
        }
    }
}
