import Foundation
import JSON
import YAMLSupport
import Yams

extension ConfigReadingContext {
    func readPartner(_ node: Node) -> PartnerConfig? {
        let reader = MappingReader(node, file: file, what: "a partner", collector: collector)
        guard reader.isValid else { return nil }
        let id = string(reader, "id", required: true)
        let owner = "partner \(id ?? "?")"
        if let id, id.isEmpty || id.contains("/") || id.contains(where: \.isWhitespace) {
            collector.add(reader.value("id")!.diagnostic("\(owner): 'id' must be a non-empty partner id without '/' or spaces", file: file))
        }
        let apiKey = secret(reader, "api_key", required: true, owner: owner)
        let baseURL = string(reader, "base_url") ?? "https://hub.360dialog.io"
        if let node = reader.value("base_url"), !Self.isHTTPURL(baseURL) {
            collector.add(node.diagnostic("\(owner): 'base_url' must be an http:// or https:// URL, found '\(baseURL)'", file: file))
        }
        var filters: [String: JSONValue] = [:]
        if let node = reader.value("filters") {
            if case .object(let members) = node.jsonValue, case .mapping = node {
                filters = members
            } else {
                collector.add(node.diagnostic("\(owner): 'filters' must be a mapping of field to value", file: file))
            }
        }
        let sort = string(reader, "sort")
        let pageSize = positive(reader, "page_size", default: 100, max: 10_000, owner: owner)
        let concurrency = positive(reader, "concurrency", default: 4, max: 64, owner: owner)
        var firstPoll = FirstPollMode.notify
        if let text = string(reader, "first_poll") {
            if let mode = FirstPollMode(rawValue: text) {
                firstPoll = mode
            } else {
                collector.add(reader.value("first_poll")!.diagnostic(
                    "\(owner): 'first_poll' must be notify or baseline, found '\(text)'"
                        + DidYouMean.hint(for: text, among: FirstPollMode.allCases.map(\.rawValue)), file: file))
            }
        }
        let webhook = reader.value("webhook").flatMap { readPartnerWebhook($0, owner: owner) }
        reader.finish()
        guard let id, let apiKey else { return nil }
        return PartnerConfig(id: id, apiKey: apiKey, baseURL: baseURL, filters: filters, sort: sort,
                             pageSize: pageSize, concurrency: concurrency, firstPoll: firstPoll, webhook: webhook)
    }

    func readDatabase(_ node: Node?) -> DatabaseConfig {
        guard let node else { return DatabaseConfig(url: Secret("")) }
        let reader = MappingReader(node, file: file, what: "'database'", collector: collector)
        guard reader.isValid else { return DatabaseConfig(url: Secret("")) }
        let url = secret(reader, "url", required: false, owner: "database") ?? Secret("")
        reader.finish()
        return DatabaseConfig(url: url)
    }

    func readPoll(_ node: Node?) -> PollConfig {
        var poll = PollConfig()
        guard let node else { return poll }
        let reader = MappingReader(node, file: file, what: "'poll'", collector: collector)
        guard reader.isValid else { return poll }
        if let interval = reader.duration("interval") {
            if interval < .seconds(1) {
                collector.add(reader.value("interval")!.diagnostic("poll 'interval' must be at least 1s", file: file))
            }
            poll.interval = interval
        }
        if let jitter = reader.duration("jitter") { poll.jitter = jitter }
        if let timeout = reader.duration("timeout") { poll.timeout = timeout }
        poll.failingAfter = positive(reader, "failing_after", default: 3, max: 1000, owner: "poll")
        reader.finish()
        if poll.jitter >= poll.interval, let node = reader.node {
            collector.add(node.diagnostic("poll 'jitter' must be smaller than 'interval'", file: file))
        }
        return poll
    }

    func positive(_ reader: MappingReader, _ key: String, default value: Int, max: Int, owner: String) -> Int {
        guard let number = reader.int(key) else { return value }
        if number < 1 || number > max {
            collector.add(reader.value(key)!.diagnostic("\(owner): '\(key)' must be between 1 and \(max), found \(number)", file: file))
            return value
        }
        return number
    }

    static func isHTTPURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            return false
        }
        return scheme == "http" || scheme == "https"
    }
}

extension ConfigReadingContext {
    /// A partner's `webhook:` block: `secret` (a string or a list, for rotation; or `secret_file`),
    /// `basic_auth: {username, password}`, `debounce`, `min_full_poll_interval`. At least one of
    /// `secret` and `basic_auth` is required: an unauthenticated endpoint would let anyone make
    /// ChannelWatch poll.
    func readPartnerWebhook(_ node: Node, owner: String) -> PartnerWebhookConfig? {
        let reader = MappingReader(node, file: file, what: "\(owner)'s 'webhook'", collector: collector)
        guard reader.isValid else { return nil }
        var webhook = PartnerWebhookConfig()
        if let list = reader.value("secret"), case .sequence(let items) = list {
            for item in items {
                guard let value = expanded(item, key: "secret") else { continue }
                if value.isEmpty {
                    collector.add(item.diagnostic("\(owner): a webhook 'secret' is empty", file: file))
                } else {
                    webhook.secrets.append(Secret(value))
                }
            }
        } else if let secret = secret(reader, "secret", required: false, owner: "\(owner) webhook") {
            if secret.isEmpty, let node = reader.value("secret") {
                collector.add(node.diagnostic("\(owner): the webhook 'secret' is empty", file: file))
            } else {
                webhook.secrets.append(secret)
            }
        }
        if let authNode = reader.value("basic_auth") {
            let auth = MappingReader(authNode, file: file, what: "\(owner)'s webhook 'basic_auth'", collector: collector)
            if auth.isValid {
                let username = string(auth, "username", required: true)
                let password = secret(auth, "password", required: true, owner: "\(owner) webhook basic_auth")
                auth.finish()
                if let username, let password { webhook.basicAuth = .init(username: username, password: password) }
            }
        }
        if let debounce = reader.duration("debounce") {
            if debounce > .seconds(60) {
                collector.add(reader.value("debounce")!.diagnostic("\(owner): webhook 'debounce' must be at most 60s", file: file))
            }
            webhook.debounce = debounce
        }
        if let interval = reader.duration("min_full_poll_interval") { webhook.minFullPollInterval = interval }
        reader.finish()
        let named = ["secret", "secret_file", "basic_auth"].contains { reader.value($0) != nil }
        if webhook.secrets.isEmpty, webhook.basicAuth == nil, !named {
            collector.add(node.diagnostic("\(owner): 'webhook' needs a 'secret' (360dialog's platform secret, checked "
                + "against x-360dialog-signature) or 'basic_auth', or both; an unauthenticated endpoint is refused", file: file))
        }
        return webhook
    }
}
