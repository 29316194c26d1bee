import Foundation
import Testing
import TestSupport

/// Two `channelwatch run` processes on one database: the demo timeline is polled
/// once per interval between them and every event is delivered exactly once, also across a
/// loss of every database session.
@Suite struct RunReplicaTests {
    @Test func twoWorkersDeliverEveryEventOfTheDemoTimelineExactlyOnce() async throws {
        let demo = try String(contentsOf: ChannelWatchBinary.repositoryRoot.appendingPathComponent("scenarios/demo.yml"),
                              encoding: .utf8)
        let scenario = demo.replacingOccurrences(of: "api_key: demo-key", with: "api_key: \(RunWorld.apiKey)")
        try await RunWorld.with(scenario: scenario) { world in
            let workers = [try world.startWorker(), try world.startWorker()]
            // Halfway through, every session is cut: the partner locks and LISTENs die with them
            // and must be taken again after the reconnect.
            try await world.eventually("three polls", workers: workers) {
                try await world.count("SELECT count(*) FROM polls WHERE complete") >= 3
            }
            #expect(try await world.database.terminateConnections() >= 2)
            // Poll 1 looks, polls 2–7 each see one of the six timeline steps.
            try await world.eventually("the whole timeline to be polled", timeout: .seconds(60), workers: workers) {
                try await world.count("SELECT count(*) FROM polls WHERE complete") >= 7
            }
            #expect(await world.simulator.stepsApplied() == 6)
            try await world.eventually("every delivery to be sent", workers: workers) {
                let undelivered = try await world.count("SELECT count(*) FROM deliveries WHERE status <> 'delivered'")
                let total = try await world.count("SELECT count(*) FROM deliveries")
                return undelivered == 0 && world.sink.requests.count == total
            }
            for worker in workers {
                let stopped = await worker.terminate()
                #expect(stopped.status == 0, "\(worker.output.suffix(3000))")
            }

            let delivered = world.deliveredEvents
            let ids = delivered.map(\.deliveryID)
            #expect(Set(ids).count == ids.count, "a delivery id was sent twice: \(ids)")
            #expect(try await world.count("SELECT count(*) FROM deliveries WHERE status = 'delivered'") == ids.count)
            let sent = delivered.flatMap(\.events)
            let recorded = try await world.recordedEvents()
            #expect(sent.count == recorded.count, "every event is in exactly one notification")
            #expect(Set(sent) == Set(recorded))
            #expect(Set(recorded.map(\.rule)).isSuperset(of: ["quality_low", "quality_degraded", "waba_banned", "channel_cancelled"]),
                    "\(recorded)")

            // One poll per interval (1 s) between the two: a replica skips a partner polled
            // within 80 % of an interval, so no two polls start closer than that.
            let starts = try await world.database.client.query(
                "SELECT extract(epoch FROM started_at)::float8 AS t FROM polls ORDER BY started_at")
                .map { try $0.decode(Double.self, "t") }
            let gaps = zip(starts.dropFirst(), starts).map { $0 - $1 }
            #expect(gaps.allSatisfy { $0 >= 0.75 }, "polls closer than the recent-poll window: \(gaps)")
        }
    }
}
