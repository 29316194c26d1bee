import Alerting
import Recording
import Config
import Foundation
import Postgres
import Testing

/// The alert state machine over real PostgreSQL.
@Suite struct PollRecorderTests {
    typealias H = AlertingHarness

    @Test func firesOnceStaysQuietAndResolvesOnce() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        let first = try await h.poll([H.channel("c1"), H.channel("c2")])
        #expect(first.firstPoll && first.events.isEmpty && first.deliveries == 0)

        let fired = try await h.poll([H.channel("c1", quality: "Low"), H.channel("c2")])
        #expect(fired.events.map { "\($0.rule) \($0.channel.id) \($0.status) \($0.from ?? "-") \($0.to ?? "-")" }
            == ["quality_low c1 firing High Low"])
        #expect(fired.deliveries == 1)
        #expect(try await h.openAlerts() == ["quality_low c1"])

        for _ in 0..<3 {
            let holding = try await h.poll([H.channel("c1", quality: "Low"), H.channel("c2")])
            #expect(!holding.events.contains { $0.rule == "quality_low" }, "no repeat while the condition holds")
        }
        let resolved = try await h.poll([H.channel("c1", quality: "Medium"), H.channel("c2")])
        #expect(resolved.events.filter { $0.rule == "quality_low" }.map(\.status) == [.resolved])
        #expect(try await h.openAlerts() == [])
        let again = try await h.poll([H.channel("c1", quality: "Medium"), H.channel("c2")])
        #expect(again.events.isEmpty)
        #expect(try await h.count("SELECT count(*) FROM events WHERE rule = 'quality_low'") == 2)
    }

    @Test func unchangedChannelsCostNoWrites() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        let channels = (1...50).map { H.channel("c\($0)") }
        try await h.poll(channels)
        let steady = try await h.poll(channels)
        #expect(steady.changedChannels == 0)
        var changed = channels
        changed[7] = H.channel("c8", limit: "TIER_1K")
        let one = try await h.poll(changed)
        #expect(one.changedChannels == 1)
        #expect(one.events.map { "\($0.rule) \($0.channel.id) \($0.from!) \($0.to!)" } == ["messaging_limit_down c8 TIER_10K TIER_1K"])
    }

    @Test func forPollsWaitsForConsecutiveCompletePolls() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1")])
        var rules: [[String]] = []
        for _ in 0..<4 {
            rules.append(try await h.poll([H.channel("c1", quality: "Low")]).events.map(\.rule))
        }
        #expect(rules == [["quality_low"], [], ["quality_low_sustained"], []])
    }

    @Test func firstPollNotifyGroupsAndBaselineStaysSilent() async throws {
        var notify = try await H.make()
        defer { Task { [notify] in try? await notify.database.drop() } }
        let low = (1...5).map { H.channel("c\($0)", quality: "Low") }
        let first = try await notify.poll(low)
        #expect(first.events.count == 5)
        #expect(first.deliveries == 1, "first poll conditions are grouped into one notification per receiver")

        var baseline = try await H.make()
        defer { Task { [baseline] in try? await baseline.database.drop() } }
        let quiet = try await baseline.poll(low, firstPoll: .baseline)
        #expect(quiet.events.count == 5 && quiet.deliveries == 0)
        #expect(try await baseline.openAlerts().count == 5, "baseline records the alerts as firing")
        let next = try await baseline.poll(low, firstPoll: .baseline)
        #expect(next.events.isEmpty)
        let resolved = try await baseline.poll([H.channel("c1")] + low.dropFirst(), firstPoll: .baseline)
        #expect(resolved.events.filter { $0.rule == "quality_low" }.map { "\($0.channel.id) \($0.status)" } == ["c1 resolved"])
        // After the baseline, changes are notified: c1's resolution, and c2–c5's for_polls rule
        // that now held on three complete polls (one group per rule).
        #expect(resolved.deliveries == 2)
    }

    @Test func tierChangeOfTwoHundredChannelsIsOneDeliveryPerReceiver() async throws {
        var h = try await H.make(routes: [RouteConfig(receivers: ["slack", "audit"], groupBy: ["rule", "waba_id"])])
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll((1...200).map { H.channel("c\($0)") })
        let outcome = try await h.poll((1...200).map { H.channel("c\($0)", limit: "TIER_1K") })
        #expect(outcome.events.count == 200)
        #expect(outcome.deliveries == 2)
        #expect(try await h.count("SELECT count(*) FROM delivery_events") == 400)
    }

    @Test func incompletePollChangesNothingButCountsTowardsPollFailing() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1", quality: "Low"), H.channel("c2")])
        #expect(try await h.openAlerts() == ["quality_low c1"])
        let failure = ObservedPoll.Failure(message: "page 2 (offset 100): HTTP 500", httpStatus: 500, traceID: "t-1")
        for attempt in 1...3 {
            // The partial poll saw c1 recovered and c2 missing: neither may count.
            let outcome = try await h.poll([H.channel("c1")], failure: failure)
            #expect(!outcome.complete)
            #expect(outcome.events.map(\.rule) == (attempt == 3 ? ["poll_failing"] : []))
        }
        #expect(try await h.openAlerts() == ["poll_failing ", "quality_low c1"])
        #expect(try await h.count("SELECT count(*) FROM events WHERE rule = 'channel_disappeared'") == 0)
        let polls = try await h.database.client.query("SELECT error, http_status, trace_id FROM polls WHERE NOT complete")
        #expect(polls.count == 3)
        #expect(try polls[0].decode(String?.self, "trace_id") == "t-1")

        let recovered = try await h.poll([H.channel("c1", quality: "Low"), H.channel("c2")])
        #expect(recovered.events.map { "\($0.rule) \($0.status)" } == ["poll_failing resolved"])
    }

    @Test func authFailureFiresApiAuthFailedAtOnce() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        let failure = ObservedPoll.Failure(message: "HTTP 401: invalid api key", httpStatus: 401)
        let outcome = try await h.poll([], failure: failure)
        #expect(outcome.events.map(\.rule) == ["api_auth_failed"])
        #expect(try await h.poll([], failure: failure).events.isEmpty, "fires once")
    }

    @Test func disappearedOnlyAfterACompletePollAndResolvesOnReturn() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1", quality: "Low"), H.channel("c2")])
        let partial = try await h.poll([H.channel("c1", quality: "Low")], failure: .init(message: "page 2 hung"))
        #expect(partial.events.isEmpty)
        let gone = try await h.poll([H.channel("c2")])
        #expect(Set(gone.events.map { "\($0.rule) \($0.channel.id) \($0.status)" })
            == ["quality_low c1 resolved", "channel_disappeared c1 firing"])
        #expect(try await h.poll([H.channel("c2")]).events.isEmpty, "still gone: no repeat")
        let back = try await h.poll([H.channel("c1"), H.channel("c2")])
        #expect(back.events.map { "\($0.rule) \($0.channel.id) \($0.status)" } == ["channel_disappeared c1 resolved"])
    }

    @Test func aTransactionThatFailsHalfWayLeavesNoTrace() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1")])
        // Make the last write of the recording transaction fail.
        try await h.database.client.withConnection { connection in
            try await connection.runScript("""
                CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$;
                CREATE TRIGGER refuse_deliveries BEFORE INSERT ON deliveries FOR EACH ROW EXECUTE FUNCTION refuse();
                """)
        }
        let counts = { [h] in
            try await [h.count("SELECT count(*) FROM events"), h.count("SELECT count(*) FROM polls"),
                       h.count("SELECT count(*) FROM alerts")]
        }
        let before = try await counts()
        await #expect(throws: PostgresError.self) { try await h.poll([H.channel("c1", quality: "Low")]) }
        #expect(try await counts() == before)
        try await h.database.client.execute("DROP TRIGGER refuse_deliveries ON deliveries")
        let retried = try await h.poll([H.channel("c1", quality: "Low")])
        #expect(retried.events.map(\.rule) == ["quality_low"], "the snapshot did not advance, so the change is seen again")
    }

    @Test func rulesChangedReevaluatesUnchangedChannels() async throws {
        var h = try await H.make(rules: "rules: []")
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1", quality: "Low")])
        try await h.poll([H.channel("c1", quality: "Low")])
        var updated = try await H.make(rules: H.rulesYAML)
        defer { Task { [updated] in try? await updated.database.drop() } }
        let withRules = PollRecorder(database: h.database.client, engine: updated.recorder.engine, router: h.router,
                                     rulesFingerprint: updated.recorder.rulesFingerprint)
        let poll = ObservedPoll(partnerID: "p1", startedAt: Date(), finishedAt: Date(), channels: [H.channel("c1", quality: "Low")],
                                pages: 1, failure: nil)
        let outcome = try await withRules.record(poll, firstPoll: .notify, failingAfter: 3)
        #expect(outcome.events.map(\.rule) == ["quality_low"], "a new rule judges channels that did not change")
        _ = try await updated.poll([])
    }
}

@Suite struct DryRunTests {
    @Test func aDryRunComputesTheEventsAndWritesNothing() async throws {
        var h = try await AlertingHarness.make()
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([AlertingHarness.channel("c1")])
        let before = try await h.count("SELECT count(*) FROM events") + h.count("SELECT count(*) FROM polls")
        let poll = ObservedPoll(partnerID: h.partnerID, startedAt: Date(), finishedAt: Date(),
                                channels: [AlertingHarness.channel("c1", quality: "Low")], pages: 1, failure: nil)
        let dry = try await h.recorder.record(poll, firstPoll: .notify, failingAfter: 3, commit: false)
        #expect(dry.events.map(\.rule) == ["quality_low"] && dry.deliveries == 1)
        #expect(try await h.count("SELECT count(*) FROM events") + h.count("SELECT count(*) FROM polls") == before)
        let real = try await h.poll([AlertingHarness.channel("c1", quality: "Low")])
        #expect(real.events.map(\.rule) == ["quality_low"], "the dry run did not advance the snapshot")
    }
}
