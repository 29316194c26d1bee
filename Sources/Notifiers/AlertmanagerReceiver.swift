import Alerting
import Config
import Curl
import Foundation

/// Forwards events to an existing Prometheus Alertmanager (`POST {url}/api/v2/alerts`), with
/// basic authentication or a bearer token when configured.
public struct AlertmanagerReceiver: Receiver {
    public let name: String
    private let settings: AlertmanagerSettings
    private let client: HTTPClient
    private let timeout: Duration
    private let now: @Sendable () -> Date

    /// - Parameter now: the clock a firing alert's `endsAt` counts from (a week after the later
    ///   of its start and now, so each reminder keeps it open).
    public init(name: String, settings: AlertmanagerSettings, client: HTTPClient = .shared, timeout: Duration = .seconds(15),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.name = name
        self.settings = settings
        self.client = client
        self.timeout = timeout
        self.now = now
    }

    public func deliver(_ notification: NotificationPayload, kind: DeliveryKind) async -> DeliveryOutcome {
        let label = "alertmanager receiver '\(name)'"
        let body: Data
        do {
            body = try AlertmanagerAlerts(notification, consoleURL: settings.consoleURL, sentAt: now()).encoded()
        } catch {
            return .dead(reason: "\(label): could not encode the alerts: \(error)")
        }
        var headers = [HTTPHeader(name: "Content-Type", value: "application/json")]
        var secrets: [String] = []
        if let auth = settings.basicAuth {
            let pair = Data("\(auth.username):\(auth.password.revealed)".utf8).base64EncodedString()
            headers.append(HTTPHeader(name: "Authorization", value: "Basic \(pair)"))
            secrets += [auth.password.revealed, pair]
        } else if let bearer = settings.bearerToken {
            headers.append(HTTPHeader(name: "Authorization", value: "Bearer \(bearer.revealed)"))
            secrets.append(bearer.revealed)
        }
        let post = ReceiverPost(url: Secret(settings.url + "/api/v2/alerts"), service: .alertmanager, label: label,
                                client: client, timeout: timeout, reasonText: ReasonText(secrets: secrets), redaction: .standard)
        return await post.send(body, headers: headers)
    }
}

extension ReceiverService {
    /// Alertmanager's API v2: 200 is accepted; 400 names the invalid alert; 5xx is retried.
    public static let alertmanager = ReceiverService(name: "Alertmanager", urlKind: "base URL") { body in
        if body.isEmpty { return "Alertmanager refused the alerts; check the receiver's url and authentication." }
        return "Alertmanager refused the alerts; check the receiver's url (the base URL, without /api/v2) and authentication."
    }
}
