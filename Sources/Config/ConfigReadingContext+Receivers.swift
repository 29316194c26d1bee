import Foundation
import YAMLSupport
import Yams

extension ConfigReadingContext {
    static let receiverTypes = ["slack", "email", "webhook", "console"]

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
            if let url {
                if Self.isHTTPURL(url.revealed) {
                    kind = .webhook(url: url, secret: signing)
                } else {
                    collector.add(reader.value("url")?.diagnostic("\(owner): 'url' must be an http:// or https:// URL", file: file)
                        ?? node.diagnostic("\(owner): 'url_file' must contain an http:// or https:// URL", file: file))
                }
            }
        case "email"?:
            kind = readEmail(reader, owner: owner).map { .email($0) }
        case "console"?:
            kind = .console
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
        reader.finish()
        guard let name, let kind else { return nil }
        return ReceiverConfig(name: name, kind: kind, concurrency: concurrency)
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
        for address in to ?? [] where !address.contains("@") {
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

    func checkRoutes(_ routes: [(value: RouteConfig, node: Node)], receivers: [ReceiverConfig]) {
        let names = receivers.map(\.name)
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
