import Alerting
import Outbox
import Rules
import Inspection
import ArgumentParser
import Foundation
import YAMLSupport

/// `channelwatch alerts`: open (or resolved) alerts.
struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "alerts", abstract: "List alerts (firing by default).")

    @OptionGroup var config: ConfigOption
    @OptionGroup var filters: FilterOptions
    @OptionGroup var channelFilters: ChannelFilterOptions
    @Option(help: "firing, resolved or all.") var status: AlertStatusOption = .firing
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let filter = channelFilters.narrow(filters.filter(status: status.storedStatus))
        let rows = try await withDatabase(try config.databaseConfiguration(), logger: commandLogger("channelwatch")) {
            try await Inspection(database: $0).alerts(filter).rows
        }
        try Listing.print(rows, json: output.json,
                          header: ["STARTED", "STATUS", "SEVERITY", "RULE", "PARTNER", "CHANNEL", "PHONE", "NOTIFIED", "SUMMARY"]) {
            [Listing.time($0.startedAt), $0.status.rawValue, $0.severity.rawValue, $0.rule, $0.partnerID, $0.channelID,
             $0.phoneNumber ?? "-", $0.notification, $0.summary]
        }
    }
}

/// `channelwatch events`: recorded events, newest first.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "events", abstract: "List recorded events, newest first.")

    @OptionGroup var config: ConfigOption
    @OptionGroup var filters: FilterOptions
    @OptionGroup var channelFilters: ChannelFilterOptions
    @Option(help: "firing, resolved, changed or received.") var status: FactStatus?
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let filter = channelFilters.narrow(filters.filter(status: status?.rawValue))
        let rows = try await withDatabase(try config.databaseConfiguration(), logger: commandLogger("channelwatch")) {
            try await Inspection(database: $0).events(filter).rows
        }
        try Listing.print(rows, json: output.json,
                          header: ["OBSERVED", "STATUS", "RULE", "PARTNER", "CHANNEL", "PHONE", "FROM → TO", "DELIVERY", "SUMMARY"]) { row in
            let event = row.event
            return [Listing.time(event.observedAt), event.status.rawValue, event.rule, event.partnerID,
                    event.channel.id.isEmpty ? "-" : event.channel.id, event.channel.phoneNumber ?? "-",
                    event.from == nil && event.to == nil ? "-" : "\(event.from ?? "∅") → \(event.to ?? "∅")", row.delivery,
                    event.summary]
        }
    }
}

/// `channelwatch deliveries`: the outbox; `deliveries retry` re-queues dead ones.
struct DeliveriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries", abstract: "List deliveries, or re-queue dead ones.",
        subcommands: [List.self, Retry.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List deliveries, newest first.")

        @OptionGroup var config: ConfigOption
        @OptionGroup var filters: FilterOptions
        @Option(help: "pending, delivered or dead.") var status: DeliveryStatus?
        @Option(help: "Only this receiver.") var receiver: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let rows = try await withDatabase(try config.databaseConfiguration(), logger: commandLogger("channelwatch")) {
                try await Inspection(database: $0).deliveries(filters.filter(status: status?.rawValue, receiver: receiver)).rows
            }
            try Listing.print(rows, json: output.json, header: ["CREATED", "ID", "RECEIVER", "STATUS", "ATTEMPTS", "EVENTS", "GROUP", "LAST ERROR"]) {
                [Listing.time($0.createdAt), $0.id.uuidString.lowercased(), $0.receiver, $0.status.rawValue, String($0.attempts),
                 String($0.events), $0.groupKey, $0.lastError ?? "-"]
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "retry", abstract: "Re-queue a dead delivery, or all with --dead.")

        @OptionGroup var config: ConfigOption
        @Argument(help: "The delivery id.") var id: String?
        @Flag(help: "Re-queue every dead delivery.") var dead = false

        func validate() throws {
            if dead == (id != nil) { throw ValidationError("give either a delivery id or --dead") }
            if let id, UUID(uuidString: id) == nil { throw ValidationError("'\(id)' is not a delivery id (a UUID)") }
        }

        func run() async throws {
            let count = try await withDatabase(try config.databaseConfiguration(), logger: commandLogger("channelwatch")) {
                try await Outbox(database: $0).requeueDead(id: id.flatMap(UUID.init(uuidString:)))
            }
            if let id, count == 0 {
                printToStandardError("error: no dead delivery with id \(id)")
                throw ExitCode.failure
            }
            print("re-queued \(count) dead deliver\(count == 1 ? "y" : "ies"); `channelwatch deliver` (or a running worker) sends them")
        }
    }
}

/// `channelwatch prune --older-than 90d`.
struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune", abstract: "Delete old events, finished deliveries, resolved alerts, polls, processed inbound webhooks and ended silences.")

    @OptionGroup var config: ConfigOption
    @Option(name: .customLong("older-than"), help: "Age, e.g. 90d.") var olderThan: String
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard DurationText.parse(olderThan) != nil else {
            throw ValidationError("--older-than must be a duration like 90d or 720h, not '\(olderThan)'")
        }
    }

    func run() async throws {
        let age = DurationText.parse(olderThan)!
        let cutoff = Date().addingTimeInterval(-Double(age.components.seconds))
        let pruned = try await withDatabase(try config.databaseConfiguration(), logger: commandLogger("channelwatch")) {
            try await Inspection(database: $0).prune(olderThan: cutoff)
        }
        if output.json {
            try Listing.print([pruned], json: true, header: []) { _ in [] }
        } else {
            print("pruned before \(Listing.time(cutoff)): \(pruned.events) events, \(pruned.deliveries) deliveries, \(pruned.alerts) alerts, \(pruned.polls) polls, \(pruned.inboundWebhooks) inbound webhooks, \(pruned.silences) silences")
        }
    }
}
