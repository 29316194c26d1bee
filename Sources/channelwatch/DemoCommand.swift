import ArgumentParser
import Config
import Demo
import Foundation
import LocalPostgres
import Logging
import Postgres
import Worker

/// `channelwatch demo`: the zero-configuration tour.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The zero-configuration tour: simulator + PostgreSQL + shipped rules + console notifications.",
        discussion: """
            Uses the PostgreSQL server named by DATABASE_URL or the PG* variables when it is reachable (in a \
            database of its own, channelwatch_demo or $CHANNELWATCH_DEMO_DATABASE, created afresh); otherwise starts a private one under \
            ./.channelwatch-demo and stops it at exit. Real receivers can be added with the options below or \
            the environment variables CHANNELWATCH_DEMO_SLACK_URL, CHANNELWATCH_DEMO_WEBHOOK_URL, \
            CHANNELWATCH_DEMO_SMTP_URL (+ CHANNELWATCH_DEMO_EMAIL_TO), CHANNELWATCH_DEMO_PAGERDUTY_ROUTING_KEY, \
            CHANNELWATCH_DEMO_TEAMS_URL, CHANNELWATCH_DEMO_TELEGRAM_BOT_TOKEN (+ CHANNELWATCH_DEMO_TELEGRAM_CHAT_ID) \
            and CHANNELWATCH_DEMO_ALERTMANAGER_URL. Prefer the environment for secrets: options show in the \
            process list.
            """)

    @Option(name: .customLong("slack-url"), help: "Also notify this Slack incoming webhook.") var slackURL: String?
    @Option(name: .customLong("webhook-url"), help: "Also POST payload v1 to this URL.") var webhookURL: String?
    @Option(name: .customLong("webhook-secret"), help: "Sign the webhook with this secret.") var webhookSecret: String?
    @Option(name: .customLong("smtp-url"), help: "Also email through this SMTP server (smtp:// or smtps://).") var smtpURL: String?
    @Option(name: .customLong("email-to"), help: "Recipient of the demo emails.") var emailTo: String?
    @Option(name: .customLong("pagerduty-routing-key"), help: "Also open PagerDuty incidents with this Events API v2 routing key.")
    var pagerDutyRoutingKey: String?
    @Option(name: .customLong("pagerduty-url"), help: ArgumentHelp("PagerDuty's enqueue endpoint (default \(PagerDutySettings.defaultURL)).", visibility: .hidden))
    var pagerDutyURL: String?
    @Option(name: .customLong("teams-url"), help: "Also post to this Microsoft Teams incoming webhook or Workflows URL.") var teamsURL: String?
    @Option(name: .customLong("telegram-bot-token"), help: "Also message a Telegram chat through this bot (needs --telegram-chat-id).")
    var telegramBotToken: String?
    @Option(name: .customLong("telegram-chat-id"), help: "The Telegram chat: a numeric id or @channelname.") var telegramChatID: String?
    @Option(name: .customLong("telegram-api-url"), help: ArgumentHelp("The Bot API's base URL (default \(TelegramSettings.defaultURL)).", visibility: .hidden))
    var telegramAPIURL: String?
    @Option(name: .customLong("alertmanager-url"), help: "Also forward the alerts to this Alertmanager (base URL, e.g. http://localhost:9093).")
    var alertmanagerURL: String?
    @Flag(name: .customLong("json"), help: "Print the summary as JSON at the end.") var json = false
    @OptionGroup var log: LogOptions

    func run() async throws {
        log.bootstrap()
        var logger = Logger(label: "channelwatch.demo")
        if log.level == "info" { logger.logLevel = .warning }
        let scenario = try ShippedFiles.locate("scenarios", containing: "demo.yml").appendingPathComponent("demo.yml")
        let rules = try ShippedFiles.locate("Rules", containing: "channel-health.yml", override: "CHANNELWATCH_RULES_DIR")
        let migrations = try MigrationsDirectory.locate()

        let (databaseURL, privateServer) = try await prepareDatabase(logger: logger)
        let options = DemoTour.Options(scenarioPath: scenario.path, rulesPath: rules.path,
                                       extraReceivers: try extraReceivers(), databaseURL: databaseURL)
        let outcome: Result<DemoTour.Summary, any Error>
        do {
            outcome = .success(try await DemoTour(options: options, logger: logger).run(migrationsDirectory: migrations))
        } catch {
            outcome = .failure(error)
        }
        if let privateServer {
            try? await privateServer.stop()
            print("   (the private PostgreSQL under \(privateServer.directory.path) was stopped)")
        }
        let summary = try outcome.get()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(summary), as: UTF8.self))
        }
    }

    /// The server of DATABASE_URL/PG* when reachable (a fresh `channelwatch_demo` database on it),
    /// else a private server under the working directory.
    private func prepareDatabase(logger: Logger) async throws -> (String, PrivatePostgres?) {
        let name = ProcessInfo.processInfo.environment["CHANNELWATCH_DEMO_DATABASE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "channelwatch_demo"
        guard DatabaseServer.isPlainIdentifier(name) else {
            printToStandardError("error: CHANNELWATCH_DEMO_DATABASE must be letters, digits and _ only")
            throw ExitCode.failure
        }
        let directory = URL(fileURLWithPath: ".channelwatch-demo/postgres").standardizedFileURL
        let server: DatabaseServer
        do {
            server = try await DatabaseServer.locate(applicationName: "channelwatch-demo", logger: logger) {
                print("No PostgreSQL reachable through DATABASE_URL/PG*: starting a private one under \(directory.path) …")
                return try await PrivatePostgres.start(in: directory)
            }
        } catch {
            printToStandardError("error: could not start a private PostgreSQL: \(error)")
            throw ExitCode.failure
        }
        switch server {
        case .private(let privateServer):
            return (privateServer.connectionString(), privateServer)
        case .external:
            do {
                let demo = try await server.createDatabase(name, replacing: true, logger: logger)
                print("Using PostgreSQL at \(demo.redactedDescription) (database \(name), created afresh).")
                return (demo.connectionString, nil)
            } catch {
                printToStandardError("error: the demo \(error)")
                throw ExitCode.failure
            }
        }
    }

    private func extraReceivers() throws -> [ReceiverConfig] {
        let environment = ProcessInfo.processInfo.environment
        var receivers: [ReceiverConfig] = []
        if let url = slackURL ?? environment["CHANNELWATCH_DEMO_SLACK_URL"], !url.isEmpty {
            receivers.append(ReceiverConfig(name: "slack", kind: .slack(url: Secret(url))))
        }
        if let url = webhookURL ?? environment["CHANNELWATCH_DEMO_WEBHOOK_URL"], !url.isEmpty {
            let secret = webhookSecret ?? environment["CHANNELWATCH_DEMO_WEBHOOK_SECRET"]
            receivers.append(ReceiverConfig(name: "webhook", kind: .webhook(url: Secret(url), secret: secret.map(Secret.init))))
        }
        if let url = smtpURL ?? environment["CHANNELWATCH_DEMO_SMTP_URL"], !url.isEmpty {
            guard let to = emailTo ?? environment["CHANNELWATCH_DEMO_EMAIL_TO"] else {
                throw ValidationError("--smtp-url needs --email-to (or CHANNELWATCH_DEMO_EMAIL_TO)")
            }
            receivers.append(ReceiverConfig(name: "email", kind: .email(EmailSettings(
                smtpURL: url, requireTLS: url.hasPrefix("smtps://") || environment["CHANNELWATCH_DEMO_SMTP_PLAIN"] == nil,
                from: "ChannelWatch demo <channelwatch-demo@localhost>", to: [to]))))
        }
        receivers += try onCallReceivers(environment)
        return receivers
    }

    /// PagerDuty, Teams, Telegram and Alertmanager, for those the options or environment name.
    private func onCallReceivers(_ environment: [String: String]) throws -> [ReceiverConfig] {
        func value(_ option: String?, _ variable: String) -> String? {
            (option ?? environment["CHANNELWATCH_DEMO_\(variable)"]).flatMap { $0.isEmpty ? nil : $0 }
        }
        var receivers: [ReceiverConfig] = []
        if let key = value(pagerDutyRoutingKey, "PAGERDUTY_ROUTING_KEY") {
            receivers.append(ReceiverConfig(name: "pagerduty", kind: .pagerduty(PagerDutySettings(
                routingKey: Secret(key), url: value(pagerDutyURL, "PAGERDUTY_URL") ?? PagerDutySettings.defaultURL))))
        }
        if let url = value(teamsURL, "TEAMS_URL") {
            receivers.append(ReceiverConfig(name: "msteams", kind: .msteams(url: Secret(url))))
        }
        if let token = value(telegramBotToken, "TELEGRAM_BOT_TOKEN") {
            guard let chat = value(telegramChatID, "TELEGRAM_CHAT_ID") else {
                throw ValidationError("--telegram-bot-token needs --telegram-chat-id (or CHANNELWATCH_DEMO_TELEGRAM_CHAT_ID)")
            }
            receivers.append(ReceiverConfig(name: "telegram", kind: .telegram(TelegramSettings(
                botToken: Secret(token), chatID: chat, url: value(telegramAPIURL, "TELEGRAM_API_URL") ?? TelegramSettings.defaultURL))))
        }
        if let url = value(alertmanagerURL, "ALERTMANAGER_URL") {
            receivers.append(ReceiverConfig(name: "alertmanager", kind: .alertmanager(AlertmanagerSettings(url: url))))
        }
        return receivers
    }
}
