/// How a partner's inbound webhooks (360dialog's Partner Webhook events, posted to
/// `webhook_listen`) authenticate, and how quickly their channels are re-read.
public struct PartnerWebhookConfig: Sendable {
    /// Platform secrets for `x-360dialog-signature` (several while one is rotated).
    public var secrets: [Secret]
    /// Basic credentials the partner configured with its webhook URL.
    public var basicAuth: BasicAuth?
    /// Events arriving within this window are re-read together.
    public var debounce: Duration
    /// A full poll asked for by an event (one that names nothing mappable, or a whole client)
    /// runs at most this often.
    public var minFullPollInterval: Duration

    /// A user name and password (the password is a secret).
    public struct BasicAuth: Sendable {
        public var username: String
        public var password: Secret

        public init(username: String, password: Secret) {
            self.username = username
            self.password = password
        }
    }

    public init(secrets: [Secret] = [], basicAuth: BasicAuth? = nil, debounce: Duration = .seconds(1),
                minFullPollInterval: Duration = .seconds(60)) {
        self.secrets = secrets
        self.basicAuth = basicAuth
        self.debounce = debounce
        self.minFullPollInterval = minFullPollInterval
    }
}
