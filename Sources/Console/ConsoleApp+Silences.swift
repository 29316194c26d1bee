import Alerting
import Foundation
import Inspection
import Recording

extension ConsoleApp {
    /// `/silences`: the form to create one (prefilled from `?match=…`, e.g. from an alert) and the list.
    func silencesPage(_ session: ConsoleSession, form: FormFields? = nil, problems: [String] = []) async throws -> ConsoleResponse {
        let query = session.request.query
        let unknown = query.names.subtracting(["match", "expired", "cursor", "notice"])
        if !unknown.isEmpty {
            throw ListingQueryError(problems: ["unknown parameter '\(unknown.sorted()[0])'; this page takes match, expired, cursor"])
        }
        let includeExpired = query["expired"] == "true"
        let cursor = try query.nonEmpty("cursor").map { text in
            guard let cursor = PageCursor(parsing: text) else {
                throw ListingQueryError(problems: ["cursor '\(text)' is not one this listing gave out; start again without it"])
            }
            return cursor
        }
        let now = session.now
        let page = SilenceAPI.page(try await silences.store.list(at: now, includeExpired: includeExpired), limit: 50, after: cursor)
        let entered = form ?? FormFields()
        var matchers = form.map { $0.all("match").filter { !$0.isEmpty } } ?? query.all("match")
        matchers += Array(repeating: "", count: max(1, 4 - matchers.count))
        var values: [String: Any] = [
            "matchers": matchers, "labels": session.context.silenceLabels.joined(separator: ", "),
            "duration": entered["duration"] ?? (form == nil ? "2h" : ""), "endsAt": entered["ends_at"] ?? "",
            "startsAt": entered["starts_at"] ?? "", "comment": entered["comment"] ?? "",
            "createdBy": entered["created_by"] ?? (session.principal.authenticated ? session.principal.name : ""),
            "listHeading": includeExpired ? "All silences" : "Active and pending silences",
            "toggleHref": includeExpired ? "/silences" : "/silences?expired=true",
            "toggleLabel": includeExpired ? "Hide expired silences" : "Show expired silences too",
        ]
        values["rows"] = page.rows.map { silence -> [String: Any] in
            let state = silence.state(at: now)
            return ["id": silence.id.uuidString.lowercased(), "state": state.rawValue,
                    "matchers": silence.matchers.map { "\($0.label)=\($0.written)" },
                    "starts": ConsoleView.time(silence.startsAt), "ends": ConsoleView.time(silence.endsAt),
                    "endsAgo": ConsoleView.ago(silence.endsAt, now: now), "comment": silence.comment,
                    "createdBy": silence.createdBy, "live": state != .expired]
        }
        values.merge(pagerValues("/silences", query, next: page.next)) { _, new in new }
        if !problems.isEmpty {
            values["hasProblems"] = true
            values["problemTitle"] = "The silence was not created:"
            values["problems"] = problems
        }
        return try await render("silences", page: "silences", title: "Silences", values, session, status: problems.isEmpty ? 200 : 400)
    }

    /// `POST /silences` from a form: created and back to where the form was, or the form again with every problem.
    func createSilenceFromForm(_ session: ConsoleSession) async throws -> ConsoleResponse {
        let form = session.request.form
        var problems: [String] = []
        var matchers: [(label: String, written: String)] = []
        for text in form.all("match").map({ $0.trimmingCharacters(in: .whitespaces) }) where !text.isEmpty {
            if let matcher = SilenceRequest.parseMatch(text) { matchers.append(matcher) } else {
                problems.append("'\(text)' is not a matcher: write label=value or label=~regex")
            }
        }
        let request = SilenceRequest(matchers: matchers, startsAt: form.nonEmpty("starts_at"), endsAt: form.nonEmpty("ends_at"),
                                     duration: form.nonEmpty("ends_at") == nil ? form.nonEmpty("duration") : nil,
                                     comment: form.nonEmpty("comment"), createdBy: form.nonEmpty("created_by") ?? session.author)
        switch session.context.validateSilence(request, session.now) {
        case .failure(let error):
            problems += error.problems
        case .success(let silence) where problems.isEmpty:
            try await silences.store.add(silence)
            logger.notice("silence created from the console", metadata: [
                "id": "\(silence.id.uuidString.lowercased())", "by": "\(silence.createdBy)", "peer": "\(session.request.peer)",
                "matchers": "\(silence.matchers.map { "\($0.label)=\($0.written)" }.joined(separator: " "))",
                "ends_at": "\(silence.endsAt.ISO8601Format())",
            ])
            return .redirect(to: Self.with(.silenceCreated, Self.backLocation(form, fallback: "/silences")))
        case .success:
            break
        }
        return try await silencesPage(session, form: form, problems: problems)
    }

    /// `POST /silences/{id}/expire` from a form.
    func expireSilenceFromForm(_ id: String, _ session: ConsoleSession) async throws -> ConsoleResponse {
        guard let uuid = UUID(uuidString: id) else {
            return page(message: "Not found", "There is no silence \(id).", status: 404, session)
        }
        let notice: ConsoleNotice
        switch try await silences.store.expire(uuid, at: session.now) {
        case .expired:
            logger.notice("silence expired from the console", metadata: [
                "id": "\(id.lowercased())", "by": "\(session.principal.name)", "peer": "\(session.request.peer)",
            ])
            notice = .silenceExpired
        case .alreadyExpired: notice = .silenceAlreadyExpired
        case .notFound: return page(message: "Not found", "There is no silence \(id).", status: 404, session)
        }
        return .redirect(to: Self.with(notice, Self.backLocation(session.request.form, fallback: "/silences")))
    }
}
