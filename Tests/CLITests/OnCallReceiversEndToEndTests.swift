import Foundation
import JSON
import Testing
import TestSupport

/// PagerDuty, Microsoft Teams, Telegram and Alertmanager through the real binary: the demo's
/// timeline reaches each loopback sink (answering as the services document), `notify-test`
/// reports each service's own refusal, and their secrets — routing key, bot token, Teams URL,
/// bearer token — never show in logs, errors, `check`, metrics or the database.
@Suite struct OnCallReceiversEndToEndTests {
    static let routingKey = "PDR0UT1NGKEY0123456789abcdef0123"
    static let botToken = "987654321:AAtelegramBotTOKENsecret0123456"
    static let teamsSecret = "TEAMSURLSECRET0123"
    static let bearer = "AMBEARERsecret0123"
    static var secrets: [String] { [routingKey, botToken, teamsSecret, bearer] }

    static let pagerDutyAccepted = HTTPSinkAction.respond(.json(
        #"{"status":"success","message":"Event processed","dedup_key":"k"}"#, status: 202))
    static let telegramSent = HTTPSinkAction.respond(.json(
        #"{"ok":true,"result":{"message_id":7,"chat":{"id":-1001234567890,"type":"supergroup"},"date":1764935000}}"#))

    static func json(_ request: RecordedHTTPRequest) throws -> JSONValue { try JSONParser.parse(request.body) }

    static func temporaryDirectory(_ prefix: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func theDemoReachesPagerDutyTeamsTelegramAndAlertmanager() async throws {
        let pagerDuty = try HTTPSink { _ in Self.pagerDutyAccepted }
        let teams = try HTTPSink { _ in .respond(.text("1")) }
        let telegram = try HTTPSink { _ in Self.telegramSent }
        let alertmanager = try HTTPSink { _ in .respond(.text("", status: 200)) }
        defer { pagerDuty.stop(); teams.stop(); telegram.stop(); alertmanager.stop() }
        try await TestDatabase.with { database in
            let directory = try Self.temporaryDirectory("cw-oncall-demo")
            defer { try? FileManager.default.removeItem(at: directory) }
            // The routing key and bot token come from the environment (as an operator should
            // pass secrets), the Teams URL as an option.
            let result = try await ChannelWatchBinary.run(
                ["demo", "--pagerduty-url", pagerDuty.url("/v2/enqueue"),
                 "--teams-url", teams.url("/webhookb2/\(Self.teamsSecret)"),
                 "--telegram-chat-id=-1001234567890", "--telegram-api-url", telegram.url(""),
                 "--alertmanager-url", alertmanager.url("")],
                environment: ["DATABASE_URL": database.connectionString,
                              "CHANNELWATCH_DEMO_DATABASE": "cwdemo_\(database.name.suffix(8))",
                              "CHANNELWATCH_DEMO_PAGERDUTY_ROUTING_KEY": Self.routingKey,
                              "CHANNELWATCH_DEMO_TELEGRAM_BOT_TOKEN": Self.botToken],
                in: directory, timeout: .seconds(120))
            #expect(result.succeeded, "\(result.standardError)")
            let output = result.standardOutput + result.standardError
            #expect(output.contains("receivers: console, pagerduty, msteams, telegram, alertmanager"))
            for secret in Self.secrets { #expect(!output.contains(secret)) }
        }
        let rules = ReceiversEndToEndTests.shippedRules

        // PagerDuty: one event per alert; each state alert that resolved closed the incident its
        // trigger opened (same dedup_key), and every shipped rule opened something.
        let events = try pagerDuty.requests.map(Self.json)
        #expect(events.allSatisfy { $0["routing_key"]?.stringValue == Self.routingKey })
        let actions = Dictionary(grouping: events, by: { $0["dedup_key"]?.stringValue ?? "" })
            .mapValues { Set($0.compactMap { $0["event_action"]?.stringValue }) }
        let closed = actions.filter { $0.value == ["trigger", "resolve"] }.keys
        #expect(closed.contains { $0.hasSuffix("/quality_low") }, "\(actions)")
        let pagedRules = Set(actions.keys.compactMap { $0.split(separator: "/").dropFirst(3).first.map(String.init) })
        #expect(pagedRules == rules)

        // Teams: one Adaptive Card message per notification, each under the 28 KB limit.
        #expect(!teams.requests.isEmpty)
        #expect(teams.requests.allSatisfy { $0.path == "/webhookb2/\(Self.teamsSecret)" && $0.body.count < 28_000 })
        let cards = try teams.requests.map(Self.json)
        #expect(cards.allSatisfy {
            $0["attachments"]?.arrayValue?.first?["contentType"]?.stringValue == "application/vnd.microsoft.card.adaptive"
        })

        // Telegram: the token in the path, the chat and HTML parse mode in the body; one message
        // per notification, as for Teams.
        #expect(telegram.requests.count == teams.requests.count)
        #expect(telegram.requests.allSatisfy { $0.path == "/bot\(Self.botToken)/sendMessage" })
        let messages = try telegram.requests.map(Self.json)
        #expect(messages.allSatisfy {
            $0["chat_id"]?.stringValue == "-1001234567890" && $0["parse_mode"]?.stringValue == "HTML"
                && ($0["text"]?.stringValue?.count ?? 5000) <= 4096
        })

        // Alertmanager: one POST of alerts per notification; every shipped rule is an alertname.
        #expect(alertmanager.requests.count == teams.requests.count)
        #expect(alertmanager.requests.allSatisfy { $0.path == "/api/v2/alerts" })
        let alertnames = Set(try alertmanager.requests.flatMap { request in
            (try Self.json(request).arrayValue ?? []).compactMap { $0["labels"]?["alertname"]?.stringValue }
        })
        #expect(alertnames == rules)
    }

    @Test func notifyTestDeliversThroughEachAndReportsEachServicesRefusal() async throws {
        let pagerDuty = try HTTPSink(actions: [Self.pagerDutyAccepted], otherwise: { _ in
            .respond(.json(#"{"status":"invalid event","message":"Event object is invalid","errors":["'payload.severity' is invalid"]}"#,
                           status: 400))
        })
        let teams = try HTTPSink(actions: [.respond(.text("1"))], otherwise: { _ in
            .respond(.text("Webhook Bad Request - Null or empty event", status: 400))
        })
        let telegram = try HTTPSink(actions: [Self.telegramSent], otherwise: { _ in
            .respond(.json(#"{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}"#, status: 403))
        })
        let alertmanager = try HTTPSink(actions: [.respond(.text(""))], otherwise: { _ in
            .respond(.json(#"{"code":400,"message":"start time must be before end time"}"#, status: 400))
        })
        defer { pagerDuty.stop(); teams.stop(); telegram.stop(); alertmanager.stop() }
        let directory = try Self.temporaryDirectory("cw-oncall-notify")
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.config(pagerDuty: pagerDuty.url("/v2/enqueue"), teams: teams.url("/webhookb2/\(Self.teamsSecret)"),
                        telegram: telegram.url(""), alertmanager: alertmanager.url(""))
            .write(to: directory.appendingPathComponent("channelwatch.yml"), atomically: true, encoding: .utf8)

        let refusals = ["pd": "Event object is invalid", "teams": "Null or empty event",
                        "tg": "bot was blocked by the user", "am": "start time must be before end time"]
        for (receiver, refusal) in refusals.sorted(by: { $0.key < $1.key }) {
            let delivered = try await ChannelWatchBinary.run(["notify-test", receiver], in: directory)
            #expect(delivered.succeeded, "\(receiver): \(delivered.standardOutput) \(delivered.standardError)")
            #expect(delivered.standardOutput.contains("notify-test \(receiver) (") && delivered.standardOutput.contains("delivered"))
            let refused = try await ChannelWatchBinary.run(["notify-test", receiver], in: directory)
            let output = refused.standardOutput + refused.standardError
            #expect(refused.exitCode == 1, "\(receiver): \(output)")
            #expect(output.contains("permanent failure") && output.contains(refusal), "\(receiver): \(output)")
            for secret in Self.secrets { #expect(!output.contains(secret), "\(receiver): \(output)") }
        }
        // The test messages say they are tests.
        #expect(try Self.json(pagerDuty.requests[0])["payload"]?["summary"]?.stringValue?.lowercased().contains("test") == true)
        #expect(telegram.requests[0].bodyText.lowercased().contains("test"))
        #expect(teams.requests[0].bodyText.lowercased().contains("test"))
        #expect(alertmanager.requests[0].header("Authorization") == "Bearer \(Self.bearer)")
    }

    @Test func secretsStayOutOfLogsErrorsCheckMetricsAndTheDatabase() async throws {
        let pagerDuty = try HTTPSink { _ in .respond(.json(#"{"status":"invalid event","message":"Event object is invalid"}"#, status: 400)) }
        let teams = try HTTPSink { _ in .respond(.text("Too many requests", status: 429)) }
        let alertmanager = try HTTPSink { _ in .respond(.text("upstream unavailable", status: 503)) }
        defer { pagerDuty.stop(); teams.stop(); alertmanager.stop() }
        // Nothing listens on the Telegram port: libcurl's error would name the URL — and with it
        // the bot token — if the receiver did not redact it.
        let closedPort = try LoopbackPort.free()
        let scenario = RunWorld.smallScenario(partner: "oncall-partner", steps: """
                - {name: c1 drops to Low, changes: [{channel: c1, set: {current_quality_rating: Low}}]}
            """)
        try await RunWorld.with(scenario: scenario, routes: "[{receivers: [hook, pd, teams, tg, am]}]") { world in
            let config = try String(contentsOf: world.configFile, encoding: .utf8)
            let receivers = Self.config(pagerDuty: pagerDuty.url("/v2/enqueue"), teams: teams.url("/webhookb2/\(Self.teamsSecret)"),
                                        telegram: "http://127.0.0.1:\(closedPort)", alertmanager: alertmanager.url(""),
                                        receiversOnly: true)
            try config.replacingOccurrences(of: "receivers:\n", with: "receivers:\n\(receivers)")
                .write(to: world.configFile, atomically: true, encoding: .utf8)

            let check = try await world.command(["check"])
            #expect(check.succeeded, "\(check.standardError)")
            #expect(check.standardOutput.contains("routing_key") && check.standardOutput.contains("bot_token"))

            let worker = try world.startWorker()
            try await world.eventually("the first poll", workers: [worker]) {
                try await world.count("SELECT count(*) FROM polls") >= 1
            }
            await world.simulator.advance()
            try await world.eventually("a failed attempt at every on-call receiver", workers: [worker]) {
                try await world.count("""
                    SELECT count(DISTINCT receiver) FROM deliveries
                    WHERE receiver IN ('pd', 'teams', 'tg', 'am') AND last_error IS NOT NULL
                    """) == 4
            }
            let metrics = await worker.get("/metrics")?.body ?? ""
            #expect(metrics.contains("receiver=\"tg\""))
            let listed = try await world.command(["deliveries", "list", "--json"])
            #expect(listed.succeeded, "\(listed.standardError)")
            #expect(listed.standardOutput.contains("Event object is invalid"))
            _ = await worker.terminate()
            let dump = try await ProcessRunner.run("/usr/bin/pg_dump", ["--data-only", world.database.connectionString])
            #expect(dump.succeeded)
            #expect(dump.standardOutput.contains("Event object is invalid"), "the refusal is recorded")
            // The errors name the URLs with their secret parts masked.
            #expect(dump.standardOutput.contains("POST http://127.0.0.1:\(closedPort)/***: connection"))
            #expect(dump.standardOutput.contains("(\(teams.url(""))/***): rate limited by Microsoft Teams (HTTP 429)"))

            let places = ["check": check.standardOutput + check.standardError, "logs": worker.output, "metrics": metrics,
                          "deliveries list": listed.standardOutput + listed.standardError, "database": dump.standardOutput]
            for (place, text) in places {
                for secret in Self.secrets { #expect(!text.contains(secret), "\(secret) in \(place)") }
            }
        }
    }

    /// The four receivers, as a whole config file or (`receiversOnly`) as the entries of a
    /// `receivers:` list.
    static func config(pagerDuty: String, teams: String, telegram: String, alertmanager: String,
                       receiversOnly: Bool = false) -> String {
        let receivers = """
              - {name: pd, type: pagerduty, routing_key: "\(routingKey)", url: "\(pagerDuty)"}
              - {name: teams, type: msteams, url: "\(teams)"}
              - {name: tg, type: telegram, bot_token: "\(botToken)", chat_id: "-1001234567890", url: "\(telegram)"}
              - {name: am, type: alertmanager, url: "\(alertmanager)", bearer_token: "\(bearer)"}

            """
        if receiversOnly { return receivers }
        return """
            partners: [{id: p1, api_key: k}]
            receivers:
            \(receivers)routes: [{receivers: [pd, teams, tg, am]}]
            """
    }
}
