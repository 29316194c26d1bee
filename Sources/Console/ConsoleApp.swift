import Config
import Foundation
import Inspection
import Logging
import Outbox
import Postgres
import Recording

/// The web console and the JSON API behind `listen`: decides who may ask, routes, queries
/// through ``Inspection`` (the same queries as the CLI's `alerts`, `events`, `deliveries` and
/// `webhooks`), renders, and puts the security headers on every answer.
///
/// Pages work without JavaScript: filters are GET forms, changes are POST forms carrying a CSRF
/// token, each answered with a redirect to the page that shows the change.
public struct ConsoleApp: Sendable {
    let database: PostgresClient
    let inspection: Inspection
    let silences: SilenceAPI
    let access: AccessControl
    let context: @Sendable () -> ConsoleContext
    let logger: Logger

    /// A console over `database`; `context` is asked at every request, so a reload takes effect at once.
    public init(database: PostgresClient, access: AccessControl = AccessControl(), logger: Logger,
                context: @escaping @Sendable () -> ConsoleContext) {
        self.database = database
        self.inspection = Inspection(database: database)
        self.silences = SilenceAPI(store: SilenceStore(database: database))
        self.access = access
        self.context = context
        self.logger = logger
    }

    /// Why `request` may not read what `listen` serves besides the console (`/metrics`): a 401
    /// or 403 to send; nil when it may.
    public func refusal(_ request: ConsoleRequest) async -> ConsoleResponse? {
        switch await access.verdict(for: request, auth: context().httpAuth) {
        case .allowed: return nil
        case .unauthenticated(let challenge):
            var response = ConsoleResponse.text("401 Unauthorized: http_auth credentials required\n", status: 401)
            response.headers.append(("WWW-Authenticate", challenge))
            return response
        case .forbidden(let reason): return .text("403 Forbidden: \(reason)\n", status: 403)
        }
    }

    /// Whether `request` may read the console (anyone may without `http_auth`).
    public func mayRead(_ request: ConsoleRequest) async -> Bool {
        guard let auth = context().httpAuth else { return true }
        if case .allowed = await access.verdict(for: request, auth: auth) { return true }
        return false
    }

    /// Bodies larger than this are refused unread (413).
    public static let maximumBodyBytes = 64 * 1024

    /// The answer to `request`, security headers and `Server-Timing` included.
    public func respond(to request: ConsoleRequest) async -> ConsoleResponse {
        let started = ContinuousClock.now
        let context = self.context()
        let route = ConsoleRoute(method: request.method, segments: request.segments)
        let wantsJSON = route.isAPI || request.segments.first == "api"
        var response: ConsoleResponse
        switch await access.verdict(for: request, auth: context.httpAuth) {
        case .unauthenticated(let challenge):
            if request.header("authorization") != nil {
                // Credentials that do not match are worth an operator's eye (a typo, or someone guessing); never the password.
                logger.warning("console: credentials refused", metadata: [
                    "peer": "\(request.peer)", "path": "/\(request.segments.joined(separator: "/"))",
                    "user": "\(AccessControl.basicUsername(request) ?? "(bearer token)")",
                ])
            }
            response = wantsJSON
                ? .jsonError(401, "credentials required: HTTP Basic (an http_auth user) or Authorization: Bearer (an http_auth token)")
                : ConsoleResponse.text("401 Unauthorized: sign in with an http_auth user\n", status: 401)
            response.headers.append(("WWW-Authenticate", challenge))
        case .forbidden(let reason):
            response = wantsJSON ? .jsonError(403, reason) : page(message: "Not allowed", reason, status: 403, request, context,
                                                                   principal: nil)
        case .allowed(let principal):
            var session = ConsoleSession(request: request, principal: principal, context: context)
            response = await answer(route, &session, wantsJSON: wantsJSON)
            if !session.hadCSRFCookie, response.header("Content-Type")?.hasPrefix("text/html") == true {
                response.headers.append(("Set-Cookie", CSRFToken.setCookie(session.csrf)))
            }
        }
        Self.addSecurityHeaders(&response, stylesheet: route == .stylesheet)
        response.headers.append(("Server-Timing", "app;dur=\(ConsoleView.milliseconds(since: started))"))
        if request.method == "HEAD" { response.body = Data() }
        return response
    }

    private func answer(_ route: ConsoleRoute, _ session: inout ConsoleSession, wantsJSON: Bool) async -> ConsoleResponse {
        let request = session.request
        if request.body.count > Self.maximumBodyBytes {
            return wantsJSON ? .jsonError(413, "the body is larger than 64 KiB")
                : page(message: "Too large", "The form is larger than 64 KiB.", status: 413, session)
        }
        if route.isFormAction && !CSRFToken.isValid(request) {
            return page(message: "Form expired", "The form's security token is missing or does not match this browser's; "
                        + "reload the page and submit it again.", status: 403, session)
        }
        do {
            switch route {
            case .stylesheet:
                return ConsoleResponse.text(ConsoleStylesheet.text, status: 200, contentType: "text/css; charset=utf-8")
            case .overview: return try await overviewPage(session)
            case .alerts: return try await alertsPage(session)
            case .alert(let id): return try await alertPage(id, session)
            case .events: return try await eventsPage(session)
            case .deliveries: return try await deliveriesPage(session)
            case .silences: return try await silencesPage(session)
            case .webhooks: return try await webhooksPage(session)
            case .createSilenceForm: return try await createSilenceFromForm(session)
            case .expireSilenceForm(let id): return try await expireSilenceFromForm(id, session)
            case .retryDeliveryForm(let id): return try await retryFromForm(id, session)
            case .retryDeadForm: return try await retryFromForm(nil, session)
            case .api(let api): return await answerAPI(api, session)
            case .notFound:
                return wantsJSON ? .jsonError(404, "no such resource; the API is under /api/v1/ (partners, alerts, events, deliveries, silences, webhooks)")
                    : page(message: "Not found", "There is no such page.", status: 404, session)
            case .methodNotAllowed(let allowed):
                var response = wantsJSON ? ConsoleResponse.jsonError(405, "use \(allowed.joined(separator: " or ")) here")
                    : ConsoleResponse.text("405 Method Not Allowed\n", status: 405)
                response.headers.append(("Allow", allowed.joined(separator: ", ")))
                return response
            }
        } catch let error as ListingQueryError {
            return wantsJSON ? .jsonError(400, error.message, problems: error.problems)
                : page(message: "Invalid filter", error.message, status: 400, session)
        } catch {
            logger.error("console: the database could not be read: \(error)")
            return wantsJSON ? .jsonError(503, "the database could not be read; try again")
                : page(message: "Database unavailable", "The database could not be read; try again in a moment.",
                       status: 503, session)
        }
    }

    /// Headers on every answer: no framing, no sniffing, no inline script or style, forms only to
    /// the console itself; nothing cached but the stylesheet.
    static func addSecurityHeaders(_ response: inout ConsoleResponse, stylesheet: Bool) {
        response.headers += [
            ("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                + "frame-ancestors 'none'; base-uri 'none'"),
            ("X-Frame-Options", "DENY"),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "same-origin"),
            ("Cross-Origin-Opener-Policy", "same-origin"),
            ("Cache-Control", stylesheet ? "private, max-age=3600" : "no-store"),
        ]
    }
}

/// One request being answered: who asked, under which configuration, and the CSRF token its
/// forms carry (the browser's, or a new one set with the page).
struct ConsoleSession {
    let request: ConsoleRequest
    let principal: AccessControl.Principal
    let context: ConsoleContext
    let csrf: String
    let hadCSRFCookie: Bool
    let now = Date()

    init(request: ConsoleRequest, principal: AccessControl.Principal, context: ConsoleContext) {
        self.request = request
        self.principal = principal
        self.context = context
        if let cookie = request.cookies[CSRFToken.cookieName], cookie.count == 64, cookie.allSatisfy(\.isHexDigit) {
            csrf = cookie
            hadCSRFCookie = true
        } else {
            csrf = CSRFToken.make()
            hadCSRFCookie = false
        }
    }

    /// Who to name as a silence's author when the form leaves it empty.
    var author: String {
        principal.authenticated ? principal.name : "console (\(request.peer.isEmpty ? "loopback" : request.peer))"
    }
}
