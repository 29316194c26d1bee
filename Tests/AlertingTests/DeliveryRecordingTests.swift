import Primitives
import Alerting
import Outbox
import Config
import Foundation
import Postgres
import Testing

/// How outcomes are recorded when something goes wrong around them: a dead delivery and its
/// `delivery_dead` commit together or not at all, and a send that finished is recorded even
/// when the pass is cancelled (shutdown), so it is not sent again.
@Suite struct DeliveryRecordingTests {
    typealias H = AlertingHarness

    @Test func aDeadDeliveryIsNeverRecordedWithoutItsDeliveryDeadEvent() async throws {
        var h = try await H.make(routes: [RouteConfig(receivers: ["broken", "audit"])])
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1")])
        try await h.poll([H.channel("c1", quality: "Low")])
        try await h.database.client.withConnection { connection in
            try await connection.runScript("""
                CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$;
                CREATE TRIGGER refuse_delivery_dead BEFORE INSERT ON events FOR EACH ROW
                    WHEN (NEW.rule = 'delivery_dead') EXECUTE FUNCTION refuse();
                """)
        }
        let broken = RecordingReceiver(name: "broken", script: [.dead(reason: "HTTP 404"), .dead(reason: "HTTP 404")])
        let audit = RecordingReceiver(name: "audit")
        await #expect(throws: (any Error).self) { try await h.worker([broken, audit]).deliverDue() }
        // The dead status was rolled back with the event that could not be written: still pending.
        #expect(try await h.count("SELECT count(*) FROM deliveries WHERE receiver = 'broken' AND status = 'pending'") == 1)
        #expect(try await h.count("SELECT count(*) FROM events WHERE rule = 'delivery_dead'") == 0)

        try await h.database.client.execute("DROP TRIGGER refuse_delivery_dead ON events")
        try await h.database.client.execute("UPDATE deliveries SET leased_until = now() - interval '1 second'")
        _ = try await h.worker([broken, audit]).deliverDue()
        #expect(try await h.count("SELECT count(*) FROM deliveries WHERE receiver = 'broken' AND status = 'dead'") == 1)
        #expect(try await h.count("SELECT count(*) FROM events WHERE rule = 'delivery_dead'") == 1)
        #expect(audit.notifications.contains { $0.events.contains { $0.rule == "delivery_dead" } })
    }

    @Test func aSendThatFinishedIsRecordedWhenThePassIsCancelled() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        try await h.poll([H.channel("c1")])
        try await h.poll([H.channel("c1", quality: "Low")])
        let pass = PassHolder()
        // The receiver accepts the notification and, as it answers, the pass is cancelled (shutdown).
        let ops = CancellingReceiver(name: "ops", pass: pass)
        let worker = h.worker([ops])
        let task = Task { try await worker.deliverDue() }
        pass.set(task)
        _ = try? await task.value
        #expect(ops.sends == 1)
        #expect(try await h.count("SELECT count(*) FROM deliveries WHERE status = 'delivered'") == 1)
    }
}

/// The delivery pass under test, handed to the receiver once it exists.
final class PassHolder: Sendable {
    private let task = LockedBox<Task<DeliveryWorker.Summary, any Error>?>(nil)
    func set(_ task: Task<DeliveryWorker.Summary, any Error>) { self.task.value = task }
    func get() -> Task<DeliveryWorker.Summary, any Error>? { task.value }
}

/// Accepts every notification, cancelling the pass before it answers.
final class CancellingReceiver: Receiver, Sendable {
    let name: String
    private let pass: PassHolder
    private let count = LockedBox(0)

    init(name: String, pass: PassHolder) {
        self.name = name
        self.pass = pass
    }

    var sends: Int { count.value }

    func deliver(_ notification: NotificationPayload, kind: DeliveryKind) async -> DeliveryOutcome {
        count.withLock { $0 += 1 }
        while pass.get() == nil { try? await Task.sleep(for: .milliseconds(5)) }
        pass.get()?.cancel()
        return .delivered
    }
}
