import Primitives
import Foundation
import Postgres

/// Runs the readiness checks against the database: `SELECT 1`, then each partner's
/// `partner_state.last_poll_at`, judged by ``ReadinessPolicy``.
public struct ReadinessCheck: Sendable {
    /// The database to ask.
    public let database: PostgresClient
    /// The settings in force: which partners, which interval.
    public let settings: WorkerSettingsStore
    /// When the worker started; partners never polled are ready until 2 × interval after it.
    public let startedAt: ContinuousClock.Instant
    /// How long the database may take to answer before it counts as unreachable.
    public var timeout: Duration = .seconds(3)

    /// A check of `database` for the partners in `settings`.
    public init(database: PostgresClient, settings: WorkerSettingsStore, startedAt: ContinuousClock.Instant = .now) {
        self.database = database
        self.settings = settings
        self.startedAt = startedAt
    }

    /// The failing checks as readable lines; empty when ready.
    public func problems() async -> [String] {
        let config = settings.settings.config
        let partnerIDs = config.partners.map(\.id)
        let sinceStart = (ContinuousClock.now - startedAt).seconds
        var observation = ReadinessPolicy.Observation(databaseProblem: nil, secondsSinceLastPoll: [:],
                                                      secondsSinceStart: sinceStart)
        do {
            observation.secondsSinceLastPoll = try await withTimeout(timeout) {
                try await lastPollAges(partnerIDs)
            }
        } catch is ReadinessTimeout {
            observation.databaseProblem = "did not answer SELECT 1 within \(Int(timeout.seconds)) s"
        } catch let error as PostgresError {
            observation.databaseProblem = "unreachable (\(error.kind)): \(error.message)"
        } catch {
            observation.databaseProblem = "check failed: \(error)"
        }
        return ReadinessPolicy(interval: config.poll.interval).problems(in: observation)
    }

    private func lastPollAges(_ partnerIDs: [String]) async throws -> [String: Double?] {
        _ = try await database.query("SELECT 1")
        let rows = try await database.query("""
            SELECT partner_id, extract(epoch FROM now() - last_poll_at)::float8 AS age
            FROM partner_state WHERE partner_id = ANY($1::text[])
            """, [.textArray(partnerIDs)])
        var ages: [String: Double?] = Dictionary(uniqueKeysWithValues: partnerIDs.map { ($0, nil) })
        for row in rows {
            ages[try row.decode(String.self, "partner_id")] = .some(try row.decode(Double?.self, "age"))
        }
        return ages
    }
}

/// The readiness check gave up waiting for the database.
struct ReadinessTimeout: Error {}

/// Runs `body`, throwing ``ReadinessTimeout`` if it has not finished after `timeout` (it is
/// then cancelled, which also cancels a running statement).
func withTimeout<T: Sendable>(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw ReadinessTimeout() }
        return value
    }
}
