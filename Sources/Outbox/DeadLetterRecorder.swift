import Postgres

/// What a delivery that gives up leaves behind besides its `dead` row: the recording side
/// writes a `delivery_dead` event and routes it on. Called inside the transaction that marks the
/// delivery dead, so the two commit together or not at all.
public protocol DeadLetterRecorder: Sendable {
    /// Records that `claim` died for `reason`, on `connection` (inside the settling transaction).
    func recordDead(_ claim: Outbox.Claim, reason: String, on connection: PostgresConnection) async throws
}
