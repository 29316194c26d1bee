import Alerting
import Outbox
import Recording
import ArgumentParser
import Config
import Foundation
import Logging
import Notifiers
import Worker
import YAMLSupport

/// `channelwatch poll`: one poll of each partner, recorded, then delivers what is due.
struct PollCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll",
        abstract: "Poll each partner once, record what changed, deliver what is due, and exit.",
        discussion: """
            Exit status 1 when any poll was incomplete (it is still recorded, for poll_failing). With --dry-run \
            nothing is written or sent: the events are computed against the stored state when the database is \
            reachable, and the poll itself is reported either way.
            """)

    @OptionGroup var config: ConfigOption
    @Option(help: "Poll only this partner id.") var partner: String?
    @Flag(name: .customLong("dry-run"), help: "Print what would happen; write and send nothing.") var dryRun = false
    @OptionGroup var output: OutputOptions
    @OptionGroup var log: LogOptions

    /// One partner's poll, as printed.
    struct Report: Encodable {
        var partner: String
        var complete: Bool
        var reason: String?
        var pages: Int
        var channels: Int
        var durationSeconds: Double
        var changedChannels: Int?
        var events: [String]?
        var deliveries: Int?
        /// Events recorded but held back by silences and by inhibition.
        var silenced: Int?
        var inhibited: Int?
        /// Events whose templated recipient was unusable and went to the receiver's `fallback_to`.
        var recipientFallbacks: [String]?
        var eventsNotComputed: String?

        /// The recording's side: events, deliveries, what was held back.
        mutating func record(_ outcome: PollRecorder.Outcome) {
            changedChannels = outcome.changedChannels
            events = outcome.events.map { ConsoleReceiver.line(for: $0, kind: .notification) }
            deliveries = outcome.deliveries
            silenced = outcome.suppression.silenced
            inhibited = outcome.suppression.inhibited
            recipientFallbacks = outcome.recipientFallbacks.isEmpty ? nil : outcome.recipientFallbacks.messages
        }

        /// The poll's side of the report.
        init(_ poll: ObservedPoll) {
            partner = poll.partnerID
            complete = poll.isComplete
            reason = poll.failure?.message
            pages = poll.pages
            channels = poll.channelCount
            durationSeconds = poll.finishedAt.timeIntervalSince(poll.startedAt)
        }

        enum CodingKeys: String, CodingKey {
            case partner, complete, reason, pages, channels, events, deliveries, silenced, inhibited
            case durationSeconds = "duration_seconds", changedChannels = "changed_channels"
            case eventsNotComputed = "events_not_computed", recipientFallbacks = "recipient_fallbacks"
        }
    }

    func run() async throws {
        log.bootstrap()
        let logger = Logger(label: "channelwatch.poll")
        let runtime = try Runtime.load(config, logger: logger)
        let partners = try selectedPartners(runtime.config)
        let database = runtime.database()
        defer { Task { await database.close() } }
        if !dryRun { try await runtime.migrate(database) }
        let settings = runtime.settings(database: database, metrics: WorkerMetrics())
        let poller = LivePartnerPoller(logger: logger)

        var reports: [Report] = []
        for partner in partners {
            let report = dryRun ? await dryRunReport(partner, runtime: runtime, settings: settings, poller: poller)
                : try await recordedReport(partner, runtime: runtime, settings: settings, poller: poller)
            reports.append(report)
            if !output.json { printReport(report) }
        }
        var delivery: DeliveryWorker.Summary?
        if !dryRun {
            delivery = try await settings.deliveryWorker.deliverDue()
        }
        if output.json {
            try Listing.print(reports, json: true, header: []) { _ in [] }
        } else if let delivery {
            print("deliveries: \(delivery.delivered) delivered, \(delivery.retrying) to retry, \(delivery.dead) dead")
        }
        if reports.contains(where: { !$0.complete }) { throw ExitCode.failure }
    }

    /// Polls and records while the pages arrive, as `run` does.
    private func recordedReport(_ partner: PartnerConfig, runtime: Runtime, settings: WorkerSettings,
                                poller: LivePartnerPoller) async throws -> Report {
        let stream = poller.stream(partner, deadline: runtime.config.poll.timeout)
        let outcome: PollRecorder.Outcome
        do {
            outcome = try await settings.recorder.record(stream, firstPoll: partner.firstPoll,
                                                         failingAfter: runtime.config.poll.failingAfter)
        } catch {
            printToStandardError("error: partner \(partner.id): recording the poll failed: \(error)")
            throw ExitCode.failure
        }
        var report = Report(await stream.summary.value)
        report.record(outcome)
        return report
    }

    /// Polls, then computes what would be recorded in a transaction that is rolled back; the
    /// poll is reported even when the database cannot be reached.
    private func dryRunReport(_ partner: PartnerConfig, runtime: Runtime, settings: WorkerSettings,
                              poller: LivePartnerPoller) async -> Report {
        let observed = await poller.poll(partner, deadline: runtime.config.poll.timeout)
        var report = Report(observed)
        do {
            let outcome = try await settings.recorder.record(
                observed, firstPoll: partner.firstPoll, failingAfter: runtime.config.poll.failingAfter, commit: false)
            report.record(outcome)
        } catch {
            report.eventsNotComputed = "database: \(error)"
        }
        return report
    }

    private func selectedPartners(_ config: ChannelWatchConfig) throws -> [PartnerConfig] {
        guard let partner else { return config.partners }
        let ids = config.partners.map(\.id)
        guard let match = config.partners.first(where: { $0.id == partner }) else {
            printToStandardError("error: no partner '\(partner)' in \(config.file)\(DidYouMean.hint(for: partner, among: ids)); "
                                 + "partners: \(ids.joined(separator: ", "))")
            throw ExitCode.failure
        }
        return [match]
    }

    private func printReport(_ report: Report) {
        let state = report.complete ? "complete" : "INCOMPLETE: \(report.reason ?? "unknown")"
        var line = "partner \(report.partner): \(state); \(report.pages) pages, \(report.channels) channels, "
            + String(format: "%.2f s", report.durationSeconds)
        if let changed = report.changedChannels, let events = report.events, let deliveries = report.deliveries {
            line += "; \(changed) changed, \(events.count) events, \(deliveries) deliveries"
            let held = [(report.silenced ?? 0, "silenced"), (report.inhibited ?? 0, "inhibited")].filter { $0.0 > 0 }
            if !held.isEmpty { line += " (" + held.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + ", recorded but not sent)" }
            if dryRun { line += " (dry run: nothing written)" }
        }
        print(line)
        for event in report.events ?? [] { print("  \(event)") }
        for fallback in report.recipientFallbacks ?? [] { print("  warning: \(fallback)") }
        if let reason = report.eventsNotComputed { print("  events not computed (\(reason))") }
    }
}

/// `channelwatch deliver`: delivers what is due once, then exits.
struct DeliverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "deliver", abstract: "Deliver what is due once, then exit.")

    @OptionGroup var config: ConfigOption
    @OptionGroup var output: OutputOptions
    @OptionGroup var log: LogOptions

    func run() async throws {
        log.bootstrap()
        let logger = Logger(label: "channelwatch.deliver")
        let runtime = try Runtime.load(config, logger: logger)
        let database = runtime.database()
        defer { Task { await database.close() } }
        let summary: DeliveryWorker.Summary
        do {
            summary = try await runtime.settings(database: database, metrics: WorkerMetrics()).deliveryWorker.deliverDue()
        } catch {
            printToStandardError("error: database: \(error)")
            throw ExitCode.failure
        }
        if output.json {
            print("{\"delivered\":\(summary.delivered),\"retrying\":\(summary.retrying),\"dead\":\(summary.dead),\"reminders\":\(summary.reminders)}")
        } else {
            print("deliveries: \(summary.delivered) delivered, \(summary.retrying) to retry, \(summary.dead) dead (\(summary.reminders) reminders queued)")
        }
    }
}
