import ArgumentParser
import Config
import Curl
import Foundation
import Inbound
import Inspection

/// `channelwatch webhooks`: inbound partner webhooks; `webhooks send` posts one to a running worker.
struct WebhooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks", abstract: "List inbound partner webhooks, or send one to a running worker.",
        subcommands: [List.self, Send.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List inbound partner webhooks, newest first (never their bodies).")

        @OptionGroup var config: ConfigOption
        @Option(help: "Only this partner id.") var partner: String?
        @Option(help: "Only this event, e.g. account_violation.") var event: String?
        @Option(help: "Only since then: a duration back from now (24h, 7d) or an ISO 8601 time.") var since: String?
        @Option(help: "At most this many rows.") var limit: Int = 100
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if let since, FilterOptions.parseSince(since, now: Date()) == nil {
                throw ValidationError("--since must be a duration like 30m, 24h, 7d or an ISO 8601 time, not '\(since)'")
            }
            if limit < 1 { throw ValidationError("--limit must be at least 1") }
        }

        func run() async throws {
            let filter = Inspection.Filter(partner: partner, since: since.flatMap { FilterOptions.parseSince($0, now: Date()) },
                                           event: event, limit: limit)
            let rows = try await withDatabase(try config.databaseConfiguration(), logger: commandLogger("channelwatch")) {
                try await Inspection(database: $0).inboundWebhooks(filter).rows
            }
            try Listing.print(rows, json: output.json, header: ["RECEIVED", "ID", "PARTNER", "EVENT", "STATUS", "REPEATS", "NAMES"]) {
                [Listing.time($0.receivedAt), String($0.id), $0.partnerID, $0.event.isEmpty ? "-" : $0.event, $0.status,
                 String($0.duplicates), $0.namedSummary ?? "-"]
            }
        }
    }

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send",
            abstract: "Sign a JSON file as 360dialog would and post it to a running worker's webhook_listen.",
            discussion: """
                Signs the file's bytes with the partner's first webhook secret (x-360dialog-signature) and adds \
                its basic_auth, if any; posts to http://HOST:PORT/webhooks/360dialog/PARTNER of webhook_listen \
                (0.0.0.0 becomes 127.0.0.1), or to --url. Prints the answer; exits 1 unless it is 200.
                """)

        @OptionGroup var config: ConfigOption
        @Option(help: "The partner id the event is for.") var partner: String
        @Option(help: "Post here instead of webhook_listen (the path is still /webhooks/360dialog/PARTNER).") var url: String?
        @Argument(help: "The JSON file to send, e.g. an account_violation event.") var file: String

        func run() async throws {
            let configuration = try config.load()
            guard let partnerConfig = configuration.partners.first(where: { $0.id == partner }) else {
                throw ValidationError("no partner '\(partner)' in \(config.path)")
            }
            guard let webhook = partnerConfig.webhook else {
                throw ValidationError("partner '\(partner)' has no 'webhook:' block in \(config.path)")
            }
            guard let body = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            guard let base = url ?? configuration.webhookListen.map(Self.localURL) else {
                throw ValidationError("\(config.path) has no webhook_listen; give --url")
            }
            var headers = [HTTPHeader(name: "Content-Type", value: "application/json")]
            if let secret = webhook.secrets.first {
                headers.append(HTTPHeader(name: InboundSignature.headerName, value: InboundSignature.headerValue(body: body, secret: secret)))
            }
            if let basic = webhook.basicAuth {
                headers.append(HTTPHeader(name: "Authorization",
                                          value: InboundBasicAuth(username: basic.username, password: basic.password).headerValue))
            }
            let target = base.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/webhooks/360dialog/"
                + (partner.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? partner)
            let response: HTTPResponse
            do {
                response = try await HTTPClient.shared.send(HTTPRequest(method: "POST", url: target, headers: headers, body: body,
                                                                        timeout: .seconds(10)))
            } catch {
                printToStandardError("error: \(error)")
                throw ExitCode.failure
            }
            print("HTTP \(response.status) \(response.bodyText)")
            if response.status != 200 { throw ExitCode.failure }
        }

        /// `http://127.0.0.1:9465` for `0.0.0.0:9465`; IPv6 hosts in brackets.
        static func localURL(_ listen: String) -> String {
            guard let colon = listen.lastIndex(of: ":") else { return "http://\(listen)" }
            var host = String(listen[..<colon])
            let port = listen[listen.index(after: colon)...]
            if host.isEmpty || host == "0.0.0.0" { host = "127.0.0.1" }
            if host == "::" || host == "[::]" { host = "[::1]" }
            if host.contains(":"), !host.hasPrefix("[") { host = "[\(host)]" }
            return "http://\(host):\(port)"
        }
    }
}
