import Alerting
import Config
import Foundation
import Postgres

/// How many of a flush's events were held back, and how many held-back alerts were released.
public struct SuppressionCounts: Sendable, Equatable {
    /// Events not delivered because an active silence matched them.
    public var silenced = 0
    /// Events not delivered because a firing alert inhibited them.
    public var inhibited = 0
    /// Alerts whose firing had been held back, notified now that nothing suppresses them.
    public var released = 0

    public init(silenced: Int = 0, inhibited: Int = 0, released: Int = 0) {
        self.silenced = silenced
        self.inhibited = inhibited
        self.released = released
    }
}

extension EventWriter {
    /// What decides suppression now: the active silences and, when there are inhibition rules,
    /// the partner's firing alerts as they stand after this transaction's alert changes (so a
    /// source that starts firing in this poll inhibits at once).
    func loadDecider(on connection: PostgresConnection) async throws -> SuppressionDecider {
        let silences = try await SilenceStore.active(at: observedAt, on: connection)
        var firing: [FiringAlert] = []
        if !inhibitRules.isEmpty {
            // When every rule names its source's rule exactly, only those alerts can inhibit.
            let sourceRules = inhibitRules.map { rule in
                rule.sourceMatchers.compactMap { matcher -> String? in
                    if matcher.label == "rule", case .equals(let name) = matcher.test { return name }
                    return nil
                }.first
            }
            let ruleFilter: [String]? = sourceRules.contains(nil) ? nil : sourceRules.compactMap { $0 }
            let rows = try await connection.query("""
                SELECT a.rule, a.channel_id, e.labels FROM alerts a JOIN events e ON e.id = a.fired_event_id
                WHERE a.partner_id = $1 AND a.status = 'firing' AND ($2::text[] IS NULL OR a.rule = ANY($2::text[]))
                """, [.text(partnerID), ruleFilter.map { .textArray($0) } ?? .null])
            firing = try rows.map { row in
                FiringAlert(key: FiringAlert.key(rule: try row.decode(String.self, "rule"),
                                                 channelID: try row.decode(String.self, "channel_id")),
                            labels: try AlertEvent.decoder.decode([String: String].self, from: try row.decode(Data.self, "labels")))
            }
        }
        return SuppressionDecider(silences: silences, inhibitRules: inhibitRules, firing: firing, at: observedAt)
    }

    /// Splits the events to notify into those delivered and those held back, and records the
    /// held-back ones: `notified = false` with what silenced or inhibited them, and their alert
    /// marked so its resolve is not sent and it is notified once when the suppression ends. A
    /// resolve whose firing was held back is held back too: nobody was told it fired.
    func holdBackSuppressed(_ candidates: [AlertEvent], decider: SuppressionDecider,
                            on connection: PostgresConnection) async throws -> (delivered: [AlertEvent], counts: SuppressionCounts) {
        let resolved = candidates.filter { $0.status == .resolved }.map(\.id.uuidString)
        var resolvesOfHeldBack = Set<UUID>()
        if !resolved.isEmpty {
            let rows = try await connection.query("""
                SELECT resolved_event_id FROM alerts WHERE held_back AND resolved_event_id = ANY($1::uuid[])
                """, [.textArray(resolved)])
            resolvesOfHeldBack = Set(try rows.map { try $0.decode(UUID.self, "resolved_event_id") })
        }
        guard !decider.isEmpty || !resolvesOfHeldBack.isEmpty else { return (candidates, SuppressionCounts()) }
        var delivered: [AlertEvent] = []
        var held: [(event: AlertEvent, suppression: Suppression?)] = []
        var counts = SuppressionCounts()
        for event in candidates {
            if let suppression = decider.suppression(of: event) {
                held.append((event, suppression))
                if case .silenced = suppression { counts.silenced += 1 } else { counts.inhibited += 1 }
            } else if resolvesOfHeldBack.contains(event.id) {
                held.append((event, nil))
            } else {
                delivered.append(event)
            }
        }
        guard !held.isEmpty else { return (delivered, counts) }
        try await connection.execute("""
            UPDATE events AS e SET notified = false, silenced_by = x.silenced_by::uuid[], inhibited_by = x.inhibited_by
            FROM unnest($1::text[], $2::text[], $3::text[]) AS x(id, silenced_by, inhibited_by)
            WHERE e.id = x.id::uuid
            """, [
                .textArray(held.map(\.event.id.uuidString)),
                .textArray(held.map { item in
                    guard case .silenced(let ids)? = item.suppression else { return nil }
                    return "{" + ids.map(\.uuidString).joined(separator: ",") + "}"
                }),
                .textArray(held.map { item in
                    guard case .inhibited(let key)? = item.suppression else { return nil }
                    return key
                }),
            ])
        try await markHeldBack(held.map(\.event).filter { $0.status == .firing }, true, on: connection)
        return (delivered, counts)
    }

    /// The fired events of the partner's held-back alerts that nothing suppresses any more (a
    /// silence ended, the inhibiting alert resolved); they are notified once, now.
    func releaseEnded(decider: SuppressionDecider, on connection: PostgresConnection) async throws -> [AlertEvent] {
        let heldBack = try await connection.query("""
            SELECT \(AlertEvent.columns.split(separator: ",").map { "e." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", "))
            FROM alerts a JOIN events e ON e.id = a.fired_event_id
            WHERE a.partner_id = $1 AND a.status = 'firing' AND a.held_back
            ORDER BY e.observed_at, e.channel_id
            """, [.text(partnerID)]).map(AlertEvent.init(row:))
        let released = heldBack.filter { decider.suppression(of: $0) == nil }
        try await markHeldBack(released, false, on: connection)
        return released
    }

    /// Sets `held_back` on the open alerts these firing events belong to (found by the
    /// one-open-alert key, which is indexed).
    private func markHeldBack(_ firings: [AlertEvent], _ heldBack: Bool, on connection: PostgresConnection) async throws {
        guard !firings.isEmpty else { return }
        try await connection.execute("""
            UPDATE alerts AS a SET held_back = $2
            FROM unnest($3::text[], $4::text[]) AS x(channel_id, rule)
            WHERE a.partner_id = $1 AND a.channel_id = x.channel_id AND a.rule = x.rule AND a.status = 'firing'
            """, [.text(partnerID), .bool(heldBack), .textArray(firings.map(\.channel.id)), .textArray(firings.map(\.rule))])
    }
}
