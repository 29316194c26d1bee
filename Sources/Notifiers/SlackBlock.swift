/// One Block Kit block of a Slack message, as ChannelWatch uses them.
public enum SlackBlock: Sendable, Equatable, Encodable {
    /// A `header` block: plain text, at most ``SlackMessage/maximumHeaderLength`` characters.
    case header(String)
    /// A `section` block with `mrkdwn` text, at most ``SlackMessage/maximumSectionLength``.
    case section(String)
    /// A `context` block with one `mrkdwn` element: small grey text.
    case context(String)

    /// The text the block shows.
    public var text: String {
        switch self {
        case .header(let text), .section(let text), .context(let text): text
        }
    }

    private enum CodingKeys: String, CodingKey { case type, text, elements }

    private struct TextObject: Encodable {
        var type: String
        var text: String
        var emoji: Bool?
    }

    /// Writes the block in Block Kit's JSON shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .header(let text):
            try container.encode("header", forKey: .type)
            try container.encode(TextObject(type: "plain_text", text: text, emoji: true), forKey: .text)
        case .section(let text):
            try container.encode("section", forKey: .type)
            try container.encode(TextObject(type: "mrkdwn", text: text), forKey: .text)
        case .context(let text):
            try container.encode("context", forKey: .type)
            try container.encode([TextObject(type: "mrkdwn", text: text)], forKey: .elements)
        }
    }
}
