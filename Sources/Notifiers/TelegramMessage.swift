import Alerting
import Foundation

/// A Telegram `sendMessage` text in HTML parse mode: a bold title per event, its facts, and
/// "…and N more" when the next event would pass Telegram's 4,096-character limit.
public struct TelegramMessage: Sendable, Equatable {
    /// Telegram's limit on a message's text, counted after entity parsing (what the reader sees);
    /// the HTML source is kept under it, which is stricter.
    public static let characterLimit = 4096

    /// The HTML text.
    public var text: String
    /// Events listed; the rest are counted in the last line.
    public var listedEvents: Int

    public init(_ notification: NotificationPayload, kind: DeliveryKind) {
        let total = notification.events.count + notification.truncatedEvents
        var text = ""
        var listed = 0
        for event in notification.events {
            let block = Self.block(for: event, kind: kind)
            let remaining = total - listed - 1
            let reserve = remaining > 0 ? Self.moreLine(remaining).count + 1 : 0
            if text.count + block.count + reserve > Self.characterLimit, listed > 0 { break }
            text += (text.isEmpty ? "" : "\n\n") + Self.clip(block, to: Self.characterLimit - reserve)
            listed += 1
        }
        if total > listed { text += "\n\n" + Self.moreLine(total - listed) }
        self.text = text
        listedEvents = listed
    }

    /// `<b>[CRITICAL] firing quality_low</b>`, the summary, then one line per fact.
    static func block(for event: AlertEvent, kind: DeliveryKind) -> String {
        let facts = EventFacts(event, kind: kind)
        var lines = ["<b>[\(escape(facts.severity.uppercased()))] \(escape(facts.status)) \(escape(facts.rule))</b>",
                     escape(facts.summary)]
        lines += facts.facts.map { "<i>\(escape($0.label)):</i> \(escape($0.value))" }
        return lines.joined(separator: "\n")
    }

    static func moreLine(_ count: Int) -> String { "…and \(count) more (channelwatch events lists them all)" }

    /// One event's block alone is cut to `limit` (a very long summary), never mid-entity; the limit
    /// leaves room for the "…and N more" line after it.
    static func clip(_ block: String, to limit: Int) -> String {
        guard block.count > limit else { return block }
        let plain = block.replacingOccurrences(of: "<b>", with: "").replacingOccurrences(of: "</b>", with: "")
            .replacingOccurrences(of: "<i>", with: "").replacingOccurrences(of: "</i>", with: "")
        var cut = String(plain.prefix(limit - 1))
        // Do not leave half an entity such as `&am`.
        if let amp = cut.lastIndex(of: "&"), !cut[amp...].contains(";") { cut = String(cut[..<amp]) }
        return cut + "…"
    }

    /// Telegram's HTML mode needs `<`, `>` and `&` escaped (and `"` inside attributes).
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// The `sendMessage` body.
    public func body(chatID: String) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(SendMessage(chatID: chatID, text: text))
    }

    private struct SendMessage: Encodable {
        var chatID: String
        var text: String
        var parseMode = "HTML"
        var disableWebPagePreview = true

        enum CodingKeys: String, CodingKey {
            case chatID = "chat_id", text, parseMode = "parse_mode", disableWebPagePreview = "disable_web_page_preview"
        }
    }
}
