import Foundation

/// A recipient written as a template over the event: an email receiver's `to` entry
/// (`{{channel.client.contact_info.email}}`) or a webhook receiver's `url`
/// (`https://hooks.example.com/{{channel.client_id}}`).
///
/// Only variable tags are allowed (`{{name}}`, `{{{name}}}`, `{{&name}}`), no sections: a
/// recipient is one value, and an empty one goes to the receiver's `fallback_to`.
///
/// The template's own text may be a credential (a webhook URL's token), so what ChannelWatch
/// stores for a delivery is only ``Part/tag`` values: the text is put back in when it is sent.
public struct RecipientTemplate: Sendable, Equatable {
    /// Literal text, or a tag whose rendered value is substituted.
    public enum Part: Sendable, Equatable {
        case text(String)
        /// The tag's dotted name, e.g. `channel.client.contact_info.email`.
        case tag(String)
    }

    /// The parts in order.
    public let parts: [Part]

    /// Whether the text has any tag (a plain address or URL is not a template).
    public var isTemplated: Bool { parts.contains { if case .tag = $0 { true } else { false } } }

    /// The tags' names, in order.
    public var tagNames: [String] { parts.compactMap { if case .tag(let name) = $0 { name } else { nil } } }

    /// Why a recipient template is refused; the message never quotes the template's text.
    public struct Problem: Error, Sendable, Equatable {
        public let message: String
    }

    /// Splits `source` into text and tags.
    public init(_ source: String) throws(Problem) {
        var parts: [Part] = []
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            var body = rest[open.upperBound...]
            let triple = body.hasPrefix("{")
            if triple { body = body.dropFirst() }
            let closing = triple ? "}}}" : "}}"
            guard let close = body.range(of: closing) else {
                throw Problem(message: "a tag is opened with '{{' but not closed with '\(closing)'")
            }
            var name = body[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !triple, name.hasPrefix("&") { name = String(name.dropFirst()).trimmingCharacters(in: .whitespaces) }
            guard let first = name.first, first.isLetter || first == "_" else {
                throw Problem(message: name.first.map { "'{{\($0)' tags are not allowed in a recipient; use {{name}} tags only" }
                    ?? "a tag has no name")
            }
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" }) else {
                throw Problem(message: "tag '\(name)' is not a dotted name such as channel.client.contact_info.email")
            }
            parts.append(.tag(name))
            rest = body[close.upperBound...]
        }
        if rest.contains("}}") { throw Problem(message: "'}}' without a matching '{{'") }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    /// The recipient with each tag replaced by its value, in order; missing values are empty.
    public func assembled<Values: Collection<String>>(_ values: Values) -> String {
        var iterator = values.makeIterator()
        return parts.map { part in
            switch part {
            case .text(let text): text
            case .tag: iterator.next() ?? ""
            }
        }.joined()
    }
}

/// Recipients rendered per event: the receiver's templates, where a group goes when one
/// renders empty or invalid, and the domains a rendered recipient must be in.
public struct RecipientSettings: Sendable {
    /// The templates: an email receiver's `to` entries, or a webhook receiver's one `url`.
    public var templates: [RecipientTemplate]
    /// `fallback_to`: addresses for email, one URL (a secret) for a webhook.
    public var fallback: [Secret]
    /// `allowed_domains`: a rendered address's domain or URL's host must be one of these or
    /// under one of them; empty allows any.
    public var allowedDomains: [String]

    public init(templates: [RecipientTemplate], fallback: [Secret], allowedDomains: [String] = []) {
        self.templates = templates
        self.fallback = fallback
        self.allowedDomains = allowedDomains
    }

    /// How many values a rendering has: one per tag of every template.
    public var valueCount: Int { templates.reduce(0) { $0 + $1.tagNames.count } }

    /// A delivery's stored `values` when they still fit the templates, nil for the fallback: no
    /// values (nothing usable was rendered), or a count that a changed template no longer has.
    public func storedValues(_ values: [String]?) -> [String]? {
        guard let values, values.count == valueCount else { return nil }
        return values
    }

    /// The recipients as rendered from stored `values` (one per tag, templates in order).
    public func assembled(_ values: [String]) -> [String] {
        var offset = 0
        return templates.map { template in
            let count = template.tagNames.count
            defer { offset += count }
            return template.assembled(values[min(offset, values.count)..<min(offset + count, values.count)])
        }
    }

    /// A webhook's URL rendered from stored `values`, each value percent-encoded except RFC 3986's
    /// unreserved characters, so a value can fill a path segment or a host label but never add a
    /// path, query or userinfo of its own.
    public func assembledURL(_ values: [String]) -> String {
        assembled(values.map { $0.addingPercentEncoding(withAllowedCharacters: Self.unreserved) ?? "" })[0]
    }

    private static let unreserved = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Whether `host` is allowed: no list, or equal to or under one of the domains.
    public func allows(host: String) -> Bool {
        guard !allowedDomains.isEmpty else { return true }
        let host = host.lowercased()
        return allowedDomains.contains { domain in
            let domain = domain.lowercased()
            return host == domain || host.hasSuffix("." + domain)
        }
    }
}
