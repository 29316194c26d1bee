import Foundation
import Inspection
import JSON

extension ConsoleApp {
    static let webhookParameters: Set<String> = ["partner", "event", "status"]
    static let webhookStatuses = ["pending", "processed", "failed", "all"]

    /// `/webhooks`: inbound partner webhooks, what each named and what became of it.
    func webhooksPage(_ session: ConsoleSession) async throws -> ConsoleResponse {
        let query = session.request.query
        let filter = try ListingQuery.filter(query, allowed: Self.webhookParameters.union(["notice"]),
                                             statuses: Self.webhookStatuses, defaultLimit: 50).get()
        let page = try await inspection.inboundWebhooks(filter)
        var form = ConsoleFilterForm(query: query)
        form.select("partner", "Partner", values: session.context.partnerIDs)
        form.text("event", "Event", placeholder: "account_violation", size: 18)
        form.select("status", "Status", values: Array(Self.webhookStatuses.dropLast()))
        form.text("since", "Since", placeholder: "24h", size: 8)
        var values = form.values(action: "/webhooks")
        values.merge(pagerValues("/webhooks", query, next: page.next)) { _, new in new }
        values["rows"] = page.rows.map { row -> [String: Any] in
            ["iso": ConsoleView.iso(row.receivedAt), "received": ConsoleView.time(row.receivedAt),
             "ago": ConsoleView.ago(row.receivedAt, now: session.now), "partner": row.partnerID,
             "event": row.event.isEmpty ? "(none)" : row.event, "status": row.status, "duplicates": row.duplicates,
             "names": row.namedSummary ?? "nothing mappable", "outcome": Self.describe(outcome: row.outcome),
             "bytes": ConsoleView.number(row.bytes)]
        }
        return try await render("webhooks", page: "webhooks", title: "Inbound webhooks", values, session)
    }

    /// `channels c1 c2 re-read (poll 42)`, `full poll requested` — what processing an inbound event did.
    static func describe(outcome: JSONValue?) -> String {
        guard case .object(let members)? = outcome else { return "–" }
        return members.keys.sorted().map { key in
            let value = members[key]!
            switch value {
            case .array(let items): return "\(key.replacingOccurrences(of: "_", with: " ")): \(items.compactMap(\.scalarText).joined(separator: " "))"
            default: return "\(key.replacingOccurrences(of: "_", with: " ")): \(value.scalarText ?? "…")"
            }
        }.joined(separator: "; ")
    }
}
