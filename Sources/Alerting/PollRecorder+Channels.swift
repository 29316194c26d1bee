import Foundation
import JSON
import Postgres
import Rules

extension PollRecorder {
    /// What is stored of a channel before this poll, without its document.
    struct StoredChannel {
        var fingerprint: String
        var needsEvaluation: Bool
        var missing: Bool
    }

    /// Evaluates the channels of a complete poll that need it and writes their snapshots and
    /// events; returns how many snapshots were written.
    func recordChannels(_ poll: ObservedPoll, partner: PartnerStateRow, writer: inout EventWriter,
                        on connection: PostgresConnection) async throws -> Int {
        let stored = try await loadStoredChannels(poll.partnerID, on: connection)
        let rulesChanged = partner.rulesFingerprint != rulesFingerprint

        var present: [(channel: ObservedChannel, fingerprint: String)] = []
        var seen = Set<String>()
        for channel in poll.channels where seen.insert(channel.id).inserted {
            let fingerprint = Fingerprint.of(channel.rawJSON)
            let before = stored[channel.id]
            if rulesChanged || before == nil || before!.fingerprint != fingerprint || before!.needsEvaluation || before!.missing {
                present.append((channel, fingerprint))
            }
        }
        let gone = stored.filter { !$0.value.missing && !seen.contains($0.key) }.map(\.key).sorted()

        let previous = try await loadDocuments(poll.partnerID, ids: present.map(\.channel.id) + gone, on: connection)
        let context = EvaluationContext(partnerID: poll.partnerID, observedAt: poll.finishedAt)

        var upserts = SnapshotUpserts()
        for (channel, fingerprint) in present {
            let before = previous[channel.id]
            let evaluation = engine.evaluate(channelID: channel.id, previous: before?.document, current: channel.document,
                                             pollComplete: true, state: before?.state ?? .empty, context: context)
            writer.add(evaluation.facts, channel: ChannelSummary(id: channel.id, document: channel.document),
                       document: channel.document)
            try upserts.add(channel, fingerprint: fingerprint, state: evaluation.state)
        }
        var missing = MissingUpdates()
        for id in gone {
            guard let before = previous[id] else { continue }
            let evaluation = engine.evaluate(channelID: id, previous: before.document, current: nil,
                                             pollComplete: true, state: before.state, context: context)
            writer.add(evaluation.facts, channel: ChannelSummary(id: id, document: before.document), document: before.document)
            try missing.add(id, state: evaluation.state)
        }
        try await upserts.write(partnerID: poll.partnerID, at: poll.finishedAt, on: connection)
        try await missing.write(partnerID: poll.partnerID, at: poll.finishedAt, on: connection)
        return present.count + gone.count
    }

    private func loadStoredChannels(_ partnerID: String, on connection: PostgresConnection) async throws -> [String: StoredChannel] {
        let rows = try await connection.query("""
            SELECT channel_id, fingerprint, needs_evaluation, missing_since IS NOT NULL AS missing
            FROM channel_snapshots WHERE partner_id = $1
            """, [.text(partnerID)])
        var stored: [String: StoredChannel] = [:]
        stored.reserveCapacity(rows.count)
        for row in rows {
            stored[try row.decode(String.self, "channel_id")] = StoredChannel(
                fingerprint: try row.decode(String.self, "fingerprint"),
                needsEvaluation: try row.decode(Bool.self, "needs_evaluation"),
                missing: try row.decode(Bool.self, "missing"))
        }
        return stored
    }

    private func loadDocuments(_ partnerID: String, ids: [String],
                               on connection: PostgresConnection) async throws -> [String: (document: JSONValue, state: ChannelRuleState)] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.query("""
            SELECT channel_id, document, rule_state FROM channel_snapshots
            WHERE partner_id = $1 AND channel_id = ANY($2::text[])
            """, [.text(partnerID), .textArray(ids)])
        var documents: [String: (document: JSONValue, state: ChannelRuleState)] = [:]
        for row in rows {
            let document = try JSONValue(parsing: try row.decode(Data.self, "document"))
            let state = try JSONDecoder().decode(ChannelRuleState.self, from: try row.decode(Data.self, "rule_state"))
            documents[try row.decode(String.self, "channel_id")] = (document, state)
        }
        return documents
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
        states.append(String(decoding: try JSONEncoder().encode(state), as: UTF8.self))
        pending.append(state.pending.isEmpty ? "f" : "t")
    }

    /// Rows per statement: bounded so a first poll of 100,000 channels never holds one giant
    /// array literal (and libpq's copy of it) in memory; all chunks are in the same transaction.
    static let chunkSize = 5_000

    func write(partnerID: String, at time: Date, on connection: PostgresConnection) async throws {
        for start in stride(from: 0, to: ids.count, by: Self.chunkSize) {
            let chunk = start..<min(start + Self.chunkSize, ids.count)
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
            """, [.text(partnerID), .timestamp(time), .textArray(Array(ids[chunk])), .textArray(Array(documents[chunk])),
                  .textArray(Array(fingerprints[chunk])), .textArray(Array(states[chunk])), .textArray(Array(pending[chunk]))])
        }
    }
}

/// Channels absent from a complete poll: marked missing, their rule state advanced.
struct MissingUpdates {
    private var ids: [String?] = []
    private var states: [String?] = []

    mutating func add(_ id: String, state: ChannelRuleState) throws {
        ids.append(id)
        states.append(String(decoding: try JSONEncoder().encode(state), as: UTF8.self))
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
