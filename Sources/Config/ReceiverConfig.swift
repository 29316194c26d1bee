import Foundation
/// A named destination for notifications.
public struct ReceiverConfig: Sendable {
    /// The name routes refer to.
    public var name: String
    /// The kind of receiver and its settings.
    public var kind: Kind
    /// Deliveries sent to this receiver at once (`concurrency`, 1–256); nil for the default, 16.
    public var concurrency: Int?
    /// Per-client recipients: an email `to` or webhook `url` rendered from each event's channel;
    /// `nil` when the receiver sends every notification to the same place.
    public var recipients: RecipientSettings?

    public init(name: String, kind: Kind, concurrency: Int? = nil, recipients: RecipientSettings? = nil) {
        self.name = name
        self.kind = kind
        self.concurrency = concurrency
        self.recipients = recipients
    }

    /// The receiver types: slack, email, webhook, console, pagerduty, msteams, telegram, alertmanager.
    public enum Kind: Sendable {
        /// A Slack incoming webhook; the URL itself is the credential.
        case slack(url: Secret)
        /// Email over SMTP.
        case email(EmailSettings)
        /// A JSON POST, signed with HMAC-SHA256 when a secret is set.
        case webhook(url: Secret, secret: Secret?)
        /// One line per event on standard output.
        case console
        /// PagerDuty's Events API v2: one PagerDuty event per alert.
        case pagerduty(PagerDutySettings)
        /// A Microsoft Teams incoming webhook or Workflows URL; the URL is the credential.
        case msteams(url: Secret)
        /// Telegram's Bot API `sendMessage`.
        case telegram(TelegramSettings)
        /// An existing Prometheus Alertmanager (`POST {url}/api/v2/alerts`).
        case alertmanager(AlertmanagerSettings)
    }

    /// The type's name as written in the config file.
    public var typeName: String {
        switch kind {
        case .slack: return "slack"
        case .email: return "email"
        case .webhook: return "webhook"
        case .console: return "console"
        case .pagerduty: return "pagerduty"
        case .msteams: return "msteams"
        case .telegram: return "telegram"
        case .alertmanager: return "alertmanager"
        }
    }
}

/// A PagerDuty Events API v2 integration.
public struct PagerDutySettings: Sendable {
    /// The integration's routing key (a secret).
    public var routingKey: Secret
    /// The enqueue endpoint; `https://events.pagerduty.com/v2/enqueue` unless set (EU accounts, tests).
    public var url: String
    /// The ChannelWatch console's address, linked from each incident when set.
    public var consoleURL: String?

    public static let defaultURL = "https://events.pagerduty.com/v2/enqueue"

    public init(routingKey: Secret, url: String = PagerDutySettings.defaultURL, consoleURL: String? = nil) {
        self.routingKey = routingKey
        self.url = url
        self.consoleURL = consoleURL
    }
}

/// A Telegram bot and the chat it writes to.
public struct TelegramSettings: Sendable {
    /// The bot's token from BotFather (a secret; it goes into the request path).
    public var botToken: Secret
    /// The chat: a numeric id (`-1001234567890` for groups) or `@channelname`.
    public var chatID: String
    /// The Bot API's base URL; `https://api.telegram.org` unless set.
    public var url: String

    public static let defaultURL = "https://api.telegram.org"

    public init(botToken: Secret, chatID: String, url: String = TelegramSettings.defaultURL) {
        self.botToken = botToken
        self.chatID = chatID
        self.url = url
    }
}

/// An Alertmanager to forward events to.
public struct AlertmanagerSettings: Sendable {
    /// Its base URL, e.g. `http://alertmanager:9093`; alerts go to `{url}/api/v2/alerts`.
    public var url: String
    /// HTTP basic authentication, if the Alertmanager sits behind it.
    public var basicAuth: (username: String, password: Secret)?
    /// A bearer token, if it wants one instead.
    public var bearerToken: Secret?
    /// The ChannelWatch console's address, the alerts' `generatorURL` when set.
    public var consoleURL: String?

    public init(url: String, basicAuth: (username: String, password: Secret)? = nil, bearerToken: Secret? = nil,
                consoleURL: String? = nil) {
        self.url = url
        self.basicAuth = basicAuth
        self.bearerToken = bearerToken
        self.consoleURL = consoleURL
    }
}

/// SMTP settings of an email receiver.
public struct EmailSettings: Sendable {
    /// `smtp://host:port` (STARTTLS) or `smtps://host:port` (implicit TLS).
    public var smtpURL: String
    /// Whether STARTTLS is required on `smtp://` (default true); `false` allows plaintext.
    public var requireTLS: Bool
    /// SMTP AUTH user, if any.
    public var username: String?
    /// SMTP AUTH password, if any.
    public var password: Secret?
    /// The From header, e.g. `ChannelWatch <alerts@example.com>`.
    public var from: String
    /// Recipient addresses.
    public var to: [String]
    /// An extra CA bundle to trust (for a private mail relay).
    public var caFile: String?

    public init(smtpURL: String, requireTLS: Bool = true, username: String? = nil, password: Secret? = nil,
                from: String, to: [String], caFile: String? = nil) {
        self.smtpURL = smtpURL
        self.requireTLS = requireTLS
        self.username = username
        self.password = password
        self.from = from
        self.to = to
        self.caFile = caFile
    }
}

/// One route: which events go to which receivers, and how they are grouped.
public struct RouteConfig: Sendable {
    /// Label matchers; every one must match.
    public var matchers: [LabelMatcher]
    /// Receiver names.
    public var receivers: [String]
    /// Whether later routes are tried after this one matched.
    public var `continue`: Bool
    /// Labels that make one notification group (default `[rule]`).
    public var groupBy: [String]
    /// Re-notify a still-firing alert after this long; `nil` never.
    public var repeatInterval: Duration?

    public init(matchers: [LabelMatcher] = [], receivers: [String], continue shouldContinue: Bool = false,
                groupBy: [String] = ["rule"], repeatInterval: Duration? = nil) {
        self.matchers = matchers
        self.receivers = receivers
        self.continue = shouldContinue
        self.groupBy = groupBy
        self.repeatInterval = repeatInterval
    }
}

/// `label: value` (equality) or `label: "=~ regex"` (full match of a regular expression).
public struct LabelMatcher: Sendable, Equatable {
    /// The label's name, e.g. `severity`.
    public var label: String
    /// What the value must be.
    public var test: Test

    public init(label: String, test: Test) {
        self.label = label
        self.test = test
    }

    /// Reads the written form: `=~ regex` (spaces around it ignored) is a regular expression,
    /// anything else an exact value.
    public init(label: String, written: String) {
        self.label = label
        let trimmed = written.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("=~") {
            test = .matches(pattern: String(trimmed.dropFirst(2)).trimmingCharacters(in: .whitespaces))
        } else {
            test = .equals(written)
        }
    }

    /// The written form: the value, or `=~ regex`.
    public var written: String {
        switch test {
        case .equals(let value): value
        case .matches(let pattern): "=~ \(pattern)"
        }
    }

    /// Equality or a regular expression.
    public enum Test: Sendable, Equatable {
        case equals(String)
        case matches(pattern: String)
    }
}

/// One inhibition rule: while an alert matching ``sourceMatchers`` fires, events matching
/// ``targetMatchers`` whose ``equal`` labels have the same values are not delivered.
public struct InhibitRuleConfig: Sendable {
    /// What the inhibiting (firing) alert's labels must match.
    public var sourceMatchers: [LabelMatcher]
    /// What the inhibited event's labels must match.
    public var targetMatchers: [LabelMatcher]
    /// Labels whose values must be the same on both; absent on both counts as the same.
    public var equal: [String]

    public init(sourceMatchers: [LabelMatcher], targetMatchers: [LabelMatcher], equal: [String] = []) {
        self.sourceMatchers = sourceMatchers
        self.targetMatchers = targetMatchers
        self.equal = equal
    }
}
