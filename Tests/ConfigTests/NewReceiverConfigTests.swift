import Config
import Foundation
import JSON
import Testing
import YAMLSupport

/// `pagerduty`, `msteams`, `telegram` and `alertmanager` receivers: read, validated with
/// FILE:LINE:COLUMN, and redacted in `check` output.
@Suite struct NewReceiverConfigTests {
    static let routingKey = "R0UT1NGKEYsecret0123456789abcdef"
    static let botToken = "123456789:AAHsecretBotTokenPart0123456789abcd"
    static let teamsURL = "https://example.webhook.office.com/webhookb2/TEAMSSECRETPATH/IncomingWebhook/x/y"
    static let environment = ["PD_KEY": routingKey, "TG_TOKEN": botToken, "TEAMS_URL": teamsURL, "AM_PASSWORD": "AMPASSsecret"]

    let loader = ConfigLoaderTests()

    static let valid = """
        partners:
          - {id: p1, api_key: k}
        receivers:
          - {name: pager, type: pagerduty, routing_key: "${PD_KEY}", console_url: "https://cw.example.com"}
          - {name: teams, type: msteams, url: "${TEAMS_URL}"}
          - {name: tg, type: telegram, bot_token: "${TG_TOKEN}", chat_id: "-1001234567890"}
          - {name: am, type: alertmanager, url: "http://alertmanager:9093/", basic_auth: {username: cw, password: "${AM_PASSWORD}"}}
        routes:
          - {receivers: [pager, teams, tg, am]}
        """

    @Test func eachNewReceiverIsReadWithItsDefaults() throws {
        let (result, _) = try loader.load(Self.valid, environment: Self.environment)
        let receivers = try result.get().receivers
        #expect(receivers.map(\.typeName) == ["pagerduty", "msteams", "telegram", "alertmanager"])
        guard case .pagerduty(let pager) = receivers[0].kind, case .telegram(let telegram) = receivers[2].kind,
              case .alertmanager(let alertmanager) = receivers[3].kind else {
            Issue.record("wrong kinds"); return
        }
        #expect(pager.url == "https://events.pagerduty.com/v2/enqueue" && pager.routingKey.revealed == Self.routingKey)
        #expect(telegram.url == "https://api.telegram.org" && telegram.chatID == "-1001234567890")
        #expect(alertmanager.url == "http://alertmanager:9093" && alertmanager.basicAuth?.username == "cw")
    }

    @Test func checkOutputRedactsEverySecret() throws {
        let (result, _) = try loader.load(Self.valid, environment: Self.environment)
        let text = String(decoding: try result.get().redacted.encoded(), as: UTF8.self)
        for secret in [Self.routingKey, Self.botToken, "AAHsecretBotTokenPart", "TEAMSSECRETPATH", "AMPASSsecret"] {
            #expect(!text.contains(secret), "\(secret) in \(text)")
        }
        #expect(text.contains(#""chat_id":"-1001234567890""#))
        #expect(text.contains(#""type":"msteams""#) && text.contains("example.webhook.office.com"))
    }

    @Test func badValuesAreNamedWithoutEchoingSecrets() throws {
        let found = try loader.errors("""
            partners:
              - {id: p1, api_key: k}
            receivers:
              - {name: pager, type: pagerduty, routing_key: "short-SECRETKEY"}
              - {name: teams, type: msteams, url: "ftp://TEAMSSECRET"}
              - {name: tg, type: telegram, bot_token: "NOTATOKENSECRET", chat_id: "my chat"}
              - {name: am, type: alertmanager, url: "alertmanager:9093", basic_auth: {username: u, password: p}, bearer_token: t}
              - {name: tg2, type: telegram, chat_id: "@alerts_channel"}
            routes:
              - {receivers: [pager, teams, tg, am, tg2]}
            """, environment: Self.environment)
        #expect(found == [
            "F:4:49: receiver pager: 'routing_key' must be the 32-character integration key of an Events API v2 integration",
            "F:5:39: receiver teams: 'url' must be an https:// Teams incoming-webhook or Workflows URL",
            "F:6:43: receiver tg: 'bot_token' must be the token BotFather gave, digits, ':' and at least 30 more characters",
            "F:6:71: receiver tg: 'chat_id' must be a numeric chat id (e.g. -1001234567890) or @channelname, found 'my chat'",
            "F:7:41: receiver am: 'url' must be the Alertmanager's http:// or https:// base URL, found 'alertmanager:9093'",
            "F:7:74: receiver am: give 'basic_auth' or 'bearer_token', not both",
            "F:8:5: missing required key 'bot_token'",
        ], "\(found)")
        for line in found { #expect(!line.contains("SECRET"), "\(line)") }
    }
}
