import Primitives
import Alerting
import Foundation
import Postgres
import YAMLSupport

/// The deliveries table as a work queue: due deliveries are claimed with
/// `FOR UPDATE SKIP LOCKED` and a lease, so two workers never hold the same one.
///
/// A claim is tied to the claimer's PostgreSQL session (``ClaimerSession``): one that a worker
/// whose session is gone had claimed (killed, OOM-killed, its host lost) is claimed again by the
/// next pass of any other worker — within seconds. While the claimer's session lives, the claim
/// is taken over only when its lease runs out, the fallback for a session the server still
/// believes alive (a silent network partition, until TCP keepalives end it).
public struct Outbox: Sendable {
    public let database: PostgresClient
    /// Identifies this worker in `lease_owner`: host, process id and a random suffix, so a
    /// restarted container (same host name, pid 1) is never mistaken for its previous life.
    public let owner: String
    /// The session whose advisory lock says this claimer is alive.
    public let session: ClaimerSession
    /// How long a claim lasts while the claimer's session lives; longer than any receiver's
    /// timeout. `CHANNELWATCH_DELIVERY_LEASE` overrides it.
    public var lease: Duration = Outbox.defaultLease

    /// 2 minutes, or `$CHANNELWATCH_DELIVERY_LEASE` (e.g. `45s`).
    public static var defaultLease: Duration {
        ProcessInfo.processInfo.environment["CHANNELWATCH_DELIVERY_LEASE"].flatMap(DurationText.parse) ?? .seconds(120)
    }
    /// How deliveries are spaced after failures.
    public var schedule = DeliveryRetrySchedule()

    public init(database: PostgresClient, owner: String = Outbox.defaultOwner) {
        self.database = database
        self.owner = owner
        self.session = ClaimerSession.shared(owner: owner, database: database)
    }

    /// `host:pid:suffix`, the same for the whole process.
    public static let defaultOwner =
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(String(UInt32.random(in: 0x1000_0000...UInt32.max), radix: 16))"

    /// A delivery this worker holds the lease on.
    public struct Claim: Sendable {
        public var id: UUID
        public var receiver: String
        public var groupKey: String
        public var kind: DeliveryKind
        /// The stored payload v1, as JSON; decoded only by receivers that render it.
        public var payload: EncodedNotification
        /// The events the payload lists plus those it only counts ("and N more"), for logs.
        public var eventCount: Int
        /// Attempts including this one.
        public var attempts: Int
        public var createdAt: Date

        /// The payload, decoded (Slack, email and `delivery_dead` need its structure; a webhook does not).
        public var notification: NotificationPayload {
            get throws { try payload.decoded() }
        }
    }

    /// Claims up to `limit` due deliveries, oldest first, except those in `excluding` (the ones
    /// this worker is still sending) and those to `skippingReceivers` (receivers already sent
    /// as much as they take at once). Payloads are kept as the stored JSON.
    ///
    /// Due means pending and past `next_attempt_at`, and not claimed — or claimed by a worker
    /// whose session is gone, or whose lease ran out. Nothing is claimed while this worker's own
    /// session is not holding its lock (its claims would look abandoned to the others).
    public func claim(limit: Int, excluding: [UUID] = [], skippingReceivers: [String] = []) async throws -> [Claim] {
        try await session.hold()
        let rows = try await database.query("""
            UPDATE deliveries AS d
            SET leased_until = now() + make_interval(secs => $2), lease_owner = $1, attempts = d.attempts + 1
            WHERE d.id IN (
                SELECT id FROM deliveries
                WHERE status = 'pending' AND next_attempt_at <= now()
                    AND (leased_until IS NULL OR leased_until < now()
                         OR (lease_owner IS DISTINCT FROM $1 AND NOT \(ClaimerSession.isAlive("lease_owner"))))
                    AND NOT (id = ANY($4::uuid[]))
                    AND NOT (receiver = ANY($5::text[]))
                    AND \(ClaimerSession.isAlive("$1"))
                ORDER BY next_attempt_at
                LIMIT $3
                FOR UPDATE SKIP LOCKED)
            RETURNING d.id, d.receiver, d.group_key, d.kind, d.payload, d.recipient, d.attempts, d.created_at,
                CASE jsonb_typeof(d.payload -> 'events') WHEN 'array' THEN jsonb_array_length(d.payload -> 'events') ELSE 0 END
                + CASE jsonb_typeof(d.payload -> 'truncated_events') WHEN 'number'
                       THEN (d.payload ->> 'truncated_events')::numeric::int8 ELSE 0 END AS event_count
            """, [.text(owner), .double(lease.seconds), .int64(Int64(limit)), .textArray(excluding.map(\.uuidString)),
                  .textArray(skippingReceivers)])
        return try rows.map { row in
            let id = try row.decode(UUID.self, "id")
            return Claim(id: id, receiver: try row.decode(String.self, "receiver"),
                         groupKey: try row.decode(String.self, "group_key"),
                         kind: DeliveryKind(rawValue: try row.decode(String.self, "kind")) ?? .notification,
                         payload: EncodedNotification(deliveryID: id, json: try row.decode(Data.self, "payload"),
                                                      recipient: try Self.recipient(row)),
                         eventCount: try row.decode(Int.self, "event_count"),
                         attempts: try row.decode(Int.self, "attempts"), createdAt: try row.decode(Date.self, "created_at"))
        }.sorted { $0.createdAt < $1.createdAt }
    }

    private static func recipient(_ row: PostgresRow) throws -> [String]? {
        guard let json = try row.decode(Data?.self, "recipient") else { return nil }
        return try AlertEvent.decoder.decode([String].self, from: json)
    }

    /// What became of a claim once its outcome is recorded.
    public enum Settled: Sendable, Equatable {
        case delivered
        case retrying(in: Duration)
        case dead(reason: String)
        /// The lease had passed to another worker; nothing recorded.
        case lostLease
    }

    /// Records the outcomes of several attempts, in the order given: every delivered one in one
    /// statement, retries and dead ones one by one (they are rare), each in a transaction with
    /// what `whenDead` writes for it when it died, so a dead delivery is never recorded without
    /// its `delivery_dead` event. A delivery whose lease passed to another worker meanwhile comes
    /// back `lostLease`, with nothing recorded for it.
    public func settle(
        _ attempts: [(Claim, DeliveryOutcome)], maxAge: Duration,
        whenDead: (Claim, String, PostgresConnection) async throws -> Void = { _, _, _ in }
    ) async throws -> [Settled] {
        let delivered = attempts.compactMap { claim, outcome in outcome == .delivered ? claim.id : nil }
        var recorded: Set<UUID> = []
        if !delivered.isEmpty {
            let rows = try await database.query("""
                UPDATE deliveries SET status = 'delivered', delivered_at = now(), leased_until = NULL, last_error = NULL
                WHERE id = ANY($1::uuid[]) AND lease_owner = $2 AND status = 'pending'
                RETURNING id
                """, [.textArray(delivered.map(\.uuidString)), .text(owner)])
            recorded = Set(try rows.map { try $0.decode(UUID.self, "id") })
        }
        var settled: [Settled] = []
        settled.reserveCapacity(attempts.count)
        for (claim, outcome) in attempts {
            if outcome == .delivered {
                settled.append(recorded.contains(claim.id) ? .delivered : .lostLease)
                continue
            }
            settled.append(try await database.transaction { connection in
                let result = try await settle(claim, outcome: outcome, maxAge: maxAge, on: connection)
                if case .dead(let reason) = result { try await whenDead(claim, reason, connection) }
                return result
            })
        }
        return settled
    }

    /// Records an attempt's outcome. A retry past `maxAge` since creation becomes dead.
    public func settle(_ claim: Claim, outcome: DeliveryOutcome, maxAge: Duration) async throws -> Settled {
        try await database.withConnection { try await settle(claim, outcome: outcome, maxAge: maxAge, on: $0) }
    }

    /// Records an attempt's outcome on `connection` (e.g. inside the caller's transaction).
    public func settle(_ claim: Claim, outcome: DeliveryOutcome, maxAge: Duration,
                       on connection: PostgresConnection) async throws -> Settled {
        switch outcome {
        case .delivered:
            let updated = try await connection.execute("""
                UPDATE deliveries SET status = 'delivered', delivered_at = now(), leased_until = NULL, last_error = NULL
                WHERE id = $1 AND lease_owner = $2 AND status = 'pending'
                """, [.uuid(claim.id), .text(owner)])
            return updated == 1 ? .delivered : .lostLease
        case .retry(let retryAfter, let reason):
            // Age is judged by the database's clock, like every other time in the outbox.
            let delay = schedule.delay(afterAttempts: claim.attempts, retryAfter: retryAfter)
            let giveUp = "gave up after \(claim.attempts) attempt(s) within max_delivery_age \(DurationText.format(maxAge)); last error: \(reason)"
            let rows = try await connection.query("""
                UPDATE deliveries SET
                    status = CASE WHEN now() - created_at + make_interval(secs => $3) > make_interval(secs => $4)
                                  THEN 'dead' ELSE 'pending' END,
                    next_attempt_at = now() + make_interval(secs => $3), leased_until = NULL,
                    last_error = CASE WHEN now() - created_at + make_interval(secs => $3) > make_interval(secs => $4)
                                      THEN $6 ELSE $5 END
                WHERE id = $1 AND lease_owner = $2 AND status = 'pending'
                RETURNING status
                """, [.uuid(claim.id), .text(owner), .double(delay.seconds), .double(maxAge.seconds), .text(reason), .text(giveUp)])
            guard let status = try rows.first?.decode(DeliveryStatus.self, "status") else { return .lostLease }
            return status == .dead ? .dead(reason: giveUp) : .retrying(in: delay)
        case .dead(let reason):
            let updated = try await connection.execute("""
                UPDATE deliveries SET status = 'dead', leased_until = NULL, last_error = $3
                WHERE id = $1 AND lease_owner = $2 AND status = 'pending'
                """, [.uuid(claim.id), .text(owner), .text(reason)])
            return updated == 1 ? .dead(reason: reason) : .lostLease
        }
    }

    /// Puts dead deliveries back in the queue, due now: one by id, or all of them. Returns how many.
    public func requeueDead(id: UUID?) async throws -> Int {
        // In one transaction with a NOTIFY, so every running worker hears of them at once.
        try await database.transaction { connection in
            let requeued = try await connection.execute("""
                UPDATE deliveries SET status = 'pending', next_attempt_at = now(), created_at = now(), attempts = 0
                WHERE status = 'dead' AND ($1::uuid IS NULL OR id = $1)
                """, [id.map(PostgresValue.uuid) ?? .null])
            if requeued > 0 {
                try await connection.execute("SELECT pg_notify('channelwatch_deliveries', 'requeued')")
            }
            return requeued
        }
    }
}

extension Outbox.Claim: Identifiable {}

extension Outbox {
    /// Releases claims this worker holds without recording an attempt's outcome (a shutdown cut
    /// them short), so any worker sends them again at once. Returns how many were released; a
    /// claim whose lease passed to another worker is left alone.
    @discardableResult
    public func handBack(_ ids: [UUID]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await database.execute("""
            UPDATE deliveries SET leased_until = NULL
            WHERE id = ANY($1::uuid[]) AND lease_owner = $2 AND status = 'pending' AND leased_until IS NOT NULL
            """, [.textArray(ids.map(\.uuidString)), .text(owner)])
    }
}
