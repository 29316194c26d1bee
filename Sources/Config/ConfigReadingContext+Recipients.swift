import Foundation
import YAMLSupport
import Yams

/// Per-client recipients: templated email `to` entries and webhook `url`s, their `fallback_to`
/// (required) and `allowed_domains`.
extension ConfigReadingContext {
    func readEmailRecipients(_ reader: MappingReader, to: [String], owner: String) -> RecipientSettings? {
        let items: [Node] = { if case .sequence(let items)? = reader.value("to") { Array(items) } else { [] } }()
        var templates: [RecipientTemplate] = []
        for (index, entry) in to.enumerated() {
            let node = index < items.count ? items[index] : reader.value("to")!
            if let template = recipientTemplate(entry, at: node, owner: owner, key: "to") { templates.append(template) }
        }
        let fallback = stringList(reader, "fallback_to")
        if fallback == nil { reportMissingFallback(reader, owner: owner, example: "[ops@partner.example]") }
        if let fallback, let node = reader.value("fallback_to") {
            if fallback.isEmpty {
                collector.add(node.diagnostic("\(owner): 'fallback_to' must list at least one address", file: file))
            }
            for address in fallback where !address.contains("@") || address.contains("{{") {
                collector.add(node.diagnostic("\(owner): 'fallback_to' entry '\(address)' must be a plain email address", file: file))
            }
        }
        let domains = allowedDomains(reader, owner: owner)
        guard templates.count == to.count, let fallback, !fallback.isEmpty,
              fallback.allSatisfy({ $0.contains("@") && !$0.contains("{{") }) else { return nil }
        return RecipientSettings(templates: templates, fallback: fallback.map(Secret.init), allowedDomains: domains)
    }

    func readWebhookRecipients(_ reader: MappingReader, url: Secret, owner: String) -> RecipientSettings? {
        let node = reader.value("url") ?? reader.value("url_file")!
        let template = recipientTemplate(url.revealed, at: node, owner: owner, key: "url")
        // The text before the first tag must already look like a URL, unless the tag is the whole start.
        if let template, case .text? = template.parts.first,
           !Self.isHTTPURL(template.assembled(template.tagNames.map { _ in "x" })) {
            collector.add(node.diagnostic("\(owner): 'url' must be an http:// or https:// URL template", file: file))
        }
        let fallback = secret(reader, "fallback_to", required: false, owner: owner)
        if fallback == nil, reader.value("fallback_to_file") == nil {
            reportMissingFallback(reader, owner: owner, example: "https://hooks.partner.example/channelwatch")
        }
        if let fallback, !Self.isHTTPURL(fallback.revealed) || fallback.revealed.contains("{{") {
            // A webhook URL is a credential: say what is wrong without echoing it.
            collector.add((reader.value("fallback_to") ?? reader.value("fallback_to_file"))!.diagnostic(
                "\(owner): 'fallback_to' must be a plain http:// or https:// URL", file: file))
        }
        let domains = allowedDomains(reader, owner: owner)
        guard let template, let fallback, Self.isHTTPURL(fallback.revealed), !fallback.revealed.contains("{{") else { return nil }
        return RecipientSettings(templates: [template], fallback: [fallback], allowedDomains: domains)
    }

    private func recipientTemplate(_ text: String, at node: Node, owner: String, key: String) -> RecipientTemplate? {
        do {
            return try RecipientTemplate(text)
        } catch {
            collector.add(node.diagnostic("\(owner): '\(key)' template: \(error.message)", file: file))
            return nil
        }
    }

    private func reportMissingFallback(_ reader: MappingReader, owner: String, example: String) {
        guard let node = reader.node else { return }
        collector.add(node.diagnostic(
            "\(owner): a templated recipient needs 'fallback_to' (e.g. fallback_to: \(example)) for events whose template renders empty or invalid",
            file: file))
    }

    private func allowedDomains(_ reader: MappingReader, owner: String) -> [String] {
        let domains = stringList(reader, "allowed_domains") ?? []
        for domain in domains where domain.isEmpty || domain.contains(where: { $0 == "@" || $0 == "/" || $0 == ":" || $0.isWhitespace }) {
            collector.add(reader.value("allowed_domains")!.diagnostic(
                "\(owner): 'allowed_domains' entry '\(domain)' must be a domain such as example.com", file: file))
        }
        return domains
    }
}
