import Alerting
import Foundation
import Inspection

extension ConsoleApp {
    /// `/`: every partner's last polls, its channels by state and its firing alerts.
    func overviewPage(_ session: ConsoleSession) async throws -> ConsoleResponse {
        let partners = try await inspection.partners(configured: session.context.partnerIDs)
        let values: [String: Any] = ["partners": partners.enumerated().map { index, partner in
            Self.partnerValues(partner, index: index, now: session.now)
        }]
        return try await render("overview", page: "overview", title: "Portfolio", values, session)
    }

    static func partnerValues(_ partner: Inspection.PartnerOverview, index: Int, now: Date) -> [String: Any] {
        var values: [String: Any] = [
            "id": partner.partnerID, "anchor": "partner-\(index + 1)", "channels": ConsoleView.number(partner.channels),
            "lastComplete": partner.lastCompletePollAt.map { "\(ConsoleView.time($0)) (\(ConsoleView.ago($0, now: now)))" } ?? "never",
            "failing": partner.consecutiveFailures > 0,
            "failures": partner.consecutiveFailures == 1 ? "1 failed poll" : "\(partner.consecutiveFailures) failed polls in a row",
        ]
        values["firing"] = ["critical", "warning", "info"].compactMap { severity -> [String: Any]? in
            guard let count = partner.firing[severity], count > 0 else { return nil }
            let query = FormFields([("partner", partner.partnerID), ("severity", severity)])
            return ["severity": severity, "count": ConsoleView.number(count), "href": ConsoleView.link("/alerts", query)]
        }
        values["states"] = PortfolioField.allCases.map { field -> [String: Any] in
            let counts = partner.channelsByState[field.rawValue] ?? []
            let total = max(1, counts.reduce(0) { $0 + $1.channels })
            return ["title": field.title, "values": counts.map { count -> [String: Any] in
                ["label": count.value.isEmpty ? "(not set)" : count.value, "channels": ConsoleView.number(count.channels),
                 "count": count.channels, "total": total,
                 "percent": String(format: "%.1f", Double(count.channels) * 100 / Double(total))]
            }]
        }
        values["polls"] = partner.polls.map { poll -> [String: Any] in
            var row: [String: Any] = [
                "iso": ConsoleView.iso(poll.startedAt), "started": ConsoleView.time(poll.startedAt),
                "ago": ConsoleView.ago(poll.startedAt, now: now),
                "outcome": poll.complete ? (poll.targeted ? "targeted" : "complete") : "incomplete",
                "duration": ConsoleView.duration(seconds: poll.durationSeconds), "pages": poll.pages,
                "channels": ConsoleView.number(poll.channels), "changed": poll.changed, "events": poll.events,
            ]
            row["error"] = poll.error
            row["traceID"] = poll.traceID
            return row
        }
        return values
    }
}
