import Alerting

/// A webhook endpoint's answer, and what it means for the delivery.
public struct WebhookResponse: Sendable, Equatable {
    /// The HTTP status.
    public var status: Int
    /// The body text, kept (clipped) in reasons for failures.
    public var body: String
    /// The `Retry-After` delay, if the endpoint sent one.
    public var retryAfter: Duration?

    /// Creates a response value.
    public init(status: Int, body: String, retryAfter: Duration? = nil) {
        self.status = status
        self.body = body
        self.retryAfter = retryAfter
    }

    /// Any 2xx is delivered; 408, 429 and 5xx are retried (honouring `Retry-After`); every other
    /// status (4xx, and 1xx/3xx which a POST endpoint should never answer) is dead at once.
    ///
    /// - Parameters:
    ///   - receiver: how the reason names the receiver (already redacted).
    ///   - secrets: strings to mask if the body echoes them (URL parts, the signing secret).
    public func outcome(receiver: String, secrets: [String]) -> DeliveryOutcome {
        outcome(receiver: receiver, reasonText: ReasonText(secrets: secrets))
    }

    func outcome(receiver: String, reasonText: ReasonText) -> DeliveryOutcome {
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        let said = trimmed.isEmpty ? "" : ": '\(reasonText.excerpt(of: trimmed))'"
        switch status {
        case 200...299:
            return .delivered
        case 408, 429, 500...599:
            let wait = retryAfter.map { ", retrying after \($0)" } ?? ", retrying"
            return .retry(after: retryAfter, reason: "\(receiver): HTTP \(status)\(said)\(wait)")
        case 300...399:
            return .dead(reason: "\(receiver): HTTP \(status) redirect\(said); redirects are not followed, "
                + "configure the final URL")
        default:
            return .dead(reason: "\(receiver): HTTP \(status)\(said); the endpoint refused the payload, "
                + "check its URL, secret and logs")
        }
    }
}
