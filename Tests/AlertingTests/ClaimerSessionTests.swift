import Alerting
import Foundation
import Outbox
import Postgres
import TestSupport
import Testing

/// Claims tied to the claimer's PostgreSQL session: taken over at once when that session is
/// gone, never while it lives (until the lease runs out).
@Suite struct ClaimerSessionTests {
    typealias H = AlertingHarness

    /// One pending delivery (c1 went Low), and a worker on its own client that claimed it with an hour's lease.
    static func claimedByAnotherWorker(_ h: inout H) async throws -> (outbox: Outbox, client: PostgresClient, claim: Outbox.Claim) {
        try await h.poll([H.channel("c1")])
        try await h.poll([H.channel("c1", quality: "Low")])
        let client = PostgresClient(h.database.configuration(poolSize: 2), logger: .init(label: "claimer"))
        var outbox = Outbox(database: client, owner: "claimer-\(UUID().uuidString.prefix(8))")
        outbox.lease = .seconds(3600)
        let claims = try await outbox.claim(limit: 10)
        try #require(claims.count == 1)
        return (outbox, client, claims[0])
    }

    @Test func aClaimWhoseClaimerSessionIsGoneIsClaimedAgainAtOnceWithTheSameID() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        let (claimer, client, claim) = try await Self.claimedByAnotherWorker(&h)
        defer { Task { await client.close() } }
        let ops = RecordingReceiver(name: "ops")
        #expect(try await h.worker([ops]).deliverDue().delivered == 0, "the claimer lives: its claim is left alone")

        await claimer.session.close()  // as when its process is killed: the server ends the session
        #expect(try await h.worker([ops]).deliverDue().delivered == 1)
        #expect(ops.notifications.map(\.deliveryID) == [claim.id])
        #expect(try await claimer.settle(claim, outcome: .delivered, maxAge: .seconds(60)) == .lostLease,
                "the first claimer's late outcome is not recorded over the second's")
    }

    @Test func aClaimerSessionEndedByTheServerIsTakenOverAndTheClaimerReconnectsBeforeClaimingAgain() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        let (claimer, client, claim) = try await Self.claimedByAnotherWorker(&h)
        defer { Task { await client.close() } }
        let sessions = "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'channelwatch claimer' AND datname = current_database()"
        #expect(try await h.count(sessions) == 1, "one claimer session (the test worker has not claimed yet)")
        // An administrator (or a server restart) ends the claimer's session.
        try await h.database.client.execute("""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE application_name = 'channelwatch claimer' AND datname = current_database()
            """)
        let ops = RecordingReceiver(name: "ops")
        #expect(try await h.worker([ops]).deliverDue().delivered == 1)
        #expect(ops.notifications.map(\.deliveryID) == [claim.id])

        // The first claimer notices on its next claim, reconnects and holds its lock again.
        try await h.poll([H.channel("c1", quality: "Low"), H.channel("c2")])
        try await h.poll([H.channel("c1", quality: "Low"), H.channel("c2", quality: "Low")])
        let next = try await claimer.claim(limit: 10)
        #expect(!next.isEmpty)
        #expect(try await h.worker([ops]).deliverDue().delivered == 0, "its new claims are safe again")
    }

    @Test func twoLiveWorkersNeverTakeEachOthersClaimsBeforeTheLeaseRunsOut() async throws {
        var h = try await H.make()
        defer { Task { [h] in try? await h.database.drop() } }
        let (claimer, client, claim) = try await Self.claimedByAnotherWorker(&h)
        defer { Task { await client.close() } }
        let ops = RecordingReceiver(name: "ops")
        for _ in 0..<3 { #expect(try await h.worker([ops]).deliverDue().delivered == 0) }
        #expect(ops.notifications.isEmpty)
        // The lease (the fallback for a session the server still believes alive) runs out.
        try await h.database.client.execute("UPDATE deliveries SET leased_until = now() - interval '1 second'")
        #expect(try await h.worker([ops]).deliverDue().delivered == 1)
        #expect(ops.notifications.map(\.deliveryID) == [claim.id])
        _ = claimer
    }
}
