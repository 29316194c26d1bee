import Alerting
import Foundation
import Inspection

extension ConsoleApp {
    /// The filters the alerts listing takes, in the page and in `/api/v1/alerts`.
    static let alertParameters: Set<String> = ["partner", "channel", "rule", "severity", "status", "waba", "client", "search"]
    static let alertStatuses = ["firing", "resolved", "all"]

    /// The alerts filter from a query string; `status` defaults to firing.
    static func alertFilter(_ query: FormFields, extra: Set<String> = [], defaultLimit: Int) throws -> Inspection.Filter {
        var filter = try ListingQuery.filter(query, allowed: alertParameters.union(extra), statuses: alertStatuses,
                                             defaultLimit: defaultLimit).get()
        if query.nonEmpty("status") == nil { filter.status = "firing" }
        return filter
    }

    /// `/alerts`: firing alerts (or resolved, or all), filtered, searched, a page at a time.
    func alertsPage(_ session: ConsoleSession) async throws -> ConsoleResponse {
        let query = session.request.query
        let filter = try Self.alertFilter(query, extra: ["notice"], defaultLimit: 50)
        let page = try await inspection.alerts(filter)
        var values: [String: Any] = [:]
        if filter.status == "firing" {
            let total = try await inspection.alertCount(filter)
            values["total"] = ConsoleView.number(total)
            values["totalLabel"] = total == 1 ? "alert firing matches" : "alerts firing match"
        } else {
            values["total"] = ConsoleView.number(page.rows.count) + (page.next == nil ? "" : "+")
            values["totalLabel"] = "alerts on this page"
        }
        values["heading"] = filter.status == "firing" ? "Firing alerts" : filter.status == "resolved" ? "Resolved alerts" : "All alerts"
        var form = ConsoleFilterForm(query: query)
        form.select("status", "Status", values: Self.alertStatuses, any: nil)
        form.select("partner", "Partner", values: session.context.partnerIDs)
        form.select("rule", "Rule", values: session.context.ruleNames)
        form.select("severity", "Severity", values: ["critical", "warning", "info"])
        form.text("waba", "WABA id", placeholder: "104000001")
        form.text("client", "Client id")
        form.text("search", "Phone or name", placeholder: "+49 30… or Shop", size: 18, type: "search")
        values.merge(form.values(action: "/alerts")) { _, new in new }
        values.merge(pagerValues("/alerts", query, next: page.next)) { _, new in new }
        let back = ConsoleView.link("/alerts", query.setting("notice", to: nil))
        values["rows"] = page.rows.map { Self.alertValues($0, now: session.now, back: back) }
        return try await render("alerts", page: "alerts", title: "Alerts", values, session)
    }

    static func alertValues(_ alert: Inspection.AlertRow, now: Date, back: String) -> [String: Any] {
        var values: [String: Any] = [
            "id": alert.id.uuidString.lowercased(), "href": "/alerts/\(alert.id.uuidString.lowercased())",
            "iso": ConsoleView.iso(alert.startedAt), "started": ConsoleView.time(alert.startedAt),
            "ago": ConsoleView.ago(alert.startedAt, now: now), "severity": alert.severity.rawValue, "rule": alert.rule,
            "status": alert.status.rawValue, "partner": alert.partnerID, "channelID": alert.channelID,
            "phone": alert.channel.phoneNumber ?? (alert.channelID.isEmpty ? "partner \(alert.partnerID)" : alert.channelID), "phoneName": alert.channel.phoneName ?? "",
            "client": alert.channel.clientName ?? alert.channel.clientID ?? "", "waba": alert.channel.wabaName ?? alert.channel.wabaID ?? "",
            "summaryText": alert.summary, "notification": alert.notification, "held": alert.heldBack,
            "firing": alert.status == .firing, "back": back,
        ]
        values["resolved"] = alert.resolvedAt.map { ConsoleView.ago($0, now: now) }
        values["matchers"] = Self.silenceMatchers(alert)
        values["customSilence"] = ConsoleView.link("/silences", FormFields(Self.silenceMatchers(alert).map { ("match", $0) }))
        return values
    }

    /// The matchers that silence exactly this alert: its partner, channel (none for a
    /// partner-wide system alert such as poll_failing) and rule.
    static func silenceMatchers(_ alert: Inspection.AlertRow) -> [String] {
        ["partner_id=\(alert.partnerID)"] + (alert.channelID.isEmpty ? [] : ["channel_id=\(alert.channelID)"]) + ["rule=\(alert.rule)"]
    }

    /// `/alerts/{id}`: the alert, the channel now, a silence form, and the history of its rule on its channel.
    func alertPage(_ id: UUID, _ session: ConsoleSession) async throws -> ConsoleResponse {
        guard let history = try await inspection.alertHistory(id: id) else {
            return page(message: "Not found", "There is no alert \(id.uuidString.lowercased()); it may have been pruned.",
                        status: 404, session)
        }
        let now = session.now
        var values = Self.alertValues(history.alert, now: now, back: "/alerts/\(id.uuidString.lowercased())")
        values["resolved"] = history.alert.resolvedAt.map { "\(ConsoleView.time($0)) (\(ConsoleView.ago($0, now: now)))" }
        values["matchers"] = Self.silenceMatchers(history.alert)
        values["missing"] = history.missingSince.map(ConsoleView.time)
        values["current"] = PortfolioField.allCases.compactMap { field -> [String: Any]? in
            history.current[field.rawValue].map { ["title": field.title, "value": $0.isEmpty ? "(not set)" : $0] }
        }
        values["events"] = history.events.map { Self.eventValues($0, now: now) }
        values["occurrences"] = history.alerts.map { alert -> [String: Any] in
            ["href": "/alerts/\(alert.id.uuidString.lowercased())", "started": ConsoleView.time(alert.startedAt),
             "status": alert.status.rawValue, "resolved": alert.resolvedAt.map(ConsoleView.time) ?? "–",
             "notification": alert.notification]
        }
        values["deliveries"] = history.deliveries.map { Self.deliveryValues($0, now: now, back: "/alerts/\(id.uuidString.lowercased())") }
        return try await render("alert", page: "alerts", title: "\(history.alert.rule) on \(values["phone"] ?? "")", values, session)
    }
}
