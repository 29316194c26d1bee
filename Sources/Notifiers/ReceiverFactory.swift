import Alerting
import Config
import Curl

/// Builds the receiver a configuration entry describes.
public enum ReceiverFactory {
    /// The receiver for `config`, named as configured.
    ///
    /// - Parameters:
    ///   - httpClient: shared by Slack and webhook receivers (one connection pool).
    ///   - smtpClient: used by email receivers.
    public static func make(_ config: ReceiverConfig, httpClient: HTTPClient = .shared,
                            smtpClient: SMTPClient = .shared) -> any Receiver {
        switch config.kind {
        case .slack(let url):
            SlackReceiver(name: config.name, url: url, client: httpClient)
        case .email(let settings):
            EmailReceiver(name: config.name, settings: settings, recipients: config.recipients, client: smtpClient)
        case .webhook(let url, let secret):
            WebhookReceiver(name: config.name, url: url, secret: secret, recipients: config.recipients, client: httpClient)
        case .console:
            ConsoleReceiver(name: config.name)
        case .pagerduty(let settings):
            PagerDutyReceiver(name: config.name, settings: settings, client: httpClient)
        case .msteams(let url):
            TeamsReceiver(name: config.name, url: url, client: httpClient)
        case .telegram(let settings):
            TelegramReceiver(name: config.name, settings: settings, client: httpClient)
        case .alertmanager(let settings):
            AlertmanagerReceiver(name: config.name, settings: settings, client: httpClient)
        }
    }

    /// Every configured receiver, in configuration order.
    public static func make(_ configs: [ReceiverConfig], httpClient: HTTPClient = .shared,
                            smtpClient: SMTPClient = .shared) -> [any Receiver] {
        configs.map { make($0, httpClient: httpClient, smtpClient: smtpClient) }
    }
}
