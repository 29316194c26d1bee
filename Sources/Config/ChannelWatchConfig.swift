import JSON

/// The whole configuration file, validated and with `${VAR}` and `_file` secrets resolved.
public struct ChannelWatchConfig: Sendable {
    /// The file it was read from.
    public var file: String
    /// The partners whose channels are polled, in file order.
    public var partners: [PartnerConfig]
    /// Where the state lives.
    public var database: DatabaseConfig
    /// Poll schedule and failure threshold.
    public var poll: PollConfig
    /// Rule files and directories, resolved against the config file's directory.
    public var rules: [String]
    /// `host:port` of the health, readiness and metrics endpoint; `nil` disables it.
    public var listen: String?
    /// Where notifications go.
    public var receivers: [ReceiverConfig]
    /// Which receivers get which events.
    public var routes: [RouteConfig]
    /// How long a delivery keeps being retried before it is dead.
    public var maxDeliveryAge: Duration
    /// `host:port` where 360dialog's partner webhooks are received; `nil` (the default) disables
    /// it. Separate from ``listen`` so that the public endpoint exposes nothing else.
    public var webhookListen: String?
    /// While a source alert fires, matching target events are not delivered.
    public var inhibitRules: [InhibitRuleConfig]
    /// Who may use the console, the JSON API and `/metrics`; `nil`: anyone who reaches `listen`
    /// may read, and only loopback may change (silences, retries).
    public var httpAuth: HTTPAuthConfig?

    public init(file: String = "(in code)", partners: [PartnerConfig], database: DatabaseConfig,
                poll: PollConfig = PollConfig(), rules: [String], listen: String? = nil,
                receivers: [ReceiverConfig] = [], routes: [RouteConfig] = [], maxDeliveryAge: Duration = .seconds(86_400),
                webhookListen: String? = nil, inhibitRules: [InhibitRuleConfig] = [], httpAuth: HTTPAuthConfig? = nil) {
        self.file = file
        self.partners = partners
        self.database = database
        self.poll = poll
        self.rules = rules
        self.listen = listen
        self.receivers = receivers
        self.routes = routes
        self.maxDeliveryAge = maxDeliveryAge
        self.webhookListen = webhookListen
        self.inhibitRules = inhibitRules
        self.httpAuth = httpAuth
    }
}

/// One 360dialog partner account.
public struct PartnerConfig: Sendable {
    /// The partner id of the Partner API path.
    public var id: String
    /// The partner API key, sent as `X-API-Key`.
    public var apiKey: Secret
    /// e.g. `https://hub.360dialog.io`.
    public var baseURL: String
    /// Server-side filters, sent as the `filters` query parameter.
    public var filters: [String: JSONValue]
    /// Optional server-side sort, e.g. `id` or `-created_at`.
    public var sort: String?
    /// Channels per page (`limit`).
    public var pageSize: Int
    /// Pages fetched at once.
    public var concurrency: Int
    /// What the first poll of a partner does with conditions that already hold.
    public var firstPoll: FirstPollMode
    /// How its inbound webhooks authenticate; `nil`: none are accepted for this partner.
    public var webhook: PartnerWebhookConfig?

    public init(id: String, apiKey: Secret, baseURL: String, filters: [String: JSONValue] = [:], sort: String? = nil,
                pageSize: Int = 100, concurrency: Int = 4, firstPoll: FirstPollMode = .notify,
                webhook: PartnerWebhookConfig? = nil) {
        self.id = id
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.filters = filters
        self.sort = sort
        self.pageSize = pageSize
        self.concurrency = concurrency
        self.firstPoll = firstPoll
        self.webhook = webhook
    }
}

/// What the first poll of a partner (no stored snapshot) does with conditions that already hold.
public enum FirstPollMode: String, Sendable, CaseIterable {
    /// Fire them, grouped into one notification per receiver.
    case notify
    /// Record them as firing without notifying.
    case baseline
}

/// The PostgreSQL connection.
public struct DatabaseConfig: Sendable {
    /// A libpq URI or conninfo string; empty means libpq's defaults (PG* environment variables).
    /// It may hold a password, so it is a secret.
    public var url: Secret

    public init(url: String) { self.url = Secret(url) }
    public init(url: Secret) { self.url = url }
}

/// The poll schedule.
public struct PollConfig: Sendable {
    /// Time between polls of one partner.
    public var interval: Duration = .seconds(300)
    /// Random spread added to or taken from each interval, so replicas and partners drift apart.
    public var jitter: Duration = .seconds(15)
    /// Deadline of one poll, retries included.
    public var timeout: Duration = .seconds(120)
    /// Consecutive failed polls before `poll_failing` fires.
    public var failingAfter: Int = 3

    public init() {}
}
