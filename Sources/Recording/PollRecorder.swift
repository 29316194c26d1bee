import Alerting
import Config
import Foundation
import JSON
import Postgres
import Rules

/// Records one poll in ONE transaction: changed snapshots, events, alert changes
/// and the deliveries they cause commit together, or nothing does.
///
/// A complete poll evaluates only channels that are new, changed, returning, gone, or still
/// counting towards `for_polls` (or every channel when the rules changed); unchanged channels
/// cost no write. An incomplete poll changes no channel's alerts: it records the poll and
/// counts towards `poll_failing` / `api_auth_failed` only.
public struct PollRecorder: Sendable {
    /// Where the state lives.
    public let database: PostgresClient
    /// The rules to evaluate.
    public let engine: RuleEngine
    /// Which receivers get which events.
    public let router: Router
    /// Identifies the loaded rules; when it differs from the one stored for a partner, all its channels are re-evaluated.
    public let rulesFingerprint: String
    /// While a source alert fires, matching target events are recorded but not delivered.
    public let inhibitRules: [InhibitRuleConfig]

    public init(database: PostgresClient, engine: RuleEngine, router: Router, rulesFingerprint: String,
                inhibitRules: [InhibitRuleConfig] = []) {
        self.database = database
        self.engine = engine
        self.router = router
        self.rulesFingerprint = rulesFingerprint
        self.inhibitRules = inhibitRules
    }

    /// A writer of this recorder's events: its routes and inhibition rules, releasing held-back alerts.
    func eventWriter(partnerID: String, observedAt: Date) -> EventWriter {
        var writer = EventWriter(partnerID: partnerID, observedAt: observedAt, router: router)
        writer.inhibitRules = inhibitRules
        writer.releasesHeldBack = true
        return writer
    }

    /// Which channels a poll read.
    public enum Scope: Sendable, Equatable {
        /// The partner's whole listing: channels not listed are judged gone.
        case all
        /// Only these channels, re-read because an inbound webhook named them (a *targeted
        /// poll*): complete for them, so one of them not returned is gone, but no other channel
        /// is judged, the partner's last full poll is not moved, and a failed targeted poll
        /// counts towards no system alert (the next full poll is the judge).
        case channels([String])
    }

    /// Runs inside the recording transaction just before it commits (a targeted poll records
    /// there which inbound events it processed), so that either both commit or neither does.
    public typealias BeforeCommit = @Sendable (_ connection: PostgresConnection, _ outcome: Outcome) async throws -> Void

    /// What was recorded.
    public struct Outcome: Sendable {
        public var pollID: Int64
        public var complete: Bool
        /// Channels whose snapshot was written (new, changed, gone or re-evaluated).
        public var changedChannels: Int
        /// Events recorded, system alerts included.
        public var events: [AlertEvent]
        /// Deliveries queued.
        public var deliveries: Int
        /// Whether this was the partner's first complete poll.
        public var firstPoll: Bool
        /// Events held back by silences and inhibition, and held-back alerts notified now.
        public var suppression = SuppressionCounts()
        /// Events whose templated recipient was unusable, sent to the receiver's `fallback_to`.
        public var recipientFallbacks = RecipientFallbacks()
    }

    /// Records `poll`; throws (and writes nothing) if any statement fails. With `commit: false`
    /// everything is computed against the stored state and then rolled back (`poll --dry-run`).
    public func record(_ poll: ObservedPoll, firstPoll: FirstPollMode, failingAfter: Int,
                       commit: Bool = true) async throws -> Outcome {
        try await record(.collected(poll), firstPoll: firstPoll, failingAfter: failingAfter, commit: commit)
    }

    /// Records a poll while it runs: the transaction opens at once and each page's channels are
    /// evaluated and written as they arrive (memory stays flat, recording overlaps the
    /// fetch). Nothing is visible to others before the commit; an incomplete poll rolls its
    /// channel writes back and records only the failure.
    ///
    /// - Parameters:
    ///   - connection: the session to record on (e.g. a partner loop's own); the pool's otherwise.
    ///   - abandoned: asked once the poll has ended; `true` (shutdown) rolls everything back and
    ///     throws ``PollAbandoned``.
    /// - Throws: a database error, or ``PollAbandoned``; the stream's poll is cancelled either way.
    public func record(_ stream: ObservedPollStream, firstPoll: FirstPollMode, failingAfter: Int,
                       commit: Bool = true, on connection: PostgresConnection? = nil,
                       abandoned: @Sendable () -> Bool = { false }, scope: Scope = .all,
                       beforeCommit: BeforeCommit? = nil) async throws -> Outcome {
        let options = Options(firstPoll: firstPoll, failingAfter: failingAfter, commit: commit, scope: scope,
                              beforeCommit: beforeCommit)
        if let connection {
            return try await record(stream, options, abandoned: abandoned, onSession: connection)
        }
        return try await database.withConnection { connection in
            try await record(stream, options, abandoned: abandoned, onSession: connection)
        }
    }

    /// How one poll is recorded.
    private struct Options: Sendable {
        var firstPoll: FirstPollMode
        var failingAfter: Int
        var commit: Bool
        var scope: Scope
        var beforeCommit: BeforeCommit?
    }

    private func record(_ stream: ObservedPollStream, _ options: Options, abandoned: @Sendable () -> Bool,
                        onSession connection: PostgresConnection) async throws -> Outcome {
        do {
            return try await connection.transaction { connection in
                try await recordInTransaction(stream, options, abandoned: abandoned, on: connection)
            }
        } catch let rollback as DryRunRollback {
            return rollback.outcome
        } catch {
            stream.summary.cancel()
            throw error
        }
    }

    /// Thrown when a poll was abandoned (shutdown) after its recording had begun; nothing was recorded.
    public struct PollAbandoned: Error, CustomStringConvertible {
        public var description: String { "the poll was abandoned before it was recorded; nothing was written" }
    }

    /// Thrown to roll a dry run back while keeping what it computed.
    private struct DryRunRollback: Error {
        let outcome: Outcome
    }

    private func recordInTransaction(_ stream: ObservedPollStream, _ options: Options, abandoned: @Sendable () -> Bool,
                                     on connection: PostgresConnection) async throws -> Outcome {
        let partner = try await PartnerStateRow.lock(stream.partnerID, on: connection)
        var writer = eventWriter(partnerID: stream.partnerID, observedAt: stream.observedAt)
        let isFirst = partner.lastCompletePollAt == nil
        // First poll in baseline mode: record what already holds as firing, notify nobody.
        writer.notify = !(isFirst && options.firstPoll == .baseline)
        let targeted: [String]? = if case .channels(let ids) = options.scope { ids } else { nil }
        // The poll's row comes first (completed at the end) so events can be written on the way.
        let pollID = try await insertPoll(partnerID: stream.partnerID, at: stream.observedAt, targeted: targeted != nil,
                                          on: connection)
        // Channel writes happen while the poll runs; an incomplete poll rolls them back to here.
        try await connection.execute("SAVEPOINT channels")
        var channels = try await ChannelRecording.begin(self, partner: partner, pollID: pollID,
                                                        observedAt: stream.observedAt, only: targeted, on: connection)
        for await batch in stream.batches {
            if channels.pass != 0, batch.pass != channels.pass {
                // The listing moved and is read again: only the new pass counts, as if it were the first.
                try await connection.execute("ROLLBACK TO SAVEPOINT channels")
                writer.discardEvents()
                channels = try await channels.restarted(on: connection)
            }
            let caughtUp = await stream.batches.backlog == 0
            try await channels.add(batch, caughtUp: caughtUp, writer: &writer, on: connection)
        }
        // A cancelled task stops reading the stream early: what it missed must not count as gone.
        try Task.checkCancellation()
        let poll = await stream.summary.value
        if abandoned() { throw PollAbandoned() }

        var outcome: Outcome
        if targeted != nil {
            // A targeted poll judges its channels only, and moves no partner-wide state.
            var changed = 0
            if poll.isComplete {
                changed = try await channels.finish(writer: &writer, on: connection)
            } else {
                try await connection.execute("ROLLBACK TO SAVEPOINT channels")
                writer.discardEvents()
            }
            outcome = Outcome(pollID: pollID, complete: poll.isComplete, changedChannels: changed, events: [], deliveries: 0,
                              firstPoll: false)
        } else if poll.isComplete {
            let changed = try await channels.finish(writer: &writer, on: connection)
            writer.notify = true
            try await SystemAlerts.resolveAfterCompletePoll(partnerID: poll.partnerID, writer: &writer, on: connection)
            outcome = Outcome(pollID: pollID, complete: true, changedChannels: changed, events: [], deliveries: 0, firstPoll: isFirst)
            try await partner.recordComplete(at: poll.finishedAt, rulesFingerprint: rulesFingerprint, on: connection)
        } else {
            // An incomplete poll changes no channel: drop what its pages caused.
            try await connection.execute("ROLLBACK TO SAVEPOINT channels")
            writer.discardEvents()
            writer.notify = true
            let failures = try await partner.recordFailure(at: poll.finishedAt, on: connection)
            try await SystemAlerts.fireAfterFailedPoll(poll, consecutiveFailures: failures, failingAfter: options.failingAfter,
                                                       writer: &writer, on: connection)
            outcome = Outcome(pollID: pollID, complete: false, changedChannels: 0, events: [], deliveries: 0, firstPoll: false)
        }
        let written = try await writer.flush(pollID: pollID, on: connection)
        outcome.events = written.events
        outcome.deliveries = written.deliveries
        outcome.suppression = written.suppression
        outcome.recipientFallbacks = written.recipientFallbacks
        try await completePoll(pollID, poll, changed: outcome.changedChannels, events: written.events.count, on: connection)
        try await options.beforeCommit?(connection, outcome)
        if !options.commit { throw DryRunRollback(outcome: outcome) }
        if written.deliveries > 0 {
            try await connection.execute("SELECT pg_notify('channelwatch_deliveries', $1)", [.text(poll.partnerID)])
        }
        return outcome
    }

    /// The poll's row, inserted at the start of the transaction and completed by ``completePoll``.
    private func insertPoll(partnerID: String, at time: Date, targeted: Bool, on connection: PostgresConnection) async throws -> Int64 {
        let rows = try await connection.query("""
            INSERT INTO polls (partner_id, started_at, finished_at, complete, targeted) VALUES ($1, $2, $2, false, $3) RETURNING id
            """, [.text(partnerID), .timestamp(time), .bool(targeted)])
        return try rows[0].decode(Int64.self, "id")
    }

    private func completePoll(_ pollID: Int64, _ poll: ObservedPoll, changed: Int, events: Int,
                              on connection: PostgresConnection) async throws {
        try await connection.execute("""
            UPDATE polls SET started_at = $2, finished_at = $3, complete = $4, pages = $5, channels = $6, error = $7,
                http_status = $8, trace_id = $9, changed = $10, events = $11
            WHERE id = $1
            """, [
                .int64(pollID), .timestamp(poll.startedAt), .timestamp(poll.finishedAt), .bool(poll.isComplete),
                .int64(Int64(poll.pages)), .int64(Int64(poll.channelCount)), PostgresValue(poll.failure?.message),
                PostgresValue(poll.failure?.httpStatus), PostgresValue(poll.failure?.traceID),
                .int64(Int64(changed)), .int64(Int64(events)),
            ])
    }
}
