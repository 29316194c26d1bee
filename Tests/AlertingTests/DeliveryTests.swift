import Alerting
import Config
import Foundation
import Postgres
import Testing

/// The outbox (SPEC §5, §8.2–8.4) over real PostgreSQL.
@Suite struct DeliveryTests {
    typealias H = AlertingHarness

    @Test func deliversEachDeliveryOnceAndRecordsIt() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1")])
        try await h.poll([H.channel("c1", quality: "Low")])
        let ops = RecordingReceiver(name: "ops")
        let summary = try await h.worker([ops]).deliverDue()
        #expect(summary.delivered == 1)
        #expect(ops.eventLines == ["quality_low c1 firing"])
        #expect(try await h.worker([ops]).deliverDue().delivered == 0, "nothing is sent twice")
        #expect(try await h.count("SELECT count(*) FROM deliveries WHERE status = 'delivered' AND delivered_at IS NOT NULL") == 1)
    }

    @Test func retriesThenDeliversAndGivesUpWhenDead() async throws {
        var h = try await H.make(routes: [RouteConfig(receivers: ["flaky", "broken", "audit"])])
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1")])
        try await h.poll([H.channel("c1", quality: "Low")])
        let flaky = RecordingReceiver(name: "flaky", script: [.retry(after: .seconds(3600), reason: "HTTP 500")])
        let broken = RecordingReceiver(name: "broken", script: [.dead(reason: "HTTP 404 channel_not_found")])
        let audit = RecordingReceiver(name: "audit")
        let worker = h.worker([flaky, broken, audit])
        let first = try await worker.deliverDue()
        // audit's notification, then delivery_dead (queued in the same pass) to flaky and audit.
        #expect(first.delivered == 3 && first.retrying == 1 && first.dead == 1)
        let row = try await h.database.client.query("""
            SELECT last_error, next_attempt_at > now() AS later FROM deliveries
            WHERE receiver = 'flaky' AND group_key = 'rule=quality_low'
            """)[0]
        #expect(try row.decode(String?.self, "last_error") == "HTTP 500")
        #expect(try row.decode(Bool.self, "later"))
        #expect(try await h.count("SELECT count(*) FROM deliveries WHERE receiver = 'broken' AND status = 'dead' AND last_error LIKE '%channel_not_found%'") == 1)

        // delivery_dead went to the other receivers, not to the one that failed.
        #expect(audit.eventLines.contains("delivery_dead  changed"))
        #expect(!broken.eventLines.contains { $0.hasPrefix("delivery_dead") })

        // Time passes (without sleeping through the hour): the retry is due now.
        try await h.database.client.execute("UPDATE deliveries SET next_attempt_at = now() WHERE receiver = 'flaky' AND status = 'pending'")
        let second = try await worker.deliverDue()
        #expect(second.delivered == 1)
        #expect(flaky.eventLines.filter { $0 == "quality_low c1 firing" }.count == 2, "the same delivery, sent twice: once failed, once accepted")
        let ids = Set(flaky.notifications.filter { $0.events.contains { $0.rule == "quality_low" } }.map(\.deliveryID))
        #expect(ids.count == 1, "the delivery id is stable across retries")
    }

    @Test func retryPastMaxAgeIsDead() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1")])
        try await h.poll([H.channel("c1", quality: "Low")])
        let failing = RecordingReceiver(name: "ops", script: [.retry(after: nil, reason: "connection refused")])
        let summary = try await h.worker([failing], maxAge: .milliseconds(100)).deliverDue()
        #expect(summary.dead == 1)
        let error = try await h.database.client.query("SELECT last_error FROM deliveries WHERE receiver = 'ops'")[0]
            .decode(String.self, "last_error")
        #expect(error.contains("connection refused"))
    }

    @Test func twoWorkersNeverSendOneDeliveryTwice() async throws {
        var h = try await H.make(routes: [RouteConfig(receivers: ["ops"], groupBy: ["channel_id"])])
        defer { Task { [h] in try? await h.database.drop() } }
        let channels = (1...300).map { H.channel("c\($0)") }
        try await h.poll(channels)
        try await h.poll(channels.map { H.channel($0.id, quality: "Low") })
        #expect(try await h.count("SELECT count(*) FROM deliveries") == 300)
        let shared = RecordingReceiver(name: "ops", delay: .milliseconds(2))
        let otherClient = PostgresClient(h.database.configuration(poolSize: 4), logger: .init(label: "second"))
        defer { Task { await otherClient.close() } }
        let a = h.worker([shared], owner: "worker-a")
        let b = DeliveryWorker(outbox: Outbox(database: otherClient, owner: "worker-b"), receivers: [shared],
                               router: h.router, maxAge: .seconds(3600), logger: .init(label: "b"))
        async let first = a.deliverDue(batchSize: 10)
        async let second = b.deliverDue(batchSize: 10)
        let (x, y) = try await (first, second)
        #expect(x.delivered + y.delivered == 300)
        #expect(x.delivered > 0 && y.delivered > 0, "both workers took part")
        let ids = shared.notifications.map(\.deliveryID)
        #expect(ids.count == 300 && Set(ids).count == 300)
    }

    @Test func aClaimWhoseWorkerDiedIsClaimedAgainAfterTheLease() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1")])
        try await h.poll([H.channel("c1", quality: "Low")])
        var crashed = Outbox(database: h.database.client, owner: "crashed")
        crashed.lease = .seconds(3600)
        let claims = try await crashed.claim(limit: 10)
        #expect(claims.count == 1)
        let ops = RecordingReceiver(name: "ops")
        #expect(try await h.worker([ops]).deliverDue().delivered == 0, "leased: nobody else takes it")
        // The crashed worker's lease runs out.
        try await h.database.client.execute("UPDATE deliveries SET leased_until = now() - interval '1 second'")
        #expect(try await h.worker([ops]).deliverDue().delivered == 1)
        #expect(ops.notifications.first?.deliveryID == claims[0].notification.deliveryID)
        #expect(try await crashed.settle(claims[0], outcome: .delivered, maxAge: .seconds(60)) == .lostLease)
    }

    @Test func repeatIntervalSendsReminders() async throws {
        var h = try await H.make(routes: [RouteConfig(receivers: ["ops"], repeatInterval: .seconds(3600))])
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1")])
        try await h.poll([H.channel("c1", quality: "Low"), ])
        let ops = RecordingReceiver(name: "ops")
        #expect(try await h.worker([ops]).deliverDue().reminders == 0)
        // An hour passes, as far as the reminder is concerned.
        let age = "UPDATE alert_notifications SET last_notified_at = now() - interval '2 hours'"
        try await h.database.client.execute(age)
        let pass = try await h.worker([ops]).deliverDue()
        #expect(pass.reminders == 1)
        #expect(ops.kinds == [.notification, .reminder])
        #expect(ops.eventLines == ["quality_low c1 firing", "quality_low c1 firing"])
        try await h.poll([H.channel("c1")])
        try await h.database.client.execute(age)
        #expect(try await h.worker([ops]).deliverDue().reminders == 0, "resolved alerts are not reminded")
    }

    @Test func deadDeliveriesCanBeRequeued() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1")])
        try await h.poll([H.channel("c1", quality: "Low")])
        let broken = RecordingReceiver(name: "ops", script: [.dead(reason: "HTTP 404")])
        #expect(try await h.worker([broken]).deliverDue().dead == 1)
        #expect(try await Outbox(database: h.database.client).requeueDead(id: nil) == 1)
        #expect(try await h.worker([broken]).deliverDue().delivered == 1)
    }
}
