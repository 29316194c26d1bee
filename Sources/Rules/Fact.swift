/// What a rule observed about one channel in one poll.
public enum FactStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// A state rule started to hold (after `for_polls`).
    case firing
    /// A state rule stopped holding, or the channel disappeared while it was firing.
    case resolved
    /// A change rule saw a transition.
    case changed
    /// A webhook rule matched an inbound partner webhook (a fact the channel list cannot show).
    case received
}

/// One observed fact: a state rule firing or resolving, or a change rule's transition, with
/// its templates already rendered.
public struct Fact: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The rule's name.
    public var rule: String
    /// Firing, resolved or changed.
    public var status: FactStatus
    /// The channel's `id`.
    public var channelID: String
    /// The rule's severity.
    public var severity: Severity
    /// The rule's labels.
    public var labels: [String: String]
    /// The field the rule reports, if it has one.
    public var field: String?
    /// The field's text before (previous document), `nil` when absent or unknown.
    public var from: String?
    /// The field's text now (current document), `nil` when absent.
    public var to: String?
    /// The rendered `summary`.
    public var summary: String
    /// The rendered `description`, empty when the rule has none.
    public var description: String
    /// Whether the rule wants resolutions notified.
    public var sendResolved: Bool

    /// Creates a fact.
    public init(rule: String, status: FactStatus, channelID: String, severity: Severity, labels: [String: String],
                field: String?, from: String?, to: String?, summary: String, description: String, sendResolved: Bool) {
        self.rule = rule
        self.status = status
        self.channelID = channelID
        self.severity = severity
        self.labels = labels
        self.field = field
        self.from = from
        self.to = to
        self.summary = summary
        self.description = description
        self.sendResolved = sendResolved
    }

    /// One line for logs and test output: `quality_low c1 firing High → Low: summary`.
    public var line: String {
        var text = "\(rule) \(channelID) \(status.rawValue)"
        if from != nil || to != nil { text += " \(from ?? "∅") → \(to ?? "∅")" }
        return text + ": \(summary)"
    }
}
