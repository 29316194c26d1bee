import Alerting
import Outbox
import Config
import Foundation
import Notifiers
import Postgres
import TestSupport
import Testing

/// The outbox over real PostgreSQL.
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
        #expect(ops.notifications.first?.deliveryID == claims[0].id)
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

    @Test func aBatchOfOutcomesIsSettledInOneStatementAndALostLeaseStaysLost() async throws {
        var h = try await H.make(routes: [RouteConfig(receivers: ["ops"], groupBy: ["channel_id"])])
        defer { Task { [h] in try? await h.database.drop() } }
        let channels = (1...4).map { H.channel("c\($0)") }
        try await h.poll(channels)
        try await h.poll(channels.map { H.channel($0.id, quality: "Low") })
        let mine = Outbox(database: h.database.client, owner: "worker-a")
        let claims = try await mine.claim(limit: 10)
        #expect(claims.count == 4)
        // While worker-a sends, its lease on the second delivery runs out and worker-b claims it.
        try await h.database.client.execute("UPDATE deliveries SET leased_until = now() - interval '1 second' WHERE id = $1",
                                            [.uuid(claims[1].id)])
        var other = Outbox(database: h.database.client, owner: "worker-b")
        other.lease = .seconds(3600)
        #expect(try await other.claim(limit: 10).map(\.id) == [claims[1].id])

        let outcomes: [DeliveryOutcome] = [.delivered, .delivered, .retry(after: .seconds(3600), reason: "HTTP 503"), .delivered]
        let settled = try await mine.settle(Array(zip(claims, outcomes)), maxAge: .seconds(86_400))

        #expect(settled == [.delivered, .lostLease, .retrying(in: .seconds(3600)), .delivered])
        let rows = try await h.database.client.query("SELECT id, status, lease_owner, delivered_at FROM deliveries")
        func row(_ claim: Outbox.Claim) throws -> PostgresRow {
            try #require(try rows.first(where: { try $0.decode(UUID.self, "id") == claim.id }))
        }
        #expect(try row(claims[0]).decode(String.self, "status") == "delivered")
        #expect(try row(claims[3]).decode(String.self, "status") == "delivered")
        #expect(try row(claims[1]).decode(String.self, "status") == "pending", "worker-b's claim is left alone")
        #expect(try row(claims[1]).decode(String?.self, "lease_owner") == "worker-b")
        #expect(try row(claims[2]).decode(String.self, "status") == "pending")
        // One statement for both: they share its transaction's now().
        #expect(try row(claims[0]).decode(Date.self, "delivered_at") == (try row(claims[3]).decode(Date.self, "delivered_at")))
    }

    @Test func aClaimCarriesTheStoredPayloadUndecodedAndItsEventCount() async throws {
        var h = try await H.make(routes: [RouteConfig(receivers: ["ops"])])
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1"), H.channel("c2")])
        try await h.poll([H.channel("c1", quality: "Low"), H.channel("c2", quality: "Low")])
        let claim = try #require(try await Outbox(database: h.database.client).claim(limit: 10).first)
        let stored = try await h.database.client.query("SELECT payload FROM deliveries WHERE id = $1", [.uuid(claim.id)])[0]
            .decode(Data.self, "payload")
        #expect(claim.payload.json == stored, "PostgreSQL's jsonb text, as it is")
        #expect(claim.payload.deliveryID == claim.id)
        #expect(claim.eventCount == 2)
        let notification = try claim.notification
        #expect(notification.deliveryID == claim.id)
        #expect(notification.events.map(\.channel.id).sorted() == ["c1", "c2"])
    }

    @Test func aWebhookIsSentTheStoredPayloadSignedExactlyAsSent() async throws {
        var h = try await H.make(routes: [RouteConfig(receivers: ["audit"])])
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1")])
        try await h.poll([H.channel("c1", quality: "Low")])
        let sink = try HTTPSink()
        defer { sink.stop() }
        let secret = Secret("whsec-outbox-test")
        let now = Date(timeIntervalSince1970: 1_795_515_000)
        let webhook = WebhookReceiver(name: "audit", url: Secret(sink.url("/cw")), secret: secret, now: { now })

        #expect(try await h.worker([webhook]).deliverDue().delivered == 1)

        let request = try #require(sink.requests.first)
        let stored = try await h.database.client.query("SELECT id, payload FROM deliveries")[0]
        #expect(request.body == (try stored.decode(Data.self, "payload")), "the stored bytes, not re-encoded")
        #expect(request.header("X-ChannelWatch-Signature")
                == WebhookSignature.headerValue(secret: secret, body: request.body, timestamp: 1_795_515_000))
        #expect(request.header("X-ChannelWatch-Delivery") == (try stored.decode(UUID.self, "id")).uuidString)
        let object = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
        #expect(object["version"] as? String == "1")
        #expect(object["delivery_id"] as? String == request.header("X-ChannelWatch-Delivery"))
        #expect(((object["events"] as? [[String: Any]])?.first?["rule"] as? String) == "quality_low")
    }

    @Test func aLeaseShorterThanABatchNeverMakesOneWorkerSendTwice() async throws {
        var h = try await H.make(routes: [RouteConfig(receivers: ["ops"], groupBy: ["channel_id"])])
        defer { Task { [h] in try? await h.database.drop() } }
        let channels = (1...12).map { H.channel("c\($0)") }
        try await h.poll(channels)
        try await h.poll(channels.map { H.channel($0.id, quality: "Low") })
        // Every lease runs out while the batch is still being sent, so the next batch is claimed
        // among deliveries whose leases have passed, some of them still on the wire.
        var outbox = Outbox(database: h.database.client, owner: "worker-a")
        outbox.lease = .milliseconds(20)
        let slow = RecordingReceiver(name: "ops", delay: .milliseconds(100))
        var worker = DeliveryWorker(outbox: outbox, receivers: [slow], router: h.router, maxAge: .seconds(3600),
                                    logger: .init(label: "a"))
        worker.concurrency = 2

        let summary = try await worker.deliverDue(batchSize: 4)

        #expect(summary.delivered == 12)
        let ids = slow.notifications.map(\.deliveryID)
        #expect(ids.count == 12 && Set(ids).count == 12, "each sent once")
        #expect(try await h.count("SELECT count(*) FROM deliveries WHERE status = 'delivered' AND attempts = 1") == 12)
    }
}
