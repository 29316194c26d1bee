import Alerting
import ArgumentParser
import Foundation
import Recording
import Worker

/// `channelwatch silence add|list|expire`: mute matching events for a while, shared by every replica.
struct SilenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Mute matching events for a while: they are recorded, alert state changes, nothing is sent.",
        discussion: """
            A silence holds for every worker on the database. When it ends while an alert it held back \
            still fires, that alert is notified once, by the next poll. Matchers use the route `match` \
            syntax: label=value, or label=~regex (the whole value must match).
            """,
        subcommands: [Add.self, List.self, Expire.self], defaultSubcommand: List.self)

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Create a silence; prints its id.",
            discussion: """
                Example: channelwatch silence add --match waba_id=104000001 --match 'rule=~quality_.*' \
                --duration 2h --comment "client migrating numbers"
                """)

        @OptionGroup var config: ConfigOption
        @Option(name: .customLong("match"), help: "label=value or label=~regex; repeat for more (all must hold).")
        var matches: [String] = []
        @Option(help: "How long it holds from its start, e.g. 30m, 2h, 1d.") var duration: String?
        @Option(name: .customLong("ends-at"), help: "When it ends (ISO 8601), instead of --duration.") var endsAt: String?
        @Option(name: .customLong("starts-at"), help: "When it starts (ISO 8601); default now.") var startsAt: String?
        @Option(help: "Why (required).") var comment: String?
        @Option(help: "Who (default $USER).") var author: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var matchers: [(label: String, written: String)] = []
            for text in matches {
                guard let matcher = SilenceRequest.parseMatch(text) else {
                    throw ValidationError("--match '\(text)' must be label=value or label=~regex")
                }
                matchers.append(matcher)
            }
            let runtime = try Runtime.load(config, logger: commandLogger("channelwatch"))
            let request = SilenceRequest(matchers: matchers, startsAt: startsAt, endsAt: endsAt, duration: duration,
                                         comment: comment, createdBy: author ?? ProcessInfo.processInfo.environment["USER"])
            let silence: Silence
            switch request.validate(now: Date(), rules: runtime.rules.ruleSet) {
            case .success(let valid): silence = valid
            case .failure(let error): throw ValidationError(error.description)
            }
            try await withDatabase(try config.databaseConfiguration(), logger: runtime.logger) {
                try await SilenceStore(database: $0).add(silence)
            }
            if output.json {
                try Listing.print([silence.row(at: Date())], json: true, header: [], columns: { _ in [] })
            } else {
                print("silence \(silence.id) \(silence.state(at: Date()).rawValue) until \(Listing.time(silence.endsAt)): "
                      + silence.matchersText)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List pending and active silences, newest first.")

        @OptionGroup var config: ConfigOption
        @Flag(help: "Include expired silences.") var expired = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let now = Date()
            let silences = try await withDatabase(try config.databaseConfiguration(), logger: commandLogger("channelwatch")) {
                try await SilenceStore(database: $0).list(at: now, includeExpired: expired)
            }
            try Listing.print(silences.map { $0.row(at: now) }, json: output.json,
                              header: ["ID", "STATE", "STARTS", "ENDS", "MATCHERS", "CREATED BY", "COMMENT"]) { row in
                let silence = silences.first { $0.id == row.id }!
                return [row.id.uuidString, row.state, Listing.time(row.startsAt), Listing.time(row.endsAt),
                        silence.matchersText, row.createdBy, row.comment]
            }
        }
    }

    struct Expire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "expire",
            abstract: "End a silence now (a pending one never starts); alerts it held back are notified by the next poll.")

        @OptionGroup var config: ConfigOption
        @Argument(help: "The silence's id (from silence list).") var id: String

        func run() async throws {
            guard let uuid = UUID(uuidString: id) else { throw ValidationError("'\(id)' is not a silence id (a UUID)") }
            let result = try await withDatabase(try config.databaseConfiguration(), logger: commandLogger("channelwatch")) {
                try await SilenceStore(database: $0).expire(uuid, at: Date())
            }
            switch result {
            case .expired(let silence):
                print("silence \(silence.id) expired: \(silence.matchersText)")
            case .alreadyExpired(let silence):
                print("silence \(silence.id) had already ended at \(Listing.time(silence.endsAt)); nothing changed")
            case .notFound:
                printToStandardError("error: no silence \(uuid)")
                throw ExitCode.failure
            }
        }
    }
}
