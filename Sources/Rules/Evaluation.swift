import Foundation

/// Facts about the poll that the engine may not look up itself (it reads no clock).
public struct EvaluationContext: Sendable, Hashable {
    /// The partner whose channels are evaluated (template variable `partner_id`).
    public var partnerID: String
    /// When the poll observed the documents (template variable `observed_at`).
    public var observedAt: Date

    /// Creates a context.
    public init(partnerID: String, observedAt: Date) {
        self.partnerID = partnerID
        self.observedAt = observedAt
    }
}

/// The result of evaluating one channel: its facts in rule order and its new state.
public struct Evaluation: Sendable, Hashable {
    /// Facts, in the order the rules appear in the rule files.
    public var facts: [Fact]
    /// The state to pass to the next evaluation of this channel.
    public var state: ChannelRuleState

    /// Creates an evaluation.
    public init(facts: [Fact], state: ChannelRuleState) {
        self.facts = facts
        self.state = state
    }
}
