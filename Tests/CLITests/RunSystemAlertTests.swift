import Foundation
import PartnerAPI
import Testing
import TestSupport

/// The system alerts from real processes: `poll_failing` after `failing_after`
/// failed polls of a running worker, resolved by the next complete one; `api_auth_failed`
/// when the simulator rejects the API key.
@Suite struct RunSystemAlertTests {
    @Test func pollFailingFiresAfterTwoFailedPollsAndResolvesOnRecovery() async throws {
        let scenario = RunWorld.smallScenario(partner: "failing-partner", steps: "    []")
        try await RunWorld.with(scenario: scenario, poll: "{interval: 1s, jitter: 0s, timeout: 1s, failing_after: 2}") { world in
            let worker = try world.startWorker()
            try await world.eventually("the first poll", workers: [worker]) {
                try await world.count("SELECT count(*) FROM polls WHERE complete") >= 1
            }
            await world.simulator.setFaults([FaultRule(failure: .status(500))], partnerID: world.partnerID)
            let firing = EventKey(rule: "poll_failing", channel: "", status: "firing")
            try await world.eventually("poll_failing to be delivered", workers: [worker]) {
                world.deliveredEvents.flatMap(\.events).contains(firing)
            }
            // It fired with the second failed poll in a row, not before.
            let failedBefore = try await world.count("""
                SELECT count(*) FROM polls WHERE NOT complete
                AND id <= (SELECT poll_id FROM events WHERE rule = 'poll_failing' AND status = 'firing')
                """)
            #expect(failedBefore == 2)
            // The failed polls record why; under load one of them may have timed out instead (1 s), so
            // not every one carries the 500.
            #expect(try await world.count("SELECT count(*) FROM polls WHERE NOT complete AND http_status = 500") >= 1)

            await world.simulator.setFaults([], partnerID: world.partnerID)
            let resolved = EventKey(rule: "poll_failing", channel: "", status: "resolved")
            try await world.eventually("poll_failing to resolve", workers: [worker]) {
                world.deliveredEvents.flatMap(\.events).contains(resolved)
            }
            let stopped = await worker.terminate()
            #expect(stopped.status == 0, "\(worker.output.suffix(3000))")
            #expect(worker.output.contains("http_status=500"), "the poll summary says why: \(worker.output.suffix(2000))")
            let sent = world.deliveredEvents.flatMap(\.events)
            #expect(sent == [firing, resolved], "\(sent)")
            #expect(Set(try await world.recordedEvents()) == [firing, resolved])
        }
    }

    @Test func aRejectedAPIKeyFiresApiAuthFailedThenPollFailingAndBothResolve() async throws {
        let scenario = RunWorld.smallScenario(partner: "auth-partner", steps: "    []")
        try await RunWorld.with(scenario: scenario, poll: "{interval: 1m, failing_after: 2}") { world in
            let wrongKey = ["CW_TEST_API_KEY": "revoked-key-1234"]
            let first = try await world.poll(extraEnvironment: wrongKey)
            #expect(Set(try await world.recordedEvents()) == [EventKey(rule: "api_auth_failed", channel: "", status: "firing")],
                    "\(first.standardError)")
            _ = try await world.poll(extraEnvironment: wrongKey)
            #expect(Set(try await world.recordedEvents().map(\.rule)) == ["api_auth_failed", "poll_failing"])
            let recovered = try await world.poll()
            #expect(recovered.succeeded, "\(recovered.standardError)")

            let sent = world.deliveredEvents.flatMap(\.events)
            #expect(sent == [EventKey(rule: "api_auth_failed", channel: "", status: "firing"),
                             EventKey(rule: "poll_failing", channel: "", status: "firing"),
                             EventKey(rule: "poll_failing", channel: "", status: "resolved"),
                             EventKey(rule: "api_auth_failed", channel: "", status: "resolved")]
                    || sent == [EventKey(rule: "api_auth_failed", channel: "", status: "firing"),
                                EventKey(rule: "poll_failing", channel: "", status: "firing"),
                                EventKey(rule: "api_auth_failed", channel: "", status: "resolved"),
                                EventKey(rule: "poll_failing", channel: "", status: "resolved")], "\(sent)")
            let output = [first, recovered].map { $0.standardOutput + $0.standardError }.joined()
            #expect(!output.contains("revoked-key-1234"), "the API key stays out of the output")
        }
    }
}
