import Foundation
import YAMLSupport
import Yams

extension ConfigReadingContext {
    static let receiverTypes = ["slack", "email", "webhook", "console", "pagerduty", "msteams", "telegram", "alertmanager"]

    func readReceiver(_ node: Node) -> ReceiverConfig? {
        let reader = MappingReader(node, file: file, what: "a receiver", collector: collector)
        guard reader.isValid else { return nil }
        let name = string(reader, "name", required: true)
        let owner = "receiver \(name ?? "?")"
        if let name, name.isEmpty || name.contains(where: \.isWhitespace) {
            collector.add(reader.value("name")!.diagnostic("\(owner): 'name' must be a non-empty word", file: file))
        }
        let type = string(reader, "type", required: true)
        var kind: ReceiverConfig.Kind?
        var recipients: RecipientSettings?
        // Whether `to`/`url` is written as a template (valid or not): `fallback_to` belongs to it.
        var templated = false
        switch type {
        case "slack"?:
            if let url = secret(reader, "url", required: true, owner: owner) {
                if Self.isHTTPURL(url.revealed) {
                    kind = .slack(url: url)
                } else {
                    // The URL is a credential: say what is wrong without echoing it.
                    collector.add(reader.value("url")?.diagnostic("\(owner): 'url' must be an https:// Slack incoming-webhook URL", file: file)
                        ?? node.diagnostic("\(owner): 'url_file' must contain an https:// Slack incoming-webhook URL", file: file))
                }
            }
        case "webhook"?:
            let url = secret(reader, "url", required: true, owner: owner)
            let signing = secret(reader, "secret", required: false, owner: owner)
            if let url, url.revealed.contains("{{") {
                templated = true
                recipients = readWebhookRecipients(reader, url: url, owner: owner)
                if recipients != nil { kind = .webhook(url: url, secret: signing) }
            } else if let url {
                if Self.isHTTPURL(url.revealed) {
                    kind = .webhook(url: url, secret: signing)
                } else {
                    collector.add(reader.value("url")?.diagnostic("\(owner): 'url' must be an http:// or https:// URL", file: file)
                        ?? node.diagnostic("\(owner): 'url_file' must contain an http:// or https:// URL", file: file))
                }
            }
        case "email"?:
            let email = readEmail(reader, owner: owner)
            if let email, email.to.contains(where: { $0.contains("{{") }) {
                templated = true
                recipients = readEmailRecipients(reader, to: email.to, owner: owner)
                if recipients != nil { kind = .email(email) }
            } else {
                kind = email.map { .email($0) }
            }
        case "console"?:
            kind = .console
        case "pagerduty"?:
            kind = readPagerDuty(reader, owner: owner).map { .pagerduty($0) }
        case "msteams"?:
            if let url = secret(reader, "url", required: true, owner: owner) {
                if Self.isHTTPURL(url.revealed) {
                    kind = .msteams(url: url)
                } else {
                    collector.add(reader.value("url")?.diagnostic("\(owner): 'url' must be an https:// Teams incoming-webhook or Workflows URL", file: file)
                        ?? node.diagnostic("\(owner): 'url_file' must contain an https:// Teams incoming-webhook or Workflows URL", file: file))
                }
            }
        case "telegram"?:
            kind = readTelegram(reader, owner: owner).map { .telegram($0) }
        case "alertmanager"?:
            kind = readAlertmanager(reader, owner: owner).map { .alertmanager($0) }
        case let other?:
            collector.add(reader.value("type")!.diagnostic(
                "\(owner): unknown receiver type '\(other)'; expected one of \(Self.receiverTypes.joined(separator: ", "))"
                    + DidYouMean.hint(for: other, among: Self.receiverTypes), file: file))
            // The other keys depend on the type, so they cannot be judged until it is fixed.
            reader.keys.forEach { _ = reader.value($0) }
        case nil:
            break
        }
        // Sends in flight to this receiver at once: a rate-limited endpoint wants few, a fast one many.
        let concurrency = reader.value("concurrency") == nil ? nil
            : positive(reader, "concurrency", default: 16, max: 256, owner: owner)
        if !templated, type == "email" || type == "webhook" {
            for key in ["fallback_to", "fallback_to_file", "allowed_domains"] {
                if let node = reader.value(key) {
                    let what = type == "email" ? "'to' entry" : "'url'"
                    collector.add(node.diagnostic("\(owner): '\(key)' applies only when a \(what) is a template such as {{channel.client_id}}", file: file))
                }
            }
        }
        reader.finish()
        guard let name, let kind else { return nil }
        return ReceiverConfig(name: name, kind: kind, concurrency: concurrency, recipients: recipients)
    }

    private func readEmail(_ reader: MappingReader, owner: String) -> EmailSettings? {
        let smtpURL = string(reader, "smtp_url", required: true)
        if let smtpURL, let node = reader.value("smtp_url") {
            let scheme = URL(string: smtpURL)?.scheme?.lowercased()
            if scheme != "smtp" && scheme != "smtps" || URL(string: smtpURL)?.host == nil {
                collector.add(node.diagnostic("\(owner): 'smtp_url' must be smtp://host:port or smtps://host:port", file: file))
            }
            if URL(string: smtpURL)?.password != nil {
                collector.add(node.diagnostic("\(owner): put the SMTP password in 'password' or 'password_file', not in 'smtp_url'", file: file))
            }
        }
        let requireTLS = reader.bool("require_tls") ?? true
        let username = string(reader, "username")
        let password = secret(reader, "password", required: false, owner: owner)
        let from = string(reader, "from", required: true)
        let to = stringList(reader, "to")
        if reader.value("to") == nil { reader.reportMissing("to") }
        if let to, to.isEmpty, let node = reader.value("to") {
            collector.add(node.diagnostic("\(owner): 'to' must list at least one address", file: file))
        }
        for address in to ?? [] where !address.contains("@") && !address.contains("{{") {
            collector.add(reader.value("to")!.diagnostic("\(owner): '\(address)' is not an email address", file: file))
        }
        if let from, !from.contains("@") {
            collector.add(reader.value("from")!.diagnostic("\(owner): 'from' must contain an address, e.g. ChannelWatch <alerts@example.com>", file: file))
        }
        let caFile = string(reader, "ca_file")
        guard let smtpURL, let from, let to, !to.isEmpty else { return nil }
        return EmailSettings(smtpURL: smtpURL, requireTLS: requireTLS, username: username, password: password,
                             from: from, to: to, caFile: caFile.map(resolveRelative))
    }

    func readRoute(_ node: Node) -> RouteConfig? {
        let reader = MappingReader(node, file: file, what: "a route", collector: collector)
        guard reader.isValid else { return nil }
        let matchers = reader.value("match").map { readMatchers($0, key: "match", owner: "route match") } ?? []
        let receivers = stringList(reader, "receivers") ?? []
        if reader.value("receivers") == nil { reader.reportMissing("receivers") }
        let shouldContinue = reader.bool("continue") ?? false
        let groupBy = stringList(reader, "group_by") ?? ["rule"]
        let repeatInterval = reader.duration("repeat_interval")
        reader.finish()
        return RouteConfig(matchers: matchers, receivers: receivers, continue: shouldContinue,
                           groupBy: groupBy, repeatInterval: repeatInterval)
    }

    /// A `label: value` / `label: "=~ regex"` mapping; an invalid regular expression is reported at its value.
    func readMatchers(_ node: Node, key: String, owner: String) -> [LabelMatcher] {
        let match = MappingReader(node, file: file, what: "'\(key)'", collector: collector)
        var matchers: [LabelMatcher] = []
        for label in match.keys {
            guard let raw = match.string(label) else { continue }
            let matcher = LabelMatcher(label: label, written: raw)
            if case .matches(let pattern) = matcher.test, (try? NSRegularExpression(pattern: "^(?:\(pattern))$")) == nil {
                collector.add(match.value(label)!.diagnostic("\(owner) '\(label)': invalid regular expression '\(pattern)'", file: file))
            }
            matchers.append(matcher)
        }
        return matchers
    }

    func readInhibitRule(_ node: Node) -> InhibitRuleConfig? {
        let reader = MappingReader(node, file: file, what: "an inhibit rule", collector: collector)
        guard reader.isValid else { return nil }
        let source = reader.value("source_match").map { readMatchers($0, key: "source_match", owner: "inhibit rule source_match") }
        let target = reader.value("target_match").map { readMatchers($0, key: "target_match", owner: "inhibit rule target_match") }
        if source == nil { reader.reportMissing("source_match") }
        if target == nil { reader.reportMissing("target_match") }
        let equal = stringList(reader, "equal") ?? []
        reader.finish()
        if let source, source.isEmpty, let node = reader.value("source_match") {
            collector.add(node.diagnostic("inhibit rule: 'source_match' needs at least one label, or every alert would inhibit", file: file))
        }
        guard let source, let target else { return nil }
        return InhibitRuleConfig(sourceMatchers: source, targetMatchers: target, equal: equal)
    }

    /// The names the `receivers:` list declares, also of receivers with errors of their own, so that a
    /// route naming one is not reported again as naming an unknown receiver.
    func declaredNames(_ receivers: Node?) -> [String] {
        guard case .sequence(let items)? = receivers else { return [] }
        return items.compactMap { $0.mapping?["name"]?.scalar?.string }
    }

    func checkRoutes(_ routes: [(value: RouteConfig, node: Node)], declared names: [String]) {
        for (route, node) in routes {
            let receiversNode = MappingReader(node, file: file, what: "a route", collector: DiagnosticCollector()).value("receivers")
            let items: [Node] = { if case .sequence(let items)? = receiversNode { return Array(items) } else { return [] } }()
            for (index, name) in route.receivers.enumerated() where !names.contains(name) {
                let at = index < items.count ? items[index] : node
                collector.add(at.diagnostic("route: unknown receiver '\(name)'" + DidYouMean.hint(for: name, among: names), file: file))
            }
        }
    }
}

extension ConfigReadingContext {
    /// An optional plain `http(s)://` URL, reported at its value when malformed.
    func plainURL(_ reader: MappingReader, _ key: String, owner: String) -> String? {
        guard let value = string(reader, key) else { return nil }
        guard Self.isHTTPURL(value) else {
            collector.add(reader.value(key)!.diagnostic("\(owner): '\(key)' must be an http:// or https:// URL, found '\(value)'", file: file))
            return nil
        }
        return value
    }

    func readPagerDuty(_ reader: MappingReader, owner: String) -> PagerDutySettings? {
        let key = secret(reader, "routing_key", required: true, owner: owner)
        if let key, key.revealed.count != 32 || !key.revealed.allSatisfy({ $0.isLetter || $0.isNumber }) {
            // PagerDuty's integration keys are 32 letters and digits; say so without echoing the key.
            collector.add((reader.value("routing_key") ?? reader.value("routing_key_file"))!.diagnostic(
                "\(owner): 'routing_key' must be the 32-character integration key of an Events API v2 integration", file: file))
        }
        let url = plainURL(reader, "url", owner: owner) ?? PagerDutySettings.defaultURL
        let console = plainURL(reader, "console_url", owner: owner)
        guard let key else { return nil }
        return PagerDutySettings(routingKey: key, url: url, consoleURL: console)
    }

    func readTelegram(_ reader: MappingReader, owner: String) -> TelegramSettings? {
        let token = secret(reader, "bot_token", required: true, owner: owner)
        if let token, !Self.isBotToken(token.revealed) {
            collector.add((reader.value("bot_token") ?? reader.value("bot_token_file"))!.diagnostic(
                "\(owner): 'bot_token' must be the token BotFather gave, digits, ':' and at least 30 more characters", file: file))
        }
        let chat = string(reader, "chat_id", required: true)
        if let chat, !Self.isChatID(chat) {
            collector.add(reader.value("chat_id")!.diagnostic(
                "\(owner): 'chat_id' must be a numeric chat id (e.g. -1001234567890) or @channelname, found '\(chat)'", file: file))
        }
        let url = plainURL(reader, "url", owner: owner) ?? TelegramSettings.defaultURL
        guard let token, let chat else { return nil }
        return TelegramSettings(botToken: token, chatID: chat, url: url.hasSuffix("/") ? String(url.dropLast()) : url)
    }

    func readAlertmanager(_ reader: MappingReader, owner: String) -> AlertmanagerSettings? {
        let url = string(reader, "url", required: true)
        if let url, !Self.isHTTPURL(url) {
            collector.add(reader.value("url")!.diagnostic("\(owner): 'url' must be the Alertmanager's http:// or https:// base URL, found '\(url)'", file: file))
        }
        var basicAuth: (username: String, password: Secret)?
        if let node = reader.value("basic_auth") {
            let auth = MappingReader(node, file: file, what: "'basic_auth'", collector: collector)
            let username = string(auth, "username", required: true)
            let password = secret(auth, "password", required: true, owner: owner)
            auth.finish()
            if let username, let password { basicAuth = (username, password) }
        }
        let bearer = secret(reader, "bearer_token", required: false, owner: owner)
        if basicAuth != nil, bearer != nil, let node = reader.value("basic_auth") {
            collector.add(node.diagnostic("\(owner): give 'basic_auth' or 'bearer_token', not both", file: file))
        }
        let console = plainURL(reader, "console_url", owner: owner)
        guard let url, Self.isHTTPURL(url) else { return nil }
        return AlertmanagerSettings(url: url.hasSuffix("/") ? String(url.dropLast()) : url, basicAuth: basicAuth,
                                    bearerToken: bearer, consoleURL: console)
    }

    /// `123456789:` and 35 URL-safe characters, as BotFather issues them.
    static func isBotToken(_ token: String) -> Bool {
        guard let colon = token.firstIndex(of: ":") else { return false }
        let id = token[..<colon], rest = token[token.index(after: colon)...]
        return !id.isEmpty && id.allSatisfy(\.isASCII) && id.allSatisfy(\.isNumber) && rest.count >= 30
            && rest.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    /// A numeric chat id (negative for groups) or `@channelname`.
    static func isChatID(_ chat: String) -> Bool {
        if chat.hasPrefix("@") { return chat.count > 5 && chat.dropFirst().allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") } }
        let digits = chat.hasPrefix("-") ? chat.dropFirst() : Substring(chat)
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
