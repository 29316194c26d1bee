import Alerting
import Foundation
import JSON
import Postgres
import Rules

/// The channel side of one poll's recording: which channels need evaluation, evaluated and
/// written a chunk at a time as pages arrive, then the gone ones once the listing is complete.
///
/// A channel is evaluated when it is new, changed (fingerprint), returning, still counting
/// towards `for_polls`, or when the rules changed; unchanged channels cost a hash and a
/// primary-key lookup. Which channels those are is asked of PostgreSQL a thousand at a time,
/// and the ids a pass has seen go into a session-local table (`poll_seen`, emptied at commit):
/// the worker keeps nothing per tracked channel, so its memory does not grow with the
/// portfolio. It covers one pass over the listing: when the listing is read again, the
/// recorder rolls the first pass's writes back and starts a fresh recording, so only the last
/// pass — consistent on its own — is recorded.
struct ChannelRecording {
    /// Channels evaluated and written per statement: bounds the documents held at once.
    static let chunkSize = 2_000
    /// Channels compared with their snapshots per statement.
    static let classifySize = 1_000

    let recorder: PollRecorder
    let partnerID: String
    /// The poll's row, which the events written on the way refer to.
    let pollID: Int64
    let observedAt: Date
    let rulesChanged: Bool
    /// The channels a targeted poll re-reads (only they can be judged gone); `nil` for the whole listing.
    private let only: [String]?
    /// Channels stored and not missing when the poll began (of `only`, for a targeted poll).
    private let presentBefore: Int
    /// Of those, how many this pass has listed: when it is all of them, none is gone and the
    /// search for gone channels (a scan of the partner's snapshots) is skipped.
    private var presentSeen = 0
    /// The pass over the listing being recorded (0 before the first batch).
    private(set) var pass = 0
    /// Channels received and not yet compared with their snapshots, and since when.
    private var unclassified: [ObservedChannel] = []
    private var unclassifiedSince: ContinuousClock.Instant?
    /// Channels waiting to be evaluated and written, and whether a snapshot of them exists.
    private var queue: [(channel: ObservedChannel, fingerprint: String, stored: Bool)] = []
    /// When the oldest queued channel was queued.
    private var queuedSince: ContinuousClock.Instant?
    /// The longest a queued channel waits while pages arrive: a few changed channels are
    /// written during the fetch too, so little is left for after the last page.
    static let maximumQueueWait = Duration.milliseconds(500)
    /// Snapshots written so far.
    private var written = 0
    /// How the written and gone channels change the partner's counts per field value.
    private var tally = ChannelStateTally()

    private init(recorder: PollRecorder, partnerID: String, pollID: Int64, observedAt: Date, rulesChanged: Bool,
                 only: [String]?, presentBefore: Int) {
        self.recorder = recorder
        self.partnerID = partnerID
        self.pollID = pollID
        self.observedAt = observedAt
        self.rulesChanged = rulesChanged
        self.only = only
        self.presentBefore = presentBefore
    }

    /// Starts recording the partner's channels (`only` these, for a targeted poll: then only
    /// they can be judged gone), inside the poll's transaction.
    static func begin(_ recorder: PollRecorder, partner: PartnerStateRow, pollID: Int64, observedAt: Date,
                      only ids: [String]? = nil, on connection: PostgresConnection) async throws -> ChannelRecording {
        try await createSeenTable(on: connection)
        // Counted now, while the first pages are on their way, rather than searched after the last.
        let present = try await connection.query("""
            SELECT count(*)::int8 AS n FROM channel_snapshots
            WHERE partner_id = $1 AND missing_since IS NULL AND ($2::text[] IS NULL OR channel_id = ANY($2::text[]))
            """, [.text(partner.partnerID), ids.map { .textArray($0) } ?? .null])[0].decode(Int.self, "n")
        return ChannelRecording(recorder: recorder, partnerID: partner.partnerID, pollID: pollID, observedAt: observedAt,
                                rulesChanged: partner.rulesFingerprint != recorder.rulesFingerprint, only: ids,
                                presentBefore: present)
    }

    /// The ids seen by the pass, each evaluated at most once. Temporary (never logged, never
    /// seen by other sessions) and emptied at every commit; a rollback takes its rows away too.
    private static func createSeenTable(on connection: PostgresConnection) async throws {
        try await connection.execute("CREATE TEMP TABLE IF NOT EXISTS poll_seen (channel_id text PRIMARY KEY) ON COMMIT DELETE ROWS")
    }

    /// Takes one page's channels: compares them with their snapshots — at once when no other
    /// page waits (`caughtUp`: the recorder would idle otherwise, and little is left for after
    /// the last page), else a thousand at a time — queues those that need evaluation and writes
    /// full chunks. The batch must belong to this recording's pass (or be the first).
    mutating func add(_ batch: ObservedBatch, caughtUp: Bool = true, writer: inout EventWriter,
                      on connection: PostgresConnection) async throws {
        pass = batch.pass
        unclassified.append(contentsOf: batch.channels)
        if unclassifiedSince == nil { unclassifiedSince = .now }
        if caughtUp || unclassified.count >= Self.classifySize || Self.waitedTooLong(since: unclassifiedSince) {
            try await classify(writer: &writer, on: connection)
        }
        if Self.waitedTooLong(since: queuedSince) {
            try await writeQueue(writer: &writer, on: connection)
        }
    }

    private static func waitedTooLong(since instant: ContinuousClock.Instant?) -> Bool {
        instant.map { ContinuousClock.now - $0 >= maximumQueueWait } ?? false
    }

    /// The same recording with nothing written: for a new pass, after its writes (and the seen
    /// ids) were rolled back.
    func restarted(on connection: PostgresConnection) async throws -> ChannelRecording {
        // Created after the savepoint on a session's first poll, the table went with the rollback.
        try await Self.createSeenTable(on: connection)
        return ChannelRecording(recorder: recorder, partnerID: partnerID, pollID: pollID, observedAt: observedAt,
                                rulesChanged: rulesChanged, only: only, presentBefore: presentBefore)
    }

    /// Marks the unclassified channels seen and queues those new to the pass that need
    /// evaluation: new, changed, returning, pending, or every one when the rules changed.
    private mutating func classify(writer: inout EventWriter, on connection: PostgresConnection) async throws {
        guard !unclassified.isEmpty else { return }
        let fingerprints = unclassified.map { Fingerprint.of($0.rawJSON) }
        // One primary-key lookup per channel, always: the LIMIT keeps the planner from joining
        // the partner's whole table by hash, which it does while a first poll grows the table
        // faster than statistics follow (a statement per thousand channels then reads them all).
        let rows = try await connection.query("""
            WITH page AS (
                SELECT x.id, x.fingerprint, x.position
                FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS x(id, fingerprint, position)
            ), fresh AS (
                INSERT INTO poll_seen (channel_id) SELECT id FROM page ON CONFLICT DO NOTHING RETURNING channel_id
            ), first AS (
                SELECT DISTINCT ON (p.id) p.id, p.fingerprint, p.position
                FROM page p JOIN fresh f ON f.channel_id = p.id ORDER BY p.id, p.position
            )
            , judged AS (
                SELECT first.position, s.channel_id IS NOT NULL AS stored,
                       s.channel_id IS NOT NULL AND s.missing_since IS NULL AS present,
                       $4 OR s.channel_id IS NULL OR s.fingerprint <> first.fingerprint OR s.needs_evaluation
                          OR s.missing_since IS NOT NULL AS due
                FROM first LEFT JOIN LATERAL (
                    SELECT channel_id, fingerprint, needs_evaluation, missing_since FROM channel_snapshots
                    WHERE partner_id = $1 AND channel_id = first.id LIMIT 1
                ) s ON true
            )
            -- The channels due, and the first one either way: it carries the count of those present.
            SELECT position, stored, due, (SELECT count(*) FROM judged WHERE present)::int8 AS present FROM judged
            WHERE due OR position = (SELECT min(position) FROM judged)
            ORDER BY position
            """, [.text(partnerID), .textArray(unclassified.map(\.id)), .textArray(fingerprints), .bool(rulesChanged)])
        if let first = rows.first { presentSeen += Int(try first.decode(Int64.self, "present")) }
        for row in rows where try row.decode(Bool.self, "due") {
            let index = Int(try row.decode(Int64.self, "position")) - 1
            queue.append((unclassified[index], fingerprints[index], try row.decode(Bool.self, "stored")))
            if queuedSince == nil { queuedSince = .now }
            if queue.count >= Self.chunkSize { try await writeQueue(writer: &writer, on: connection) }
        }
        unclassified.removeAll(keepingCapacity: true)
        unclassifiedSince = nil
    }

    /// After a complete listing: writes what is queued, then evaluates the channels no longer
    /// listed. Returns how many snapshots were written.
    mutating func finish(writer: inout EventWriter, on connection: PostgresConnection) async throws -> Int {
        try await classify(writer: &writer, on: connection)
        try await writeQueue(writer: &writer, on: connection)
        guard presentSeen < presentBefore else {
            try await tally.write(partnerID: partnerID, on: connection)
            return written
        }
        let gone = try await connection.query("""
            SELECT channel_id FROM channel_snapshots s
            WHERE partner_id = $1 AND missing_since IS NULL AND ($2::text[] IS NULL OR channel_id = ANY($2::text[]))
              AND NOT EXISTS (SELECT 1 FROM poll_seen p WHERE p.channel_id = s.channel_id)
            ORDER BY channel_id
            """, [.text(partnerID), only.map { .textArray($0) } ?? .null]).map { try $0.decode(String.self, "channel_id") }
        let context = EvaluationContext(partnerID: partnerID, observedAt: observedAt)
        for start in stride(from: 0, to: gone.count, by: Self.chunkSize) {
            let chunk = Array(gone[start..<min(start + Self.chunkSize, gone.count)])
            let previous = try await loadDocuments(ids: chunk, on: connection)
            var missing = MissingUpdates()
            for id in chunk {
                guard let before = previous[id] else { continue }
                let evaluation = recorder.engine.evaluate(channelID: id, previous: before.document, current: nil,
                                                          pollComplete: true, state: before.state, context: context)
                writer.add(evaluation.facts, channel: ChannelSummary(id: id, document: before.document),
                           document: before.document)
                try missing.add(id, state: evaluation.state)
                tally.remove(before.document)
            }
            try await missing.write(partnerID: partnerID, at: observedAt, on: connection)
            try await writer.writeEvents(pollID: pollID, on: connection)
        }
        try await tally.write(partnerID: partnerID, on: connection)
        return written + gone.count
    }

    /// Evaluates the queued channels against their stored documents and writes their snapshots.
    private mutating func writeQueue(writer: inout EventWriter, on connection: PostgresConnection) async throws {
        guard !queue.isEmpty else { return }
        // New channels have nothing to load (all of them on a first poll): asking anyway would scan
        // a table the planner still believes empty, once per chunk.
        let previous = try await loadDocuments(ids: queue.filter(\.stored).map(\.channel.id), on: connection)
        let context = EvaluationContext(partnerID: partnerID, observedAt: observedAt)
        var upserts = SnapshotUpserts()
        for (channel, fingerprint, _) in queue {
            let before = previous[channel.id]
            let document = channel.document
            let evaluation = recorder.engine.evaluate(channelID: channel.id, previous: before?.document, current: document,
                                                      pollComplete: true, state: before?.state ?? .empty, context: context)
            writer.add(evaluation.facts, channel: ChannelSummary(id: channel.id, document: document), document: document)
            try upserts.add(channel, fingerprint: fingerprint, state: evaluation.state)
            if let before, before.present { tally.remove(before.document) }
            tally.add(document)
        }
        try await upserts.write(partnerID: partnerID, at: observedAt, on: connection)
        try await writer.writeEvents(pollID: pollID, on: connection)
        written += queue.count
        queue.removeAll(keepingCapacity: true)
        queuedSince = nil
    }

    private func loadDocuments(ids: [String],
                               on connection: PostgresConnection) async throws -> [String: StoredChannel] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query("""
            SELECT channel_id, document, rule_state, missing_since IS NULL AS present FROM channel_snapshots
            WHERE partner_id = $1 AND channel_id = ANY($2::text[])
            """, [.text(partnerID), .textArray(ids)])
        var documents: [String: StoredChannel] = [:]
        for row in rows {
            let document = try JSONValue(parsing: try row.decode(Data.self, "document"))
            let state = try SnapshotUpserts.state(from: try row.decode(Data.self, "rule_state"))
            documents[try row.decode(String.self, "channel_id")] = StoredChannel(
                document: document, state: state, present: try row.decode(Bool.self, "present"))
        }
        return documents
    }

    /// A channel's stored snapshot: its document, its rule state, and whether it was present
    /// (not missing) before this poll.
    struct StoredChannel {
        var document: JSONValue
        var state: ChannelRuleState
        var present: Bool
    }
}

/// Snapshots to insert or update, written with one multi-row statement.
struct SnapshotUpserts {
    private var ids: [String?] = []
    private var documents: [String?] = []
    private var fingerprints: [String?] = []
    private var states: [String?] = []
    private var pending: [String?] = []

    mutating func add(_ channel: ObservedChannel, fingerprint: String, state: ChannelRuleState) throws {
        ids.append(channel.id)
        documents.append(String(decoding: channel.rawJSON, as: UTF8.self))
        fingerprints.append(fingerprint)
        states.append(try Self.text(of: state))
        pending.append(state.pending.isEmpty ? "f" : "t")
    }

    /// Writes every row with one statement (the recording keeps each batch to a bounded chunk).
    func write(partnerID: String, at time: Date, on connection: PostgresConnection) async throws {
        guard !ids.isEmpty else { return }
        try await connection.execute("""
            INSERT INTO channel_snapshots AS s (partner_id, channel_id, document, fingerprint, rule_state, needs_evaluation,
                                                first_seen_at, changed_at, missing_since)
            SELECT $1, x.id, x.document::jsonb, x.fingerprint, x.state::jsonb, x.pending::boolean, $2, $2, NULL
            FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS x(id, document, fingerprint, state, pending)
            ON CONFLICT (partner_id, channel_id) DO UPDATE SET
                document = EXCLUDED.document,
                changed_at = CASE WHEN s.fingerprint <> EXCLUDED.fingerprint THEN EXCLUDED.changed_at ELSE s.changed_at END,
                fingerprint = EXCLUDED.fingerprint,
                rule_state = EXCLUDED.rule_state,
                needs_evaluation = EXCLUDED.needs_evaluation,
                missing_since = NULL
            """, [.text(partnerID), .timestamp(time), .textArray(ids), .textArray(documents),
                  .textArray(fingerprints), .textArray(states), .textArray(pending)])
    }
}

extension SnapshotUpserts {
    /// A rule state as stored (most channels have none: that text is made once, not per channel).
    static func text(of state: ChannelRuleState) throws -> String {
        if state.isEmpty { return emptyStateText }
        return String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
    }

    /// A stored rule state; most are empty, and those are recognised without a decoder.
    static func state(from stored: Data) throws -> ChannelRuleState {
        if stored.count <= 32 {
            let parsed = try JSONParser.parse(stored)
            if parsed["firing"]?.objectValue?.isEmpty ?? true, parsed["pending"]?.objectValue?.isEmpty ?? true {
                return .empty
            }
        }
        return try JSONDecoder().decode(ChannelRuleState.self, from: stored)
    }

    private static let emptyStateText = (try? JSONEncoder().encode(ChannelRuleState.empty))
        .map { String(decoding: $0, as: UTF8.self) } ?? #"{"firing":{},"pending":{}}"#
}

/// Channels absent from a complete poll: marked missing, their rule state advanced.
struct MissingUpdates {
    private var ids: [String?] = []
    private var states: [String?] = []

    mutating func add(_ id: String, state: ChannelRuleState) throws {
        ids.append(id)
        states.append(try SnapshotUpserts.text(of: state))
    }

    func write(partnerID: String, at time: Date, on connection: PostgresConnection) async throws {
        guard !ids.isEmpty else { return }
        try await connection.execute("""
            UPDATE channel_snapshots AS s SET missing_since = $2, rule_state = x.state::jsonb, needs_evaluation = false
            FROM unnest($3::text[], $4::text[]) AS x(id, state)
            WHERE s.partner_id = $1 AND s.channel_id = x.id
            """, [.text(partnerID), .timestamp(time), .textArray(ids), .textArray(states)])
    }
}
