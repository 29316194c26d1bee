import Alerting
import Config
import Foundation
import Logging
import Notifiers
import PartnerAPI
import Postgres
import Rules
import Worker

/// The zero-configuration tour (`channelwatch demo`): the simulator plays a scripted timeline,
/// ChannelWatch polls it with the shipped rules, records into PostgreSQL and notifies the console
/// (and any real receiver given), and the story is told as it happens.
public struct DemoTour {
    /// Where things are and what to add.
    public struct Options: Sendable {
        /// The bundled scenario (`scenarios/demo.yml`).
        public var scenarioPath: String
        /// The shipped rules (`Rules/`).
        public var rulesPath: String
        /// Receivers besides the console (Slack, webhook, email given on the command line).
        public var extraReceivers: [ReceiverConfig]
        /// A PostgreSQL server ready to use (a libpq connection string to a database the demo owns).
        public var databaseURL: String

        public init(scenarioPath: String, rulesPath: String, extraReceivers: [ReceiverConfig], databaseURL: String) {
            self.scenarioPath = scenarioPath
            self.rulesPath = rulesPath
            self.extraReceivers = extraReceivers
            self.databaseURL = databaseURL
        }
    }

    /// What the tour did.
    public struct Summary: Sendable, Codable {
        public var polls = 0
        public var events = 0
        public var firing = 0
        public var resolved = 0
        public var changed = 0
        public var deliveries = 0
        public var delivered = 0
        public var dead = 0
        /// Shipped rules that produced at least one event.
        public var rulesSeen: [String] = []
        /// Shipped rules that never did (should be none).
        public var rulesNotSeen: [String] = []
        /// State rules that fired and later resolved.
        public var rulesResolved: [String] = []
        /// From the change in the simulator to its notification, through a partner webhook.
        public var webhookSeconds: Double?
        /// Events recorded but not sent because a silence matched them.
        public var silenced = 0
        /// Events recorded but not sent because a firing alert inhibited them.
        public var inhibited = 0
    }

    private let options: Options
    let logger: Logger
    let say: @Sendable (String) -> Void

    public init(options: Options, logger: Logger, say: @escaping @Sendable (String) -> Void = { print($0) }) {
        self.options = options
        self.logger = logger
        self.say = say
    }

    /// Runs the whole timeline and returns the summary; the simulator is stopped either way.
    public func run(migrationsDirectory: URL) async throws -> Summary {
        let scenario = try ScenarioLoader.load(path: options.scenarioPath)
        let simulator = PartnerAPISimulator(scenario: scenario)
        try await simulator.start()
        let database = PostgresClient(PostgresConfiguration(connectionString: options.databaseURL,
                                                            applicationName: "channelwatch-demo"), logger: logger)
        do {
            let summary = try await tour(scenario: scenario, simulator: simulator, database: database,
                                         migrationsDirectory: migrationsDirectory)
            await simulator.stop()
            await database.close()
            return summary
        } catch {
            await simulator.stop()
            await database.close()
            throw error
        }
    }

    private func tour(scenario: Scenario, simulator: PartnerAPISimulator, database: PostgresClient,
                      migrationsDirectory: URL) async throws -> Summary {
        let baseURL = await simulator.baseURL ?? "http://127.0.0.1"
        let receivers = [ReceiverConfig(name: "console", kind: .console)] + options.extraReceivers
        let config = ChannelWatchConfig(
            file: "(demo)",
            partners: scenario.partners.map {
                PartnerConfig(id: $0.id, apiKey: Secret($0.apiKey), baseURL: baseURL, pageSize: 10, concurrency: 4,
                              webhook: PartnerWebhookConfig(secrets: [Self.webhookSecret], debounce: .zero))
            },
            database: DatabaseConfig(url: options.databaseURL), rules: [options.rulesPath],
            receivers: receivers, routes: [RouteConfig(receivers: receivers.map(\.name), groupBy: ["rule"])],
            inhibitRules: [Self.bannedWABAInhibits])
        _ = try await Migrator(directory: migrationsDirectory, logger: logger).migrate(using: database)
        let rules = try LoadedRules.load(paths: config.rules)
        let settings = WorkerSettings(config: config, rules: rules, receivers: ReceiverFactory.make(config.receivers),
                                      database: database, metrics: WorkerMetrics(), logger: logger)
        let poller = LivePartnerPoller(logger: logger)

        say("ChannelWatch demo: a simulated Partner API at \(baseURL) with \(scenario.partners.count) partner(s), "
            + "\(rules.ruleSet.rules.count) shipped rules, receivers: \(receivers.map(\.name).joined(separator: ", ")).")
        var summary = Summary()
        var allEvents: [AlertEvent] = []
        for pollNumber in 1...(scenario.timeline.steps.count + 1) {
            say("")
            if pollNumber == 1 {
                say("── Poll 1: the first look at every channel (conditions that already hold would fire now)")
            } else {
                say("── Poll \(pollNumber): \(scenario.timeline.steps[pollNumber - 2].name)")
            }
            if pollNumber == 4 { try await silenceOneLimitRaise(database: database) }
            for partner in config.partners {
                let stream = poller.stream(partner, deadline: .seconds(60))
                let outcome = try await settings.recorder.record(stream, firstPoll: .notify, failingAfter: 3)
                let observed = await stream.summary.value
                summary.polls += 1
                summary.events += outcome.events.count
                summary.deliveries += outcome.deliveries
                allEvents += outcome.events
                let state = observed.isComplete ? "complete" : "incomplete (\(observed.failure?.message ?? ""))"
                say("   partner \(partner.id): \(observed.channelCount) channels in \(observed.pages) pages, \(state); "
                    + "\(outcome.changedChannels) changed, \(outcome.events.count) events, \(outcome.deliveries) notifications")
                for event in outcome.events {
                    say("   why: \(event.rule) \(event.status) — \(event.description.isEmpty ? event.summary : event.description)")
                }
                summary.silenced += outcome.suppression.silenced
                summary.inhibited += outcome.suppression.inhibited
                try await tellHeldBack(pollID: outcome.pollID, database: database)
            }
            let delivered = try await settings.deliveryWorker.deliverDue()
            summary.delivered += delivered.delivered
            summary.dead += delivered.dead
        }
        let finale = try await webhookFinale(simulator: simulator, settings: settings, database: database, poller: poller)
        summary.events += finale.events.count
        summary.deliveries += finale.deliveries
        summary.delivered += finale.delivered
        summary.webhookSeconds = finale.seconds
        allEvents += finale.events
        return finish(summary, events: allEvents, rules: rules.ruleSet)
    }

    private func finish(_ summary: Summary, events: [AlertEvent], rules: RuleSet) -> Summary {
        var summary = summary
        summary.firing = events.filter { $0.status == .firing }.count
        summary.resolved = events.filter { $0.status == .resolved }.count
        summary.changed = events.filter { $0.status == .changed }.count
        // Webhook rules need 360dialog's own events (violations, new channels), which the tour does not send.
        let names = rules.rules.filter { !$0.kind.isWebhook }.map(\.name)
        let seen = Set(events.map(\.rule))
        summary.rulesSeen = names.filter(seen.contains)
        summary.rulesNotSeen = names.filter { !seen.contains($0) }
        let resolvedRules = Set(events.filter { $0.status == .resolved }.map(\.rule))
        summary.rulesResolved = names.filter(resolvedRules.contains)
        say("")
        say("── Summary")
        say("   \(summary.polls) polls, \(summary.events) events (\(summary.firing) firing, \(summary.resolved) resolved, "
            + "\(summary.changed) changed), \(summary.deliveries) notifications queued, \(summary.delivered) delivered, "
            + "\(summary.dead) dead")
        say("   held back, recorded but not sent: \(summary.silenced) silenced, \(summary.inhibited) inhibited")
        say("   rules that fired: \(summary.rulesSeen.count) of \(names.count)"
            + (summary.rulesNotSeen.isEmpty ? " — every shipped rule a poll can show" : "; never: \(summary.rulesNotSeen.joined(separator: ", "))")
            + " (webhook rules wait for 360dialog's own events)")
        say("   state rules that also resolved: \(summary.rulesResolved.joined(separator: ", "))")
        return summary
    }
}
