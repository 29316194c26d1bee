import Alerting
import Config
import Foundation
import Postgres
import Recording

extension DemoTour {
    /// The shipped example's inhibition: while a WABA is banned, its numbers' own quality,
    /// limit, availability and status alerts are recorded but not sent.
    static let bannedWABAInhibits = InhibitRuleConfig(
        sourceMatchers: [LabelMatcher(label: "rule", written: "waba_banned")],
        targetMatchers: [LabelMatcher(label: "rule", written: "=~ quality_.*|messaging_limit_.*|availability_error|channel_status_error")],
        equal: ["waba_id"])

    /// An operator silences one expected limit raise before the poll that sees it (the other
    /// three raises of that poll are still sent).
    func silenceOneLimitRaise(database: PostgresClient) async throws {
        let silence = Silence(matchers: [LabelMatcher(label: "channel_id", written: "ch-gen-010"),
                                         LabelMatcher(label: "rule", written: "messaging_limit_up")],
                              startsAt: Date() - 1, endsAt: Date() + 3600,
                              comment: "client 10 asked for the raise and already knows", createdBy: "demo")
        try await SilenceStore(database: database).add(silence)
        say("   (the operator runs: channelwatch silence add --match channel_id=ch-gen-010 --match rule=messaging_limit_up "
            + "--duration 1h --comment \"\(silence.comment)\")")
    }

    /// Says which of the poll's events were recorded but not sent, and why.
    func tellHeldBack(pollID: Int64, database: PostgresClient) async throws {
        let rows = try await database.query("""
            SELECT e.rule, e.channel_id, e.inhibited_by, s.comment
            FROM events e LEFT JOIN silences s ON s.id = e.silenced_by[1]
            WHERE e.poll_id = $1 AND (e.silenced_by IS NOT NULL OR e.inhibited_by IS NOT NULL)
            ORDER BY e.channel_id, e.rule
            """, [.int64(pollID)])
        for row in rows {
            let what = "\(try row.decode(String.self, "rule")) \(try row.decode(String.self, "channel_id"))"
            if let source = try row.decode(String?.self, "inhibited_by") {
                say("   not sent: \(what) — inhibited by \(source), which is firing for the same WABA (inhibit_rules)")
            } else {
                say("   not sent: \(what) — silenced (\"\(try row.decode(String?.self, "comment") ?? "")\")")
            }
        }
    }
}
