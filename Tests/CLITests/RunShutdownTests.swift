import Foundation
import PartnerAPI
import Testing
import TestSupport

/// SIGTERM to `channelwatch run` in the middle of a poll and of a delivery:
/// exit 0 within 10 s each time, and after a restart nothing is lost or sent twice, except
/// the one delivery whose outcome was never recorded, resent once with the same id.
@Suite struct RunShutdownTests {
    @Test func sigtermDuringAPollAndDuringADeliveryLosesNothing() async throws {
        let scenario = RunWorld.smallScenario(partner: "slow-partner", steps: """
                - {name: c1 drops to Low, changes: [{channel: c1, set: {current_quality_rating: Low}}]}
            """)
        // The first notification hangs until the worker gives up on it; the rest are accepted.
        try await RunWorld.with(scenario: scenario, firstRequests: [.hang]) { world in
            let first = try world.startWorker()
            try await world.eventually("the first poll", workers: [first]) {
                try await world.count("SELECT count(*) FROM polls") >= 1
            }

            // Every page now takes 3 s; once a slow poll is in flight, c1 drops and SIGTERM arrives.
            await world.simulator.setFaults([FaultRule(latency: .seconds(3))], partnerID: world.partnerID)
            try await world.eventually("a slow poll in flight", workers: [first]) {
                (await world.simulator.stats(partnerID: world.partnerID)?.inFlight ?? 0) > 0
            }
            await world.simulator.advance()
            let pollsBefore = try await world.count("SELECT count(*) FROM polls")
            let duringPoll = await first.terminate()
            #expect(duringPoll.status == 0, "exit status \(String(describing: duringPoll.status)) after \(duringPoll.took)\n\(first.output.suffix(3000))")
            #expect(duringPoll.took < .seconds(10))
            #expect(try await world.count("SELECT count(*) FROM polls") == pollsBefore, "the abandoned poll is not recorded")
            #expect(try await world.count("SELECT count(*) FROM events") == 0)

            // A new worker sees the drop; one of its two notifications hangs when SIGTERM arrives.
            await world.simulator.setFaults([], partnerID: world.partnerID)
            let second = try world.startWorker()
            try await world.eventually("both notifications to be sent", workers: [second]) {
                let delivered = try await world.count("SELECT count(*) FROM deliveries WHERE status = 'delivered'")
                return world.sink.requests.count >= 2 && delivered == 1
            }
            let duringDelivery = await second.terminate()
            #expect(duringDelivery.status == 0, "exit status \(String(describing: duringDelivery.status)) after \(duringDelivery.took)\n\(second.output.suffix(3000))")
            #expect(duringDelivery.took < .seconds(10))
            let recorded = try await world.recordedEvents()
            #expect(Set(recorded) == [EventKey(rule: "quality_low", channel: "c1", status: "firing"),
                                      EventKey(rule: "quality_degraded", channel: "c1", status: "changed")])
            let hungDelivery = try #require(world.sink.requests.first?.header("X-ChannelWatch-Delivery"))

            // The stopping worker handed its unfinished claim back, so a third worker sends it at
            // once, even with the default two-minute lease, and repeats nothing else.
            #expect(second.output.contains("handed back 1 delivery claim(s)"), "\(second.output.suffix(3000))")
            let third = try world.startWorker(extraEnvironment: ["CHANNELWATCH_DELIVERY_LEASE": "2m"])
            try await world.eventually("the hung delivery to be resent", workers: [third]) {
                try await world.count("SELECT count(*) FROM deliveries WHERE status <> 'delivered'") == 0
            }
            // One more poll: the restarted worker must not detect the drop a second time.
            let polls = try await world.count("SELECT count(*) FROM polls")
            try await world.eventually("another poll", workers: [third]) {
                try await world.count("SELECT count(*) FROM polls") > polls
            }
            let stopped = await third.terminate()
            #expect(stopped.status == 0, "\(third.output.suffix(3000))")

            let ids = world.deliveredEvents.map(\.deliveryID)
            #expect(ids.filter { $0 == hungDelivery }.count == 2, "the hung delivery is resent once, with the same id: \(ids)")
            #expect(ids.count == 3 && Set(ids).count == 2, "\(ids)")
            #expect(try await world.recordedEvents().count == recorded.count, "nothing detected twice")
            #expect(Set(world.deliveredEvents.flatMap(\.events)) == Set(recorded))
        }
    }

    @Test func afterSigtermTheWorkerFinishesItsBatchButClaimsNoMore() async throws {
        let scenario = """
            partners:
              - id: busy-partner
                api_key: \(RunWorld.apiKey)
                generate:
                  count: 70
                  template: {id: "b-{n:3}", status: ready, current_quality_rating: High, availability_status: ready}
            timeline:
              advance: manual
              steps:
                - {name: every number drops to Low, changes: [{all: true, set: {current_quality_rating: Low}}]}
            """
        // One notification per rule and channel, each answered after 300 ms: a batch of 64
        // takes about 2.4 s at 8 at once, well inside the 7 s grace.
        try await RunWorld.with(scenario: scenario, sinkAnswer: .respondAfter(.milliseconds(300), .text("ok")),
                                routes: "[{receivers: [hook], group_by: [rule, channel_id]}]") { world in
            let worker = try world.startWorker()
            try await world.eventually("the first poll", workers: [worker]) {
                try await world.count("SELECT count(*) FROM polls") >= 1
            }
            await world.simulator.advance()
            try await world.eventually("the first notification", workers: [worker]) { !world.sink.requests.isEmpty }
            let stopped = await worker.terminate()
            #expect(stopped.status == 0, "\(worker.output.suffix(3000))")
            let total = try await world.count("SELECT count(*) FROM deliveries")
            #expect(total == 140, "a firing and a change event for each of 70 channels")
            #expect(world.sink.requests.count == 64, "only the batch claimed before SIGTERM is sent")
            #expect(try await world.count("SELECT count(*) FROM deliveries WHERE attempts = 0") == total - 64,
                    "nothing is claimed after SIGTERM")

            let restarted = try world.startWorker()
            try await world.eventually("the rest to be delivered", workers: [restarted]) {
                try await world.count("SELECT count(*) FROM deliveries WHERE status = 'delivered'") == total
            }
            #expect(await restarted.terminate().status == 0)
            let ids = world.deliveredEvents.map(\.deliveryID)
            #expect(ids.count == total && Set(ids).count == total, "each delivery sent exactly once")
        }
    }
}
