import Alerting
import Inspection
import Rules
import ArgumentParser
import Foundation
import YAMLSupport

/// The filters shared by `alerts`, `events` and `deliveries`.
struct FilterOptions: ParsableArguments {
    @Option(help: "Only this partner id.") var partner: String?
    @Option(help: "Only this channel id.") var channel: String?
    @Option(help: "Only this rule.") var rule: String?
    @Option(help: "Only since then: a duration back from now (24h, 7d) or an ISO 8601 time.") var since: String?
    @Option(help: "At most this many rows.") var limit: Int = 100

    func validate() throws {
        if let since, Self.parseSince(since, now: Date()) == nil {
            throw ValidationError("--since must be a duration like 30m, 24h, 7d or an ISO 8601 time, not '\(since)'")
        }
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func filter(status: String?, receiver: String? = nil) -> Inspection.Filter {
        Inspection.Filter(partner: partner, channel: channel, rule: rule, status: status, receiver: receiver,
                          since: since.flatMap { Self.parseSince($0, now: Date()) }, limit: limit)
    }

    static func parseSince(_ text: String, now: Date) -> Date? {
        Inspection.Filter.parseSince(text, now: now)
    }
}

/// The filters `alerts` and `events` add: severity, WABA, client, and a search by phone number or name.
struct ChannelFilterOptions: ParsableArguments {
    @Option(help: "Only this severity: critical, warning or info.") var severity: Severity?
    @Option(help: "Only channels of this WABA id.") var waba: String?
    @Option(help: "Only channels of this client id.") var client: String?
    @Option(help: "A phone number (any part of its digits) or a phone, client or WABA name (any part, any case).")
    var search: String?

    func narrow(_ filter: Inspection.Filter) -> Inspection.Filter {
        var filter = filter
        filter.severity = severity?.rawValue
        filter.waba = waba
        filter.client = client
        filter.search = search
        return filter
    }
}

extension Severity: ExpressibleByArgument {}

/// Prints rows as aligned columns, or as a JSON array with `--json`.
enum Listing {
    static func print<Row: Encodable>(_ rows: [Row], json: Bool, header: [String], columns: (Row) -> [String]) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            Swift.print(String(decoding: try encoder.encode(rows), as: UTF8.self))
            return
        }
        if rows.isEmpty {
            Swift.print("(none)")
            return
        }
        let table = [header] + rows.map(columns)
        let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        for line in table {
            Swift.print(zip(line, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
        }
    }

    static func time(_ date: Date?) -> String {
        guard let date else { return "-" }
        return date.ISO8601Format()
    }
}
