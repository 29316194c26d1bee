import ArgumentParser

/// The `channelwatch` command tree. Commands are thin: they parse arguments and call the modules.
@main
struct ChannelWatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channelwatch",
        abstract: "Alerting for 360dialog partners' WhatsApp channels.",
        discussion: """
            Polls the 360dialog Partner API, compares every channel with its last stored snapshot, \
            evaluates YAML rules and notifies Slack, email and webhooks once per incident.
            """,
        version: ChannelWatchVersion.current,
        subcommands: [
            DemoCommand.self, RunCommand.self, PollCommand.self, DeliverCommand.self, CheckCommand.self,
            RulesCommand.self, MigrateCommand.self, AlertsCommand.self, EventsCommand.self, DeliveriesCommand.self,
            WebhooksCommand.self, SilenceCommand.self, NotifyTestCommand.self, SimulateCommand.self, PruneCommand.self, BenchCommand.self,
            HashPasswordCommand.self, VersionCommand.self,
        ]
    )
}
