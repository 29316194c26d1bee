import Foundation
import Inspection

extension ConsoleApp {
    /// The values the layout shows on every page: the navigation, the counts beside it, who is
    /// signed in, the form token.
    func layoutValues(_ session: ConsoleSession, page: String, title: String, summary: Inspection.Summary?) -> [String: Any] {
        var values: [String: Any] = ["title": title, "nav": [page: true], "csrf": session.csrf]
        if session.principal.authenticated { values["principal"] = session.principal.name }
        if let summary { values["summary"] = Self.summaryValues(summary) }
        if let notice = session.request.query["notice"].flatMap(ConsoleNotice.init(rawValue:)) {
            values["notice"] = notice.text
        }
        return values
    }

    static func summaryValues(_ summary: Inspection.Summary) -> [String: Any] {
        [
            "firing": ConsoleView.number(summary.firing), "hasFiring": summary.firing > 0,
            "dead": ConsoleView.number(summary.deadDeliveries), "hasDead": summary.deadDeliveries > 0,
            "pending": ConsoleView.number(summary.pendingDeliveries),
            "silences": ConsoleView.number(summary.activeSilences), "hasSilences": summary.activeSilences > 0,
            "inbound": ConsoleView.number(summary.inboundLastDay),
        ]
    }

    /// A page: the layout's values, the counts, and `values` rendered with `template`.
    func render(_ template: String, page: String, title: String, _ values: [String: Any], _ session: ConsoleSession,
                status: Int = 200, summary known: Inspection.Summary? = nil) async throws -> ConsoleResponse {
        let summary = if let known { known } else { try await inspection.summary() }
        var all = layoutValues(session, page: page, title: title, summary: summary)
        all.merge(values) { _, new in new }
        let started = ContinuousClock.now
        var response = ConsoleResponse.html(ConsoleView.render(template, all), status: status)
        // The template's share of the answer's time, beside the total that respond() adds.
        response.headers.append(("Server-Timing", "render;dur=\(ConsoleView.milliseconds(since: started))"))
        return response
    }

    /// A short page saying what went wrong (no database query: the database may be what failed).
    func page(message heading: String, _ text: String, status: Int, _ session: ConsoleSession) -> ConsoleResponse {
        var values = layoutValues(session, page: "", title: heading, summary: nil)
        values["heading"] = heading
        values["text"] = text
        return .html(ConsoleView.render("message", values), status: status)
    }

    /// The same, before anyone is known to have signed in.
    func page(message heading: String, _ text: String, status: Int, _ request: ConsoleRequest, _ context: ConsoleContext,
              principal: AccessControl.Principal?) -> ConsoleResponse {
        let session = ConsoleSession(request: request, principal: principal ?? .init(name: "", authenticated: false),
                                     context: context)
        return page(message: heading, text, status: status, session)
    }

    /// The pager under a listing: the newest page, and the next older one when there is one.
    func pagerValues(_ path: String, _ query: FormFields, next: PageCursor?) -> [String: Any] {
        var values: [String: Any] = [:]
        let base = query.setting("cursor", to: nil).setting("notice", to: nil)
        if query["cursor"] != nil { values["newestHref"] = ConsoleView.link(path, base) }
        if let next { values["olderHref"] = ConsoleView.link(path, base.setting("cursor", to: next.description)) }
        return values
    }

    /// Where a form sends the browser back to: a path of the console (never another site), else `fallback`.
    static func backLocation(_ form: FormFields, fallback: String) -> String {
        guard let back = form["back"], back.hasPrefix("/"), !back.hasPrefix("//"), !back.contains("\\"),
              !back.contains(where: { $0.isNewline }) else { return fallback }
        return back
    }

    /// `location` with `?notice=` (or `&notice=`) added.
    static func with(_ notice: ConsoleNotice, _ location: String) -> String {
        let parts = location.split(separator: "?", maxSplits: 1)
        let fields = FormFields(parsing: parts.count > 1 ? String(parts[1]) : "").setting("notice", to: notice.rawValue)
        return ConsoleView.link(String(parts[0]), fields)
    }
}

/// What a form's change did, said on the page the browser is sent back to. A fixed list: the
/// query string never carries text to show.
enum ConsoleNotice: String {
    case silenceCreated = "silence-created"
    case silenceExpired = "silence-expired"
    case silenceAlreadyExpired = "silence-already-expired"
    case deliveryRetried = "delivery-retried"
    case deliveriesRetried = "deliveries-retried"
    case nothingToRetry = "nothing-to-retry"

    var text: String {
        switch self {
        case .silenceCreated: "Silence created. Matching events are recorded but not sent while it lasts."
        case .silenceExpired: "Silence expired. Alerts it held back that still fire are notified by the next poll."
        case .silenceAlreadyExpired: "That silence had already ended; nothing changed."
        case .deliveryRetried: "Delivery queued again, due now."
        case .deliveriesRetried: "Dead deliveries queued again, due now."
        case .nothingToRetry: "Nothing to retry: the delivery is no longer dead."
        }
    }
}
