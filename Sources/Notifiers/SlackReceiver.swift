import Alerting
import Config
import Curl
import Foundation

/// A Slack incoming webhook: posts a ``SlackMessage`` and classifies Slack's answer.
///
/// The webhook URL is the credential, so it is only ever revealed to libcurl; reasons and
/// errors show `https://hooks.slack.com/***` at most.
public struct SlackReceiver: Receiver {
    /// The receiver's configured name.
    public let name: String
    private let url: Secret
    private let client: HTTPClient
    private let timeout: Duration

    /// Creates a receiver posting to `url`.
    ///
    /// - Parameters:
    ///   - client: the HTTP client (shared connection pool by default).
    ///   - timeout: limit for the whole request; a slower answer is retried later.
    public init(name: String, url: Secret, client: HTTPClient = .shared, timeout: Duration = .seconds(15)) {
        self.name = name
        self.url = url
        self.client = client
        self.timeout = timeout
    }

    /// Posts the notification; see ``ReceiverService/slack`` for how the answer is classified.
    public func deliver(_ notification: NotificationPayload, kind: DeliveryKind) async -> DeliveryOutcome {
        let reasonText = ReasonText(secrets: ReasonText.secrets(inCredentialURL: url.revealed))
        let label = "slack receiver '\(name)'"
        let body: Data
        do {
            body = try SlackMessage(notification, kind: kind).encoded()
        } catch {
            return .dead(reason: "\(label): could not encode the Slack message: \(error)")
        }
        let post = ReceiverPost(url: url, service: .slack, label: label, client: client, timeout: timeout,
                                reasonText: reasonText)
        return await post.send(body, headers: [HTTPHeader(name: "Content-Type", value: "application/json; charset=utf-8")])
    }
}
