import Alerting

/// Slack's answer to an incoming-webhook post, and what it means for the delivery.
///
/// Pure, so every branch is tested with plain values as well as against a real server.
public struct SlackResponse: Sendable, Equatable {
    /// The HTTP status.
    public var status: Int
    /// The body text: `ok` on success, an error code such as `channel_not_found` otherwise.
    public var body: String
    /// The `Retry-After` delay, if Slack sent one.
    public var retryAfter: Duration?

    /// Creates a response value.
    public init(status: Int, body: String, retryAfter: Duration? = nil) {
        self.status = status
        self.body = body
        self.retryAfter = retryAfter
    }

    /// Classifies the answer.
    ///
    /// - 200 `ok`: delivered.
    /// - 429: retry, not before `Retry-After`. 408 and 5xx: retry (Slack or a proxy is struggling).
    /// - 200 with any other body: dead. Slack's webhooks answer errors with 4xx/5xx, so this
    ///   means the URL points at something that is not a Slack webhook (a captive portal, a
    ///   proxy's page); retrying for a day would not fix that, and if Slack did post, a retry
    ///   would post twice.
    /// - Any other status: dead, with Slack's error code (the body, clipped and scrubbed) kept.
    ///
    /// - Parameters:
    ///   - receiver: how the reason names the receiver (already redacted).
    ///   - secrets: strings to mask if the body echoes them (the webhook URL and its parts).
    public func outcome(receiver: String, secrets: [String]) -> DeliveryOutcome {
        outcome(receiver: receiver, reasonText: ReasonText(secrets: secrets))
    }

    func outcome(receiver: String, reasonText: ReasonText) -> DeliveryOutcome {
        let trimmed = body.trimmingCharacters(in: .whitespacesAndNewlines)
        let said = trimmed.isEmpty ? "an empty body" : "'\(reasonText.excerpt(of: trimmed))'"
        switch status {
        case 200 where trimmed == "ok":
            return .delivered
        case 200:
            return .dead(reason: "\(receiver): HTTP 200 with \(said) instead of 'ok'; "
                + "check that the URL is a Slack incoming webhook")
        case 429:
            let wait = retryAfter.map { ", retrying after \($0)" } ?? ""
            return .retry(after: retryAfter, reason: "\(receiver): rate limited by Slack (HTTP 429\(wait))")
        case 408, 500...599:
            return .retry(after: retryAfter, reason: "\(receiver): HTTP \(status) with \(said); Slack is having trouble, retrying")
        default:
            return .dead(reason: "\(receiver): HTTP \(status) \(said). \(Self.advice(forError: trimmed))")
        }
    }

    /// What the operator can do about Slack's documented webhook errors.
    static func advice(forError code: String) -> String {
        switch code {
        case "channel_not_found":
            "The webhook's channel no longer exists; create a new incoming webhook and update the receiver's url."
        case "channel_is_archived":
            "The webhook's channel is archived; unarchive it or create a webhook for another channel."
        case "invalid_token", "no_service", "no_team", "team_disabled", "no_service_id":
            "The webhook was revoked or disabled; create a new incoming webhook and update the receiver's url."
        case "action_prohibited", "posting_to_general_channel_denied":
            "A workspace admin restricted posting to that channel; ask them or pick another channel."
        case "invalid_payload", "invalid_blocks", "invalid_blocks_format", "too_many_attachments":
            "Slack rejected the message format; this is a ChannelWatch bug, please report it."
        default:
            "Slack refused the message; check the receiver's url and the Slack app's configuration."
        }
    }
}
