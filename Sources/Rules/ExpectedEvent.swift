/// An event a rule test expects: every key it gives must equal the actual event's.
public struct ExpectedEvent: Sendable, Hashable, CustomStringConvertible {
    /// Expected rule name.
    public var rule: String?
    /// Expected channel id.
    public var channel: String?
    /// Expected status.
    public var status: FactStatus?
    /// Expected old value of the reported field.
    public var from: String?
    /// Expected new value of the reported field.
    public var to: String?
    /// Expected severity.
    public var severity: Severity?
    /// Expected rendered summary.
    public var summary: String?
    /// Expected rendered description (`description` in a test file).
    public var descriptionText: String?

    /// Creates an expectation; keys left `nil` match anything.
    public init(rule: String? = nil, channel: String? = nil, status: FactStatus? = nil, from: String? = nil,
                to: String? = nil, severity: Severity? = nil, summary: String? = nil, descriptionText: String? = nil) {
        self.rule = rule
        self.channel = channel
        self.status = status
        self.from = from
        self.to = to
        self.severity = severity
        self.summary = summary
        self.descriptionText = descriptionText
    }

    /// Whether `fact` agrees with every key this expectation gives.
    public func matches(_ fact: Fact) -> Bool {
        (rule == nil || rule == fact.rule)
            && (channel == nil || channel == fact.channelID)
            && (status == nil || status == fact.status)
            && (from == nil || from == fact.from)
            && (to == nil || to == fact.to)
            && (severity == nil || severity == fact.severity)
            && (summary == nil || summary == fact.summary)
            && (descriptionText == nil || descriptionText == fact.description)
    }

    /// The given keys in the test-file syntax: `{rule: quality_low, channel: c1, status: firing}`.
    public var description: String {
        let pairs: [(String, String?)] = [
            ("rule", rule), ("channel", channel), ("status", status?.rawValue), ("from", from), ("to", to),
            ("severity", severity?.rawValue), ("summary", summary.map { "\"\($0)\"" }),
            ("description", descriptionText.map { "\"\($0)\"" }),
        ]
        return "{" + pairs.compactMap { key, value in value.map { "\(key): \($0)" } }.joined(separator: ", ") + "}"
    }

    /// Whether the expectations and the facts can be paired one to one, each pair matching.
    ///
    /// Order does not matter; a small backtracking search keeps a broad expectation from
    /// taking the only fact a narrower one could match.
    static func matchAll(_ expected: [ExpectedEvent], _ actual: [Fact]) -> Bool {
        guard expected.count == actual.count else { return false }
        var used = [Bool](repeating: false, count: actual.count)
        func place(_ index: Int) -> Bool {
            guard index < expected.count else { return true }
            for candidate in actual.indices where !used[candidate] && expected[index].matches(actual[candidate]) {
                used[candidate] = true
                if place(index + 1) { return true }
                used[candidate] = false
            }
            return false
        }
        return place(0)
    }
}
