import Foundation
import Inspection

/// A listing's query string (`?partner=p1&severity=critical&limit=50&cursor=…`) read into a
/// filter: every parameter must be one the listing knows and every value must make sense, else
/// each problem is named and nothing is queried.
struct ListingQuery {
    /// The parameters every listing takes.
    static let common: Set<String> = ["limit", "cursor", "since"]
    /// The most rows one page may ask for.
    static let maximumLimit = 1_000

    /// The filter, or every problem with the query.
    static func filter(_ query: FormFields, allowed: Set<String>, statuses: [String]? = nil, defaultLimit: Int,
                       now: Date = Date()) -> Result<Inspection.Filter, ListingQueryError> {
        var problems: [String] = []
        let known = allowed.union(common)
        for name in query.names.sorted() where !known.contains(name) {
            problems.append("unknown parameter '\(name)'; this listing takes \(known.sorted().joined(separator: ", "))")
        }
        var filter = Inspection.Filter(limit: defaultLimit)
        filter.partner = query.nonEmpty("partner")
        filter.channel = query.nonEmpty("channel")
        filter.rule = query.nonEmpty("rule")
        filter.receiver = query.nonEmpty("receiver")
        filter.waba = query.nonEmpty("waba")
        filter.client = query.nonEmpty("client")
        filter.search = query.nonEmpty("search")
        filter.event = query.nonEmpty("event")
        if let severity = query.nonEmpty("severity") {
            if ["critical", "warning", "info"].contains(severity) { filter.severity = severity } else {
                problems.append("severity must be critical, warning or info, not '\(severity)'")
            }
        }
        if let status = query.nonEmpty("status"), let statuses {
            if statuses.contains(status) { filter.status = status == "all" ? nil : status } else {
                problems.append("status must be one of \(statuses.joined(separator: ", ")), not '\(status)'")
            }
        }
        if let since = query.nonEmpty("since") {
            if let date = Inspection.Filter.parseSince(since, now: now) { filter.since = date } else {
                problems.append("since must be a duration back from now (30m, 24h, 7d) or an ISO 8601 time, not '\(since)'")
            }
        }
        if let limit = query.nonEmpty("limit") {
            if let number = Int(limit), (1...maximumLimit).contains(number) { filter.limit = number } else {
                problems.append("limit must be a whole number from 1 to \(maximumLimit), not '\(limit)'")
            }
        }
        if let cursor = query.nonEmpty("cursor") {
            if let parsed = PageCursor(parsing: cursor) { filter.cursor = parsed } else {
                problems.append("cursor '\(cursor)' is not one this listing gave out; start again without it")
            }
        }
        return problems.isEmpty ? .success(filter) : .failure(ListingQueryError(problems: problems))
    }
}

/// A query string that could not be read; every problem, for a 400 answer.
struct ListingQueryError: Error {
    var problems: [String]
    var message: String { "invalid query: " + problems.joined(separator: "; ") }
}
