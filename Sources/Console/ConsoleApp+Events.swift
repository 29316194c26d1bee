import Alerting
import Foundation
import Inspection

extension ConsoleApp {
    static let eventParameters: Set<String> = ["partner", "channel", "rule", "severity", "status", "waba", "client", "search"]
    static let eventStatuses = ["firing", "resolved", "changed", "received", "all"]

    /// `/events`: recorded events, newest first, and whether each was sent.
    func eventsPage(_ session: ConsoleSession) async throws -> ConsoleResponse {
        let query = session.request.query
        let filter = try ListingQuery.filter(query, allowed: Self.eventParameters.union(["notice"]),
                                             statuses: Self.eventStatuses, defaultLimit: 50).get()
        let page = try await inspection.events(filter)
        var form = ConsoleFilterForm(query: query)
        form.select("partner", "Partner", values: session.context.partnerIDs)
        form.select("rule", "Rule", values: session.context.ruleNames)
        form.select("status", "Status", values: Array(Self.eventStatuses.dropLast()))
        form.select("severity", "Severity", values: ["critical", "warning", "info"])
        form.text("since", "Since", placeholder: "24h", size: 8)
        form.text("search", "Phone or name", placeholder: "+49 30… or Shop", size: 18, type: "search")
        var values = form.values(action: "/events")
        values.merge(pagerValues("/events", query, next: page.next)) { _, new in new }
        values["events"] = page.rows.map { Self.eventValues($0, now: session.now) }
        return try await render("events", page: "events", title: "Events", values, session)
    }

    static func eventValues(_ row: Inspection.EventRow, now: Date) -> [String: Any] {
        let event = row.event
        let change = event.from == nil && event.to == nil ? "" : "\(event.from ?? "∅") → \(event.to ?? "∅")"
        return [
            "iso": ConsoleView.iso(event.observedAt), "observed": ConsoleView.time(event.observedAt),
            "ago": ConsoleView.ago(event.observedAt, now: now), "status": event.status.rawValue, "rule": event.rule,
            "phone": event.channel.phoneNumber ?? (event.channel.id.isEmpty ? "–" : event.channel.id),
            "phoneName": event.channel.phoneName ?? "", "partner": event.partnerID, "change": change,
            "delivery": row.delivery, "suppressed": !row.notified && (row.inhibitedBy != nil || !row.silencedBy.isEmpty),
            "summaryText": event.summary,
        ]
    }
}
