import Alerting

/// An HTTP receiver's answer, classified the same way for every receiver: the status decides
/// delivered, retry (not before `Retry-After`) or dead, and a receiver states only what its
/// service does differently (a ``ReceiverService``), as Alertmanager's notifiers share one
/// `Retrier`.
///
/// - 2xx: delivered once the service's body check passes (Slack answers `ok`). A 2xx with any
///   other body means the URL points at something that is not that service (a captive portal, a
///   proxy's page): dead, since retrying for a day would not fix that, and if the service did
///   post, a retry would post twice.
/// - 408, 429 and 5xx: retried, not before `Retry-After`.
/// - 3xx: dead; redirects are not followed, the receiver needs the final URL.
/// - Any other status: dead, with the body (clipped, secrets masked) and the service's advice
///   for the error it names.
///
/// Pure, so every branch is tested with plain values as well as against a real server.
public struct ReceiverResponse: Sendable, Equatable {
    /// The HTTP status.
    public var status: Int
    /// The body text.
    public var body: String
    /// The `Retry-After` delay, if the server sent one.
    public var retryAfter: Duration?

    /// Creates a response value.
    public init(status: Int, body: String, retryAfter: Duration? = nil) {
        self.status = status
        self.body = body
        self.retryAfter = retryAfter
    }

    /// Classifies the answer of `service`.
    ///
    /// - Parameters:
    ///   - receiver: how the reason names the receiver (already redacted).
    ///   - secrets: strings to mask if the body echoes them (URL parts, signing secrets).
    public func outcome(_ service: ReceiverService, receiver: String, secrets: [String]) -> DeliveryOutcome {
        outcome(service, receiver: receiver, reasonText: ReasonText(secrets: secrets))
    }

    func outcome(_ service: ReceiverService, receiver: String, reasonText: ReasonText) -> DeliveryOutcome {
        if (200...299).contains(status), service.expectedBody == nil, service.acceptsBody == nil { return .delivered }
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        let said = trimmed.isEmpty ? "" : ": '\(reasonText.excerpt(of: trimmed))'"
        let who = service.name ?? "the endpoint"
        switch status {
        case 200...299:
            if let accepts = service.acceptsBody, accepts(trimmed) { return .delivered }
            if let expected = service.expectedBody, trimmed == expected { return .delivered }
            let instead = trimmed.isEmpty ? "an empty body" : "'\(reasonText.excerpt(of: trimmed))'"
            return .dead(reason: "\(receiver): HTTP \(status) with \(instead) instead of \(service.expectedDescription); "
                + "check that the URL is a \(who) \(service.urlKind)")
        case 429:
            let delay = retryAfter ?? service.retryAfterInBody?(trimmed)
            let wait = delay.map { ", retrying after \($0)" } ?? ""
            return .retry(after: delay, reason: "\(receiver): rate limited by \(who) (HTTP 429\(wait))\(said)")
        case 408, 500...599:
            let wait = retryAfter.map { " after \($0)" } ?? ""
            return .retry(after: retryAfter, reason: "\(receiver): HTTP \(status)\(said); \(who) is having trouble, retrying\(wait)")
        case 300...399:
            return .dead(reason: "\(receiver): HTTP \(status) redirect\(said); redirects are not followed, "
                + "configure the final URL")
        default:
            return .dead(reason: "\(receiver): HTTP \(status)\(said). \(service.advice(trimmed))")
        }
    }
}

/// What one kind of receiver's service answers differently from a plain HTTP endpoint.
public struct ReceiverService: Sendable {
    /// The service's name in reasons (`Slack`); nil for a plain endpoint.
    public var name: String?
    /// What the URL should be, in the advice for a 2xx that is not the service's (`incoming webhook`).
    public var urlKind: String
    /// The body a 2xx must carry to count as delivered; nil when any 2xx is delivered.
    public var expectedBody: String?
    /// Whether a 2xx body (trimmed) counts as delivered, for services whose success body varies
    /// (Telegram's JSON `ok: true`, Teams' `1` or nothing); nil to use ``expectedBody``.
    public var acceptsBody: (@Sendable (_ body: String) -> Bool)?
    /// How the success body reads in reasons when ``acceptsBody`` refuses one.
    public var acceptedDescription: String?
    /// The wait a 429's body asks for, when the service says it there (Telegram's
    /// `parameters.retry_after`) rather than in `Retry-After`.
    public var retryAfterInBody: (@Sendable (_ body: String) -> Duration?)?
    /// What the operator can do about a refused notification, given the (trimmed) body.
    public var advice: @Sendable (_ body: String) -> String

    /// Creates a service description.
    public init(name: String?, urlKind: String = "URL", expectedBody: String? = nil,
                acceptsBody: (@Sendable (_ body: String) -> Bool)? = nil, acceptedDescription: String? = nil,
                retryAfterInBody: (@Sendable (_ body: String) -> Duration?)? = nil,
                advice: @escaping @Sendable (_ body: String) -> String) {
        self.name = name
        self.urlKind = urlKind
        self.expectedBody = expectedBody
        self.acceptsBody = acceptsBody
        self.acceptedDescription = acceptedDescription
        self.retryAfterInBody = retryAfterInBody
        self.advice = advice
    }

    /// `'ok'`, or the description of what ``acceptsBody`` accepts.
    var expectedDescription: String {
        acceptedDescription ?? expectedBody.map { "'\($0)'" } ?? "a success answer"
    }

    /// A webhook endpoint of the partner's own: any 2xx is delivered.
    public static let webhook = ReceiverService(name: nil) { _ in
        "The endpoint refused the payload; check its URL, secret and logs."
    }
}
