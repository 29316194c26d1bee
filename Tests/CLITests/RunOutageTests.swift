import Foundation
import Testing
import TestSupport

/// PostgreSQL stopped for 20 s under a running `channelwatch run`: the
/// worker stays up and says so, `/readyz` answers 503, and once the database is back what
/// changed meanwhile is delivered exactly once.
@Suite struct RunOutageTests {
    @Test func theWorkerSurvivesTwentySecondsWithoutPostgreSQLAndThenDeliversWhatChanged() async throws {
        let cluster = try await PostgresCluster.launch()
        do {
            try await outage(on: cluster)
        } catch {
            await cluster.destroy()
            throw error
        }
        await cluster.destroy()
    }

    private func outage(on cluster: PostgresCluster, function: String = #function) async throws {
        let scenario = RunWorld.smallScenario(partner: "outage-partner", steps: """
                - {name: c2 drops to Low, changes: [{channel: c2, set: {current_quality_rating: Low}}]}
            """)
        try await RunWorld.with(function: function, scenario: scenario, cluster: cluster) { world in
            let worker = try world.startWorker()
            try await world.eventually("the first poll and readiness", workers: [worker]) {
                let polls = try await world.count("SELECT count(*) FROM polls")
                return polls >= 1 ? await worker.get("/readyz")?.status == 200 : false
            }

            try await cluster.stop()
            let outageStart = ContinuousClock.now
            await world.simulator.advance()
            try await world.eventually("the log to say the database is unreachable", workers: [worker]) {
                worker.output.contains("database unreachable")
            }
            try await world.eventually("/readyz to answer 503", workers: [worker]) {
                await worker.get("/readyz")?.status == 503
            }
            let unready = await worker.get("/readyz")
            #expect(unready?.body.hasPrefix("database: ") == true, "\(String(describing: unready))")
            #expect(await worker.get("/healthz")?.status == 200, "alive while the database is away")
            try await Task.sleep(until: outageStart + .seconds(20))
            #expect(worker.process.isRunning, "\(worker.output.suffix(3000))")
            #expect(world.sink.requests.isEmpty)

            try await cluster.start()
            try await world.eventually("the change to be delivered", timeout: .seconds(60), workers: [worker]) {
                world.sink.requests.count >= 2
            }
            try await world.eventually("/readyz to answer 200 again", workers: [worker]) {
                await worker.get("/readyz")?.status == 200
            }
            // Two more polls after the delivery: nothing is detected or sent again.
            let polls = try await world.count("SELECT count(*) FROM polls")
            try await world.eventually("two more polls", workers: [worker]) {
                try await world.count("SELECT count(*) FROM polls") >= polls + 2
            }
            let stopped = await worker.terminate()
            #expect(stopped.status == 0, "\(worker.output.suffix(3000))")

            let recorded = try await world.recordedEvents()
            #expect(Set(recorded) == [EventKey(rule: "quality_low", channel: "c2", status: "firing"),
                                      EventKey(rule: "quality_degraded", channel: "c2", status: "changed")])
            let delivered = world.deliveredEvents
            #expect(delivered.count == 2 && Set(delivered.map(\.deliveryID)).count == 2, "\(delivered.map(\.deliveryID))")
            #expect(delivered.flatMap(\.events).count == recorded.count)
            #expect(Set(delivered.flatMap(\.events)) == Set(recorded))
            #expect(worker.output.contains("database reachable again"), "\(worker.output.suffix(3000))")
        }
    }

    @Test func sigtermDuringADatabaseOutageStillExitsZeroWithinTenSeconds() async throws {
        let cluster = try await PostgresCluster.launch()
        do {
            try await stopDuringOutage(on: cluster)
        } catch {
            await cluster.destroy()
            throw error
        }
        await cluster.destroy()
    }

    private func stopDuringOutage(on cluster: PostgresCluster, function: String = #function) async throws {
        let scenario = RunWorld.smallScenario(partner: "stuck-partner", steps: "    []")
        try await RunWorld.with(function: function, scenario: scenario, cluster: cluster) { world in
            let worker = try world.startWorker()
            try await world.eventually("the first poll", workers: [worker]) {
                try await world.count("SELECT count(*) FROM polls") >= 1
            }
            try await cluster.stop()
            try await world.eventually("the worker to notice the outage", workers: [worker]) {
                worker.output.contains("database unreachable")
            }
            let stopped = await worker.terminate()
            #expect(stopped.status == 0, "exit status \(String(describing: stopped.status))\n\(worker.output.suffix(3000))")
            #expect(stopped.took < .seconds(10))
            try await cluster.start()
        }
    }
}
