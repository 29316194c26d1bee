import Alerting
import Config
import Curl
import Foundation

/// A Microsoft Teams incoming webhook or Workflows ("Post to a channel when a webhook request is
/// received") URL: one message with an Adaptive Card per notification.
///
/// The URL is the credential: reasons show its host only.
public struct TeamsReceiver: Receiver {
    public let name: String
    private let url: Secret
    private let client: HTTPClient
    private let timeout: Duration

    public init(name: String, url: Secret, client: HTTPClient = .shared, timeout: Duration = .seconds(15)) {
        self.name = name
        self.url = url
        self.client = client
        self.timeout = timeout
    }

    public func deliver(_ notification: NotificationPayload, kind: DeliveryKind) async -> DeliveryOutcome {
        let label = "msteams receiver '\(name)'"
        let body: Data
        do {
            body = try TeamsMessage(notification, kind: kind).body
        } catch {
            return .dead(reason: "\(label): could not encode the Teams card: \(error)")
        }
        let post = ReceiverPost(url: url, service: .teams, label: label, client: client, timeout: timeout,
                                reasonText: ReasonText(secrets: ReasonText.secrets(inCredentialURL: url.revealed)))
        let outcome = await post.send(body, headers: [HTTPHeader(name: "Content-Type", value: "application/json")])
        // Legacy connectors answer 200 even when Teams refused, with the error as text; a
        // throttled one says 429 there.
        if case .dead(let reason) = outcome, reason.contains("HTTP 200"), reason.contains("429") {
            return .retry(after: nil, reason: reason)
        }
        return outcome
    }
}

extension ReceiverService {
    /// Teams: Workflows URLs answer 202 with no body, legacy connectors 200 with body `1`; 429
    /// (with `Retry-After`) and 5xx are retried.
    public static let teams = ReceiverService(
        name: "Microsoft Teams", urlKind: "incoming webhook or Workflows URL",
        acceptsBody: { $0.isEmpty || $0 == "1" }, acceptedDescription: "'1' or an empty body",
        advice: { body in
            if body.contains("ConnectorConfiguration") || body.contains("not found") || body.contains("NotFound") {
                return "The webhook was removed from the channel; create a new one and update the receiver's url."
            }
            if body.contains("too large") || body.contains("413") {
                return "Teams refused the card's size; this is a ChannelWatch bug, please report it."
            }
            return "Teams refused the message; check the receiver's url (an incoming webhook or Workflows URL)."
        })
}
