import Yams
import YAMLSupport

/// Reads a partner's `faults:` list.
struct FaultReader {
    let file: String
    let collector: DiagnosticCollector

    static let failureNames = ["status", "rate_limit", "malformed_json", "truncated_body", "hang",
                               "drop_connection", "total_drift", "insert_channel", "remove_channel", "short_page"]

    func faults(from node: Node) -> [FaultRule] {
        guard case .sequence(let items) = node else {
            collector.add(node.diagnostic("'faults' must be a list, found \(node.kindDescription)", file: file))
            return []
        }
        return items.compactMap(fault(from:))
    }

    func fault(from node: Node) -> FaultRule? {
        let reader = MappingReader(node, file: file, what: "a fault", collector: collector)
        guard reader.isValid else { return nil }
        var valid = true
        let matches: [FaultRule.Match] = [
            reader.int("page").map(FaultRule.Match.page),
            reader.int("offset").map(FaultRule.Match.offset),
            reader.int("request").map(FaultRule.Match.request),
        ].compactMap { $0 }
        if matches.count > 1 {
            collector.add(node.diagnostic("a fault matches by at most one of 'page', 'offset' or 'request'", file: file))
            valid = false
        }
        let latency = reader.duration("latency") ?? .zero
        let times = reader.int("times")
        if let times, times < 1, let timesNode = reader.value("times") {
            collector.add(timesNode.diagnostic("'times' must be at least 1 (leave it out for every time)", file: file))
            valid = false
        }
        let status = reader.int("status")
        let retryAfter = reader.duration("retry_after")
        let hangFor = reader.duration("duration")
        let delta = reader.int("delta")
        let count = reader.int("count")
        var failure: FaultRule.Failure?
        if let failNode = reader.value("fail") {
            let name = failNode.scalar?.string ?? ""
            switch name {
            case "status":
                let code = status ?? 500
                if !(400...599).contains(code) {
                    collector.add(failNode.diagnostic("'status' must be an HTTP error status between 400 and 599", file: file))
                    valid = false
                }
                failure = .status(code)
            case "rate_limit":
                failure = .rateLimit(retryAfterSeconds: Int((retryAfter ?? .seconds(1)).components.seconds))
            case "malformed_json": failure = .malformedJSON
            case "truncated_body": failure = .truncatedBody
            case "hang": failure = .hang(hangFor ?? .seconds(600))
            case "drop_connection": failure = .dropConnection
            case "total_drift": failure = .totalDrift(delta ?? 1)
            case "insert_channel": failure = .insertChannel
            case "remove_channel": failure = .removeChannel
            case "short_page": failure = .shortPage(max(count ?? 0, 0))
            default:
                collector.add(failNode.diagnostic(
                    "unknown fault '\(name)'" + DidYouMean.hint(for: name, among: Self.failureNames)
                        + "; expected one of \(Self.failureNames.joined(separator: ", "))", file: file))
                valid = false
            }
        } else if latency == .zero {
            collector.add(node.diagnostic("a fault needs 'fail: KIND' or 'latency: DURATION'", file: file))
            valid = false
        }
        reader.finish()
        guard valid else { return nil }
        return FaultRule(match: matches.first ?? .any, latency: latency, failure: failure, times: times)
    }
}
