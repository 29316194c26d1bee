import Foundation

/// What a request asks for, read from its method and path alone.
enum ConsoleRoute: Equatable {
    // Pages (GET).
    case overview, alerts, alert(UUID), events, deliveries, silences, webhooks, stylesheet
    // Form actions (POST, with a CSRF token); each answers with a redirect.
    case createSilenceForm, expireSilenceForm(String), retryDeliveryForm(UUID), retryDeadForm
    // The JSON API.
    case api(API)
    case notFound
    /// The path exists but not with this method; the allowed ones.
    case methodNotAllowed([String])

    enum API: Equatable {
        case partners, alerts, alert(String), events, deliveries, retryDelivery(String), silences, createSilence,
             expireSilence(String), webhooks
    }

    init(method: String, segments: [String]) {
        let get = method == "GET" || method == "HEAD"
        func only(_ allowed: String, _ route: ConsoleRoute) -> ConsoleRoute {
            (allowed == "GET" ? get : method == allowed) ? route : .methodNotAllowed([allowed])
        }
        func readOrCreate(_ read: ConsoleRoute, _ create: ConsoleRoute) -> ConsoleRoute {
            get ? read : method == "POST" ? create : .methodNotAllowed(["GET", "POST"])
        }
        let path = segments.joined(separator: "/")
        let last = segments.last ?? ""
        switch (segments.count, segments.first ?? "") {
        case (0, _): self = only("GET", .overview)
        case (1, _):
            switch path {
            case "alerts": self = only("GET", .alerts)
            case "events": self = only("GET", .events)
            case "deliveries": self = only("GET", .deliveries)
            case "silences": self = readOrCreate(.silences, .createSilenceForm)
            case "webhooks": self = only("GET", .webhooks)
            default: self = .notFound
            }
        case (2, "static") where path == "static/console.css": self = only("GET", .stylesheet)
        case (2, "alerts"): self = UUID(uuidString: last).map { only("GET", .alert($0)) } ?? .notFound
        case (2, "deliveries") where last == "retry-dead": self = only("POST", .retryDeadForm)
        case (3, "deliveries") where last == "retry":
            self = UUID(uuidString: segments[1]).map { only("POST", .retryDeliveryForm($0)) } ?? .notFound
        case (3, "silences") where last == "expire": self = only("POST", .expireSilenceForm(segments[1]))
        case (_, "api") where segments.count >= 3 && segments[1] == "v1": self = Self.api(Array(segments.dropFirst(2)), only, readOrCreate)
        default: self = .notFound
        }
    }

    private static func api(_ rest: [String], _ only: (String, ConsoleRoute) -> ConsoleRoute,
                            _ readOrCreate: (ConsoleRoute, ConsoleRoute) -> ConsoleRoute) -> ConsoleRoute {
        switch (rest.count, rest[0]) {
        case (1, "partners"): only("GET", .api(.partners))
        case (1, "alerts"): only("GET", .api(.alerts))
        case (1, "events"): only("GET", .api(.events))
        case (1, "deliveries"): only("GET", .api(.deliveries))
        case (1, "webhooks"): only("GET", .api(.webhooks))
        case (1, "silences"): readOrCreate(.api(.silences), .api(.createSilence))
        case (2, "alerts"): only("GET", .api(.alert(rest[1])))
        case (2, "silences"): only("DELETE", .api(.expireSilence(rest[1])))
        case (3, "deliveries") where rest[2] == "retry": only("POST", .api(.retryDelivery(rest[1])))
        default: .notFound
        }
    }

    /// Whether the answer is JSON (API routes) rather than a page.
    var isAPI: Bool {
        if case .api = self { return true }
        return false
    }

    /// Whether this is a page's form action, which needs a CSRF token.
    var isFormAction: Bool {
        switch self {
        case .createSilenceForm, .expireSilenceForm, .retryDeliveryForm, .retryDeadForm: true
        default: false
        }
    }
}
