import Foundation
import JSON
import YAMLSupport

extension ChannelWatchConfig {
    /// The effective configuration with every secret replaced by `<redacted>` — what `check` prints.
    public var redacted: JSONValue {
        .object([
            "partners": .array(partners.map(\.redacted)),
            "database": .object(["url": .string(Redaction.databaseURL(database.url))]),
            "poll": .object([
                "interval": .string(DurationText.format(poll.interval)),
                "jitter": .string(DurationText.format(poll.jitter)),
                "timeout": .string(DurationText.format(poll.timeout)),
                "failing_after": .number(Double(poll.failingAfter)),
            ]),
            "rules": .array(rules.map(JSONValue.string)),
            "listen": listen.map(JSONValue.string) ?? .null,
            "receivers": .array(receivers.map(\.redacted)),
            "routes": .array(routes.map(\.redacted)),
            "max_delivery_age": .string(DurationText.format(maxDeliveryAge)),
            "webhook_listen": webhookListen.map(JSONValue.string) ?? .null,
            "inhibit_rules": .array(inhibitRules.map(\.redacted)),
            "http_auth": httpAuth.map(\.redacted) ?? .null,
        ])
    }
}

extension HTTPAuthConfig {
    var redacted: JSONValue {
        .object([
            "users": .array(users.map { .object(["username": .string($0.username), "password_hash": .string(Redaction.marker)]) }),
            "bearer_tokens": .array(bearerTokens.map { .object(["name": .string($0.name), "token": .string(Redaction.marker)]) }),
        ])
    }
}

extension PartnerConfig {
    var redacted: JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(id), "api_key": .string(Redaction.marker), "base_url": .string(baseURL),
            "filters": .object(filters), "page_size": .number(Double(pageSize)),
            "concurrency": .number(Double(concurrency)), "first_poll": .string(firstPoll.rawValue),
        ]
        if let sort { members["sort"] = .string(sort) }
        if let webhook { members["webhook"] = webhook.redacted }
        return .object(members)
    }
}

extension PartnerWebhookConfig {
    var redacted: JSONValue {
        var members: [String: JSONValue] = [
            "secret": .array(secrets.map { _ in .string(Redaction.marker) }),
            "debounce": .string(DurationText.format(debounce)),
            "min_full_poll_interval": .string(DurationText.format(minFullPollInterval)),
        ]
        if let basicAuth {
            members["basic_auth"] = .object(["username": .string(basicAuth.username), "password": .string(Redaction.marker)])
        }
        return .object(members)
    }
}

extension ReceiverConfig {
    var redacted: JSONValue {
        var members: [String: JSONValue] = ["name": .string(name), "type": .string(typeName)]
        if let concurrency { members["concurrency"] = .number(Double(concurrency)) }
        if let recipients {
            // Email fallbacks are addresses; a webhook's fallback URL is a credential.
            if case .email = kind {
                members["fallback_to"] = .array(recipients.fallback.map { .string($0.revealed) })
            } else {
                members["fallback_to"] = .string(Redaction.url(recipients.fallback[0]))
            }
            if !recipients.allowedDomains.isEmpty {
                members["allowed_domains"] = .array(recipients.allowedDomains.map(JSONValue.string))
            }
        }
        switch kind {
        case .slack(let url):
            members["url"] = .string(Redaction.url(url))
        case .webhook(let url, let secret):
            members["url"] = .string(Redaction.url(url))
            if secret != nil { members["secret"] = .string(Redaction.marker) }
        case .email(let email):
            members["smtp_url"] = .string(email.smtpURL)
            members["require_tls"] = .bool(email.requireTLS)
            if let username = email.username { members["username"] = .string(username) }
            if email.password != nil { members["password"] = .string(Redaction.marker) }
            members["from"] = .string(email.from)
            members["to"] = .array(email.to.map(JSONValue.string))
        case .console:
            break
        case .pagerduty(let settings):
            members["routing_key"] = .string(Redaction.marker)
            members["url"] = .string(settings.url)
            if let console = settings.consoleURL { members["console_url"] = .string(console) }
        case .msteams(let url):
            members["url"] = .string(Redaction.url(url))
        case .telegram(let settings):
            members["bot_token"] = .string(Redaction.marker)
            members["chat_id"] = .string(settings.chatID)
            members["url"] = .string(settings.url)
        case .alertmanager(let settings):
            members["url"] = .string(settings.url)
            if let auth = settings.basicAuth {
                members["basic_auth"] = .object(["username": .string(auth.username), "password": .string(Redaction.marker)])
            }
            if settings.bearerToken != nil { members["bearer_token"] = .string(Redaction.marker) }
            if let console = settings.consoleURL { members["console_url"] = .string(console) }
        }
        return .object(members)
    }
}

extension [LabelMatcher] {
    /// `{label: written form}`, as the file writes it.
    var redacted: JSONValue {
        .object(Dictionary(map { ($0.label, JSONValue.string($0.written)) }, uniquingKeysWith: { _, last in last }))
    }
}

extension InhibitRuleConfig {
    var redacted: JSONValue {
        .object(["source_match": sourceMatchers.redacted, "target_match": targetMatchers.redacted,
                 "equal": .array(equal.map(JSONValue.string))])
    }
}

extension RouteConfig {
    var redacted: JSONValue {
        var members: [String: JSONValue] = [
            "match": matchers.redacted, "receivers": .array(receivers.map(JSONValue.string)),
            "continue": .bool(`continue`), "group_by": .array(groupBy.map(JSONValue.string)),
        ]
        if let repeatInterval { members["repeat_interval"] = .string(DurationText.format(repeatInterval)) }
        return .object(members)
    }
}
