import Alerting
import Config
import Curl
import Foundation
import JSON

/// Telegram's Bot API `sendMessage`: one HTML message per notification to `chat_id`.
///
/// The bot token is part of the request path (`/bot<token>/sendMessage`), so the URL is a
/// credential: reasons show the host only and mask the token wherever a server echoes it.
public struct TelegramReceiver: Receiver {
    public let name: String
    private let settings: TelegramSettings
    private let client: HTTPClient
    private let timeout: Duration

    public init(name: String, settings: TelegramSettings, client: HTTPClient = .shared, timeout: Duration = .seconds(15)) {
        self.name = name
        self.settings = settings
        self.client = client
        self.timeout = timeout
    }

    public func deliver(_ notification: NotificationPayload, kind: DeliveryKind) async -> DeliveryOutcome {
        let label = "telegram receiver '\(name)'"
        let token = settings.botToken.revealed
        let url = Secret("\(settings.url)/bot\(token)/sendMessage")
        let reasonText = ReasonText(secrets: [token, url.revealed] + token.split(separator: ":").map(String.init))
        let body: Data
        do {
            body = try TelegramMessage(notification, kind: kind).body(chatID: settings.chatID)
        } catch {
            return .dead(reason: "\(label): could not encode the Telegram message: \(error)")
        }
        let post = ReceiverPost(url: url, service: .telegram, label: label, client: client, timeout: timeout,
                                reasonText: reasonText)
        return await post.send(body, headers: [HTTPHeader(name: "Content-Type", value: "application/json")])
    }
}

extension ReceiverService {
    /// Telegram's Bot API: success is `{"ok": true, ...}`; errors carry `description`, and a 429
    /// says how long to wait in `parameters.retry_after` (seconds).
    public static let telegram = ReceiverService(
        name: "Telegram", urlKind: "Bot API URL",
        acceptsBody: { body in (try? JSONParser.parse(Data(body.utf8)))?["ok"] == .bool(true) },
        acceptedDescription: "{\"ok\": true}",
        retryAfterInBody: { body in
            guard case .number(let seconds)? = (try? JSONParser.parse(Data(body.utf8)))?["parameters"]?["retry_after"],
                  seconds >= 0 else { return nil }
            return .seconds(Int64(seconds.rounded(.up)))
        },
        advice: { body in
            let description = (try? JSONParser.parse(Data(body.utf8)))?["description"]?.stringValue ?? ""
            switch description {
            case let text where text.contains("chat not found"):
                return "Telegram said '\(text)': check chat_id, and that the bot was added to that chat."
            case let text where text.contains("bot was blocked") || text.contains("kicked") || text.contains("not a member"):
                return "Telegram said '\(text)': add the bot to the chat again (or unblock it), then retry the delivery."
            case let text where text.contains("Unauthorized") || text.contains("Not Found"):
                return "Telegram said '\(text)': the bot_token is wrong or revoked; get a new one from BotFather."
            case let text where text.contains("can't parse entities"):
                return "Telegram could not read the message's HTML ('\(text)'); this is a ChannelWatch bug, please report it."
            case "":
                return "Telegram refused the message; check bot_token and chat_id."
            default:
                return "Telegram said '\(description)'; check bot_token and chat_id."
            }
        })
}
