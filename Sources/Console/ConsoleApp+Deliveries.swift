import Foundation
import Inspection
import Outbox

extension ConsoleApp {
    static let deliveryParameters: Set<String> = ["status", "receiver", "partner", "channel", "rule"]
    static let deliveryStatuses = ["pending", "delivered", "dead", "all"]

    /// `/deliveries`: the outbox, dead ones with their last error and a retry button.
    func deliveriesPage(_ session: ConsoleSession) async throws -> ConsoleResponse {
        let query = session.request.query
        let filter = try ListingQuery.filter(query, allowed: Self.deliveryParameters.union(["notice"]),
                                             statuses: Self.deliveryStatuses, defaultLimit: 50).get()
        let page = try await inspection.deliveries(filter)
        let summary = try await inspection.summary()
        var form = ConsoleFilterForm(query: query)
        form.select("status", "Status", values: Array(Self.deliveryStatuses.dropLast()))
        form.select("receiver", "Receiver", values: session.context.receiverNames)
        form.select("partner", "Partner", values: session.context.partnerIDs)
        var values = form.values(action: "/deliveries")
        values.merge(pagerValues("/deliveries", query, next: page.next)) { _, new in new }
        let back = ConsoleView.link("/deliveries", query.setting("notice", to: nil))
        values["deliveries"] = page.rows.map { Self.deliveryValues($0, now: session.now, back: back) }
        values["hasDead"] = summary.deadDeliveries > 1
        values["deadCount"] = ConsoleView.number(summary.deadDeliveries)
        return try await render("deliveries", page: "deliveries", title: "Deliveries", values, session, summary: summary)
    }

    static func deliveryValues(_ row: Inspection.DeliveryRow, now: Date, back: String) -> [String: Any] {
        let when: String = switch row.status {
        case .pending: "next \(ConsoleView.ago(row.nextAttemptAt, now: now))"
        case .delivered: row.deliveredAt.map { "delivered \(ConsoleView.ago($0, now: now))" } ?? "delivered"
        case .dead: "gave up"
        }
        var values: [String: Any] = [
            "id": row.id.uuidString.lowercased(), "iso": ConsoleView.iso(row.createdAt), "created": ConsoleView.time(row.createdAt),
            "ago": ConsoleView.ago(row.createdAt, now: now), "receiver": row.receiver, "status": row.status.rawValue,
            "isReminder": row.kind == .reminder, "attempts": row.attempts, "events": row.events, "group": row.groupKey,
            "when": when, "dead": row.status == .dead, "back": back,
        ]
        values["lastError"] = row.lastError
        return values
    }

    /// `POST /deliveries/{id}/retry` (or `/deliveries/retry-dead`): queue dead deliveries again, due now.
    func retryFromForm(_ id: UUID?, _ session: ConsoleSession) async throws -> ConsoleResponse {
        let requeued = try await Outbox(database: database).requeueDead(id: id)
        logger.notice("dead deliveries queued again from the console", metadata: [
            "by": "\(session.principal.name)", "peer": "\(session.request.peer)", "requeued": "\(requeued)",
            "delivery": "\(id.map { $0.uuidString.lowercased() } ?? "all dead")",
        ])
        let notice: ConsoleNotice = requeued == 0 ? .nothingToRetry : id == nil ? .deliveriesRetried : .deliveryRetried
        return .redirect(to: Self.with(notice, Self.backLocation(session.request.form, fallback: "/deliveries?status=dead")))
    }
}
