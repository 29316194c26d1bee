import Alerting
import Config
import Foundation
import Outbox
import Postgres
import Recording
import TestSupport
import Testing

/// Silences and inhibition over real PostgreSQL: held back, never lost.
@Suite struct SuppressionRecordingTests {
    typealias H = AlertingHarness

    static let wabaRules = """
        rules:
          - name: waba_banned
            summary: "WABA banned"
            severity: critical
            alert: {field: waba_account.status, equals: BANNED}
          - name: quality_low
            summary: "Quality Low"
            severity: warning
            alert: {field: current_quality_rating, equals: Low}
        """
    static let banInhibits = InhibitRuleConfig(
        sourceMatchers: [LabelMatcher(label: "rule", written: "waba_banned")],
        targetMatchers: [LabelMatcher(label: "rule", written: "=~quality_.*")], equal: ["waba_id"])

    static func banned(_ id: String, waba: String = "w1", quality: String = "High") -> ObservedChannel {
        H.channel(id, quality: quality, waba: waba, extra: ["waba_account": .object(["id": .string(waba), "status": .string("BANNED")])])
    }

    func silence(_ h: H, _ matchers: [LabelMatcher], endsIn seconds: TimeInterval = 3600) async throws -> Silence {
        let silence = Silence(matchers: matchers, startsAt: Date() - 60, endsAt: Date() + seconds, comment: "migration",
                              createdBy: "test")
        try await SilenceStore(database: h.database.client).add(silence)
        return silence
    }

    func eventState(_ h: H, _ channel: String, _ status: String) async throws -> (notified: Bool, silencedBy: [String], inhibitedBy: String?) {
        let row = try await h.database.client.query("""
            SELECT notified, COALESCE(silenced_by::text[], '{}') AS silenced_by, inhibited_by FROM events
            WHERE channel_id = $1 AND status = $2 ORDER BY observed_at DESC LIMIT 1
            """, [.text(channel), .text(status)])[0]
        return (try row.decode(Bool.self, "notified"), try row.decode([String].self, "silenced_by"),
                try row.decode(String?.self, "inhibited_by"))
    }

    @Test func aSilencedChannelIsRecordedButNotSentAndNeitherIsItsResolve() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1"), H.channel("c2")])
        let muted = try await silence(h, [LabelMatcher(label: "channel_id", written: "c1")])
        let fired = try await h.poll([H.channel("c1", quality: "Low"), H.channel("c2", quality: "Low")])
        #expect(fired.suppression == SuppressionCounts(silenced: 1))
        let ops = RecordingReceiver(name: "ops")
        _ = try await h.worker([ops]).deliverDue()
        #expect(ops.eventLines == ["quality_low c2 firing"], "the other channel is still notified")
        #expect(try await h.openAlerts() == ["quality_low c1", "quality_low c2"], "alert state changes as always")
        let state = try await eventState(h, "c1", "firing")
        #expect(!state.notified && state.silencedBy == [muted.id.uuidString.lowercased()] && state.inhibitedBy == nil)
        #expect(try await h.count("SELECT count(*) FROM alerts WHERE channel_id = 'c1' AND held_back") == 1)

        try await h.poll([H.channel("c1"), H.channel("c2")])
        _ = try await h.worker([ops]).deliverDue()
        #expect(ops.eventLines == ["quality_low c2 firing", "quality_low c2 resolved"],
                "a resolve goes only where the firing went")
        #expect(try await eventState(h, "c1", "resolved").notified == false)
        #expect(try await h.openAlerts() == [])
    }

    @Test func aGroupLeftEmptySendsNothing() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1"), H.channel("c2")])
        _ = try await silence(h, [LabelMatcher(label: "rule", written: "quality_low")])
        let outcome = try await h.poll([H.channel("c1", quality: "Low"), H.channel("c2", quality: "Low")])
        #expect(outcome.events.count == 2 && outcome.deliveries == 0)
        #expect(try await h.count("SELECT count(*) FROM deliveries") == 0)
        #expect(try await h.count("SELECT count(*) FROM events WHERE NOT notified AND silenced_by IS NOT NULL") == 2)
    }

    @Test func whenTheSilenceEndsAStillFiringAlertIsNotifiedOnce() async throws {
        var h = try await H.make(rules: Self.wabaRules)
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1")])
        let muted = try await silence(h, [LabelMatcher(label: "waba_id", written: "w1")])
        try await h.poll([H.channel("c1", quality: "Low")])
        let ops = RecordingReceiver(name: "ops")
        _ = try await h.worker([ops]).deliverDue()
        #expect(ops.eventLines == [])
        #expect(try await h.poll([H.channel("c1", quality: "Low")]).suppression.released == 0, "still silenced")

        // Expired before the next poll's observation time (the harness's clock runs behind the wall clock).
        #expect(try await SilenceStore(database: h.database.client).expire(muted.id, at: h.clock) != .notFound)
        let released = try await h.poll([H.channel("c1", quality: "Low")])
        #expect(released.suppression.released == 1 && released.deliveries == 1)
        _ = try await h.worker([ops]).deliverDue()
        #expect(ops.eventLines == ["quality_low c1 firing"])
        #expect(try await h.poll([H.channel("c1", quality: "Low")]).deliveries == 0, "once, not at every poll")
        _ = try await h.worker([ops]).deliverDue()
        #expect(ops.eventLines == ["quality_low c1 firing"])

        try await h.poll([H.channel("c1")])
        _ = try await h.worker([ops]).deliverDue()
        #expect(ops.eventLines == ["quality_low c1 firing", "quality_low c1 resolved"], "now that it was sent, its resolve is")
    }

    @Test func aBannedWABAInhibitsItsChannelsQualityAlertsInTheSamePoll() async throws {
        var h = try await H.make(rules: Self.wabaRules, inhibitRules: [Self.banInhibits])
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1"), H.channel("c2"), H.channel("c3", waba: "w2")])
        // The ban and the quality drops arrive in one poll; the ban's channel is listed last.
        let outcome = try await h.poll([H.channel("c1", quality: "Low"), H.channel("c3", quality: "Low", waba: "w2"),
                                        Self.banned("c2")])
        #expect(outcome.suppression == SuppressionCounts(inhibited: 1))
        let ops = RecordingReceiver(name: "ops")
        _ = try await h.worker([ops]).deliverDue()
        #expect(Set(ops.eventLines) == ["waba_banned c2 firing", "quality_low c3 firing"], "another WABA's alert still goes out")
        let state = try await eventState(h, "c1", "firing")
        #expect(!state.notified && state.inhibitedBy == "waba_banned/c2" && state.silencedBy.isEmpty)

        // While the ban lasts, nothing more; when it is lifted and c1 is still Low, c1 is notified once.
        #expect(try await h.poll([H.channel("c1", quality: "Low"), H.channel("c3", quality: "Low", waba: "w2"),
                                  Self.banned("c2")]).deliveries == 0)
        let lifted = try await h.poll([H.channel("c1", quality: "Low"), H.channel("c3", quality: "Low", waba: "w2"),
                                       H.channel("c2")])
        #expect(lifted.suppression.released == 1)
        _ = try await h.worker([ops]).deliverDue()
        #expect(ops.eventLines.filter { $0.hasPrefix("quality_low c1") } == ["quality_low c1 firing"])
        #expect(ops.eventLines.contains("waba_banned c2 resolved"))
        #expect(try await h.poll([H.channel("c1", quality: "Low"), H.channel("c3", quality: "Low", waba: "w2"),
                                  H.channel("c2")]).deliveries == 0)
    }

    @Test func theBanIsSentAndInhibitsTheBannedChannelsOwnQualityAlert() async throws {
        var h = try await H.make(rules: Self.wabaRules, inhibitRules: [Self.banInhibits])
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1")])
        try await h.poll([Self.banned("c1", quality: "Low")])
        let ops = RecordingReceiver(name: "ops")
        _ = try await h.worker([ops]).deliverDue()
        // The ban inhibits the channel's quality alert (same WABA); the ban itself is sent.
        #expect(ops.eventLines == ["waba_banned c1 firing"])
        let quality = try await h.database.client.query(
            "SELECT inhibited_by FROM events WHERE rule = 'quality_low' AND channel_id = 'c1'")
        #expect(try quality.map { try $0.decode(String?.self, "inhibited_by") } == ["waba_banned/c1"])
    }

    @Test func remindersAreWithheldWhileASilenceHolds() async throws {
        var h = try await H.make(routes: [RouteConfig(receivers: ["ops"], repeatInterval: .seconds(3600))])
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1")])
        try await h.poll([H.channel("c1", quality: "Low")])
        let ops = RecordingReceiver(name: "ops")
        var worker = h.worker([ops])
        worker.remindersWithheld = ReminderSuppression.withheld(inhibitRules: [])
        _ = try await worker.deliverDue()
        #expect(ops.eventLines == ["quality_low c1 firing"])
        let muted = try await silence(h, [LabelMatcher(label: "channel_id", written: "c1")])
        let age = "UPDATE alert_notifications SET last_notified_at = now() - interval '2 hours'"
        try await h.database.client.execute(age)
        #expect(try await worker.deliverDue().reminders == 0, "silenced: no reminder")
        _ = try await SilenceStore(database: h.database.client).expire(muted.id, at: Date())
        try await h.database.client.execute(age)
        #expect(try await worker.deliverDue().reminders == 1, "the silence is over: reminded again")
    }

    @Test func silencesAreListedAndExpiredByState() async throws {
        let h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        let store = SilenceStore(database: h.database.client)
        let now = Date()
        let matchers = [LabelMatcher(label: "rule", written: "=~ quality_.*"), LabelMatcher(label: "waba_id", written: "w1")]
        let active = Silence(matchers: matchers, startsAt: now - 60, endsAt: now + 3600, comment: "a", createdBy: "t",
                             createdAt: now - 2)
        let pending = Silence(matchers: matchers, startsAt: now + 600, endsAt: now + 3600, comment: "p", createdBy: "t",
                              createdAt: now - 1)
        let ended = Silence(matchers: matchers, startsAt: now - 7200, endsAt: now - 3600, comment: "e", createdBy: "t",
                            createdAt: now - 3)
        for silence in [active, pending, ended] { try await store.add(silence) }
        #expect(try await store.list(at: now).map(\.comment) == ["p", "a"])
        #expect(try await store.list(at: now, includeExpired: true).map(\.comment) == ["p", "a", "e"])
        let read = try #require(try await store.find(active.id))
        #expect(read.matchers == matchers, "matchers round-trip in order")
        #expect(abs(read.endsAt.timeIntervalSince(active.endsAt)) < 0.001)

        guard case .expired(let expiredPending) = try await store.expire(pending.id, at: now) else {
            Issue.record("pending silence not expired")
            return
        }
        #expect(expiredPending.state(at: now) == .expired, "a pending silence expired never starts")
        #expect(expiredPending.state(at: now + 700) == .expired)
        guard case .alreadyExpired = try await store.expire(ended.id, at: now) else {
            Issue.record("an ended silence should be reported as already expired")
            return
        }
        #expect(try await store.expire(UUID(), at: now) == .notFound)
        #expect(try await store.list(at: now + 1).map(\.comment) == ["a"])
    }
}
