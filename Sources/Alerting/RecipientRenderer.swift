import Config
import Foundation
import Rules

/// Renders per-client recipients: for each receiver whose email `to` or webhook `url` is a
/// template, the values its tags take for one event, or why the event goes to `fallback_to`.
///
/// Pure. What it returns is stored with the event (``AlertEvent/recipients``): the tags' values
/// only, never the template's text, which may hold a credential.
public struct RecipientRenderer: Sendable {
    /// Why one event's recipient for one receiver is its fallback.
    public struct Fallback: Hashable, Sendable {
        public var receiver: String
        public var reason: String

        public init(receiver: String, reason: String) {
            self.receiver = receiver
            self.reason = reason
        }
    }

    private struct Templated: Sendable {
        let settings: RecipientSettings
        let isEmail: Bool
        /// One compiled `{{name}}` per tag, in order.
        let tags: [RuleTemplate]
    }

    private let receivers: [String: Templated]

    /// The templated receivers among `receivers` (the config loader has validated them).
    public init(receivers: [ReceiverConfig]) {
        var templated: [String: Templated] = [:]
        for receiver in receivers {
            guard let settings = receiver.recipients else { continue }
            let isEmail = if case .email = receiver.kind { true } else { false }
            let tags = settings.templates.flatMap(\.tagNames).compactMap { try? RuleTemplate("{{\($0)}}") }
            templated[receiver.name] = Templated(settings: settings, isEmail: isEmail, tags: tags)
        }
        self.receivers = templated
    }

    /// Whether any receiver has templated recipients.
    public var isEmpty: Bool { receivers.isEmpty }

    /// Whether `receiver` has templated recipients (its deliveries are grouped per recipient).
    public func isTemplated(_ receiver: String) -> Bool { receivers[receiver] != nil }

    /// The tags' values for each templated receiver among `targets` whose rendering is a valid
    /// recipient, and the fallbacks (with why) for the others.
    public func render(_ variables: TemplateVariables, for targets: [String]) -> (values: [String: [String]], fallbacks: [Fallback]) {
        var values: [String: [String]] = [:]
        var fallbacks: [Fallback] = []
        for receiver in targets {
            guard let templated = receivers[receiver] else { continue }
            let rendered = templated.tags.map { $0.render(variables).trimmingCharacters(in: .whitespacesAndNewlines) }
            let recipients = templated.isEmail ? templated.settings.assembled(rendered) : [templated.settings.assembledURL(rendered)]
            if let problem = Self.problem(recipients, values: rendered, templated: templated) {
                fallbacks.append(Fallback(receiver: receiver, reason: problem))
            } else {
                values[receiver] = rendered
            }
        }
        return (values, fallbacks)
    }

    /// Why rendered recipients are not usable, or `nil` when they are.
    private static func problem(_ recipients: [String], values: [String], templated: Templated) -> String? {
        let what = templated.isEmail ? "'to'" : "'url'"
        if values.contains(where: \.isEmpty) { return "\(what) renders empty" }
        for recipient in recipients {
            let host: String
            if templated.isEmail {
                guard let domain = emailDomain(recipient) else { return "\(what) renders '\(recipient)', not an email address" }
                host = domain
            } else {
                // The URL may hold a credential: name only what is wrong with it.
                guard let url = URL(string: recipient), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                      let urlHost = url.host, !urlHost.isEmpty else { return "\(what) renders no http(s) URL" }
                host = urlHost
            }
            if !templated.settings.allows(host: host) {
                return "\(what) renders \(templated.isEmail ? "an address in" : "a URL on") '\(host)', outside allowed_domains"
            }
        }
        return nil
    }

    /// The domain of a plain `local@domain` address, or `nil` when `text` is not one.
    static func emailDomain(_ text: String) -> String? {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !text.contains(where: { $0.isWhitespace || "<>,;:\"()[]\\".contains($0) }) else { return nil }
        return String(parts[1])
    }
}
