import Foundation
import Glibc
import Testing
import TestSupport

/// Two `channelwatch run` workers, one killed with SIGKILL: what it had claimed or was polling is
/// taken over by the other within seconds, once, with the same delivery id.
@Suite struct RunTakeoverTests {
    /// `connection` with an `application_name`, so a test can tell the two workers' sessions apart.
    static func naming(_ connection: String, _ name: String) -> String {
        guard connection.contains("://") else { return connection + " application_name=\(name)" }
        return connection + (connection.contains("?") ? "&" : "?") + "application_name=\(name)"
    }

    /// One delivery per change: only `quality_low` is routed (a drop to Low also fires `quality_degraded`).
    static let qualityLowOnly = "[{match: {rule: quality_low}, receivers: [hook]}]"

    @Test func aDeliveryClaimedByAKilledWorkerIsDeliveredByTheOtherWithin15SecondsWithTheSameID() async throws {
        let scenario = RunWorld.smallScenario(partner: "takeover-partner", steps: """
                - {name: c1 drops to Low, changes: [{channel: c1, set: {current_quality_rating: Low}}]}
            """)
        // The receiver hangs on the first request; its timeout (15 s) is longer than the test waits.
        try await RunWorld.with(scenario: scenario, firstRequests: [.hang], routes: Self.qualityLowOnly) { world in
            // A 10-minute lease: only the claimer's ended session can explain a quick takeover.
            let lease = ["CHANNELWATCH_DELIVERY_LEASE": "10m"]
            let workers = [try world.startWorker(extraEnvironment: lease), try world.startWorker(extraEnvironment: lease)]
            try await world.eventually("the first poll", workers: workers) {
                try await world.count("SELECT count(*) FROM polls WHERE complete") >= 1
            }
            #expect(await world.simulator.advance())
            _ = try await world.sink.waitForRequests(count: 1, timeout: .seconds(20))

            // Both workers live: the other one passes over the claim (several times, every 2 s).
            try await Task.sleep(for: .seconds(5))
            #expect(world.sink.requests.count == 1, "a live claimer's delivery was sent by a second worker")
            let owner = try await world.database.client.query(
                "SELECT lease_owner FROM deliveries WHERE status = 'pending'")[0].decode(String.self, "lease_owner")
            let pid = try #require(owner.split(separator: ":").dropFirst().first.flatMap { Int32($0) }, "owner \(owner)")
            let claimer = try #require(workers.first { $0.process.processID == pid }, "no worker has pid \(pid)")
            let survivor = try #require(workers.first { $0.process.processID != pid })

            let killed = ContinuousClock.now
            claimer.process.send(SIGKILL)
            try await world.eventually("the survivor to deliver it", timeout: .seconds(15), workers: [survivor]) {
                try await world.count("SELECT count(*) FROM deliveries WHERE status = 'delivered'") == 1
            }
            let took = ContinuousClock.now - killed
            print("takeover of a killed claimer's delivery: \(took)")
            #expect(took < .seconds(15), "took \(took)")
            let ids = world.deliveredEvents.map(\.deliveryID)
            #expect(ids.count == 2 && Set(ids).count == 1, "sent once more at most, with the same delivery id: \(ids)")
            #expect(try await world.count("SELECT count(*) FROM deliveries") == 1)
            let stopped = await survivor.terminate()
            #expect(stopped.status == 0, "\(survivor.output.suffix(3000))")
        }
    }

    @Test func aPollKilledMidTransactionIsRepeatedByTheSurvivorWithinOneInterval() async throws {
        // The second channel-list request is slow: its poll's transaction stays open meanwhile.
        let scenario = """
            partners:
              - id: killed-poll-partner
                api_key: \(RunWorld.apiKey)
                faults:
                  - {request: 2, latency: 8s}
                channels:
                  - {id: c1, status: ready, current_quality_rating: High, availability_status: ready, current_limit: TIER_1K,
                     setup_info: {phone_number: "+493000001", phone_name: "Shop 1"}}
            timeline:
              advance: manual
              steps:
                - {name: c1 drops to Low, changes: [{channel: c1, set: {current_quality_rating: Low}}]}
            """
        try await RunWorld.with(scenario: scenario, poll: "{interval: 2s, jitter: 0s, timeout: 20s}",
                                routes: Self.qualityLowOnly) { world in
            let workers = try ["cw-a", "cw-b"].map { name in
                try world.startWorker(extraEnvironment: ["CW_TEST_DATABASE": Self.naming(world.database.connectionString, name)])
            }
            try await world.eventually("the first poll", workers: workers) {
                try await world.count("SELECT count(*) FROM polls WHERE complete") == 1
            }
            #expect(await world.simulator.advance())
            // The slow poll: a worker's session sits in its open recording transaction, which has
            // written (the poll's row) and is old — not a short read of the other worker's.
            var polling: String?
            try await world.eventually("a poll transaction open", workers: workers) {
                polling = try await world.database.client.query("""
                    SELECT application_name FROM pg_stat_activity
                    WHERE state = 'idle in transaction' AND application_name IN ('cw-a', 'cw-b')
                        AND backend_xid IS NOT NULL AND now() - xact_start > interval '500 milliseconds'
                    """).first?.decode(String.self, "application_name")
                return polling != nil
            }
            let victim = workers[polling == "cw-a" ? 0 : 1]
            let survivor = workers[polling == "cw-a" ? 1 : 0]
            let killed = ContinuousClock.now
            victim.process.send(SIGKILL)

            try await world.eventually("the survivor's poll", timeout: .seconds(10), workers: [survivor]) {
                try await world.count("SELECT count(*) FROM polls WHERE complete") == 2
            }
            let took = ContinuousClock.now - killed
            print("poll repeated after a killed poll: \(took)")
            // One interval (2 s) plus the poll itself and the check's own pace.
            #expect(took < .seconds(4), "took \(took)")
            #expect(try await world.count("SELECT count(*) FROM polls") == 2, "the killed poll left nothing behind")
            try await world.eventually("the delivery", workers: [survivor]) {
                try await world.count("SELECT count(*) FROM deliveries WHERE status = 'delivered'") == 1
            }
            #expect(try await world.count("SELECT count(*) FROM events WHERE rule = 'quality_low'") == 1, "recorded once")
            #expect(world.deliveredEvents.flatMap(\.events).map(\.rule) == ["quality_low"])
            let stopped = await survivor.terminate()
            #expect(stopped.status == 0, "\(survivor.output.suffix(3000))")
        }
    }
}
