import JSON

/// Evaluates a rule set against one channel's previous and current documents.
///
/// Pure: no I/O and no clock (the poll time comes in the context), so the same inputs always
/// give the same facts, in rule order.
public struct RuleEngine: Sendable {
    /// The rules evaluated, in file order.
    public let rules: RuleSet

    /// Creates an engine for `rules`.
    public init(rules: RuleSet) { self.rules = rules }

    /// Evaluates every rule for one channel.
    ///
    /// - Parameters:
    ///   - channelID: the channel's `id`.
    ///   - previous: the document stored from the last complete poll, `nil` on first sight.
    ///   - current: the document in this poll, `nil` when a complete poll did not list the channel.
    ///   - pollComplete: `false` for a failed or partial poll: nothing fires or resolves and the state is returned as is.
    ///   - state: what this channel's rules were doing after the last evaluation.
    ///   - context: partner and observation time for templates.
    public func evaluate(channelID: String, previous: JSONValue?, current: JSONValue?, pollComplete: Bool,
                         state: ChannelRuleState, context: EvaluationContext) -> Evaluation {
        guard pollComplete, previous != nil || current != nil else { return Evaluation(facts: [], state: state) }
        // Field values live on the stack for the evaluation: one walk of each document, no allocation.
        return rules.lookup.withValues(current: current, previous: previous) { now, before in
            var run = EvaluationRun(channelID: channelID, previous: previous, current: current, state: state,
                                    context: context, rules: rules, now: now, before: before)
            for (position, rule) in rules.rules.enumerated() {
                run.apply(rule, position: position)
            }
            return Evaluation(facts: run.facts, state: run.state)
        }
    }

    /// The `received` facts of one inbound partner webhook: one per webhook rule whose events
    /// include `event` and whose `where:` holds. Templates see `webhook` (the payload) and
    /// `channel` (the named channel's stored snapshot, when the event named one).
    public func evaluateWebhook(event: String, payload: JSONValue, channelID: String?, channel: JSONValue?,
                                context: EvaluationContext) -> [Fact] {
        rules.rules.compactMap { rule in
            guard case .webhook(let trigger) = rule.kind, trigger.matches(event, payload: payload, channel: channel) else {
                return nil
            }
            let variables = TemplateVariables(
                channel: channel, previous: nil, field: nil, from: nil, to: nil, rule: rule.name, severity: rule.severity,
                labels: rule.labels, status: .received, partnerID: context.partnerID, observedAt: context.observedAt,
                webhook: payload)
            return Fact(rule: rule.name, status: .received, channelID: channelID ?? "", severity: rule.severity,
                        labels: rule.labels, field: nil, from: nil, to: nil, summary: rule.summary.render(variables),
                        description: rule.description?.render(variables) ?? "", sendResolved: false)
        }
    }

    /// Whether the rule set has webhook rules (inbound events are evaluated only then).
    public var hasWebhookRules: Bool { rules.rules.contains { $0.kind.isWebhook } }
}

/// The working values of one evaluation: resolved fields, facts so far, the state being updated.
struct EvaluationRun {
    let channelID: String
    let previous: JSONValue?
    let current: JSONValue?
    let context: EvaluationContext
    let fields: FieldLookup
    /// Previous values of change-rule fields only; other previous values are looked up when a fact needs them.
    /// Both point into the stack of ``RuleEngine/evaluate(channelID:previous:current:pollComplete:state:context:)``.
    let before: FieldValues
    let now: FieldValues
    var state: ChannelRuleState
    var facts: [Fact] = []
    /// Bit n set when rule n is firing (rule sets of up to 64 rules): one name lookup per open
    /// alert instead of one per state rule, for channels that have open alerts.
    private let firingBits: UInt64?

    init(channelID: String, previous: JSONValue?, current: JSONValue?, state: ChannelRuleState,
         context: EvaluationContext, rules: RuleSet, now: FieldValues, before: FieldValues) {
        self.channelID = channelID
        self.previous = previous
        self.current = current
        self.context = context
        self.state = state
        let fields = rules.lookup
        self.fields = fields
        if rules.rules.count <= 64 {
            var bits: UInt64 = 0
            for name in state.firing.keys {
                if let position = rules.positions[name] { bits |= 1 << UInt64(position) }
            }
            firingBits = bits
        } else {
            firingBits = nil
        }
        self.now = now
        self.before = before
    }

    mutating func apply(_ rule: Rule, position: Int) {
        switch rule.kind {
        case .change(let trigger):
            // Never on first sight, and not while the channel is absent: no transition was observed.
            guard previous != nil, current != nil,
                  trigger.fires(from: before[trigger.slot], to: now[trigger.slot]),
                  rule.scope?.holds(now) ?? true else { return }
            facts.append(fact(rule, .changed))
        case .state(let condition):
            let holds = current != nil && (rule.scope?.holds(now) ?? true) && condition.holds(now)
            step(rule, position: position, holds: holds)
        case .disappeared:
            // A disappeared rule's scope looks at the last document seen, the only one there is.
            let holds = current == nil && (rule.scope.map { scope in fields.withValues(of: previous) { scope.holds($0) } } ?? true)
            step(rule, position: position, holds: holds)
        case .webhook:
            // Inbound events only: ``RuleEngine/evaluateWebhook(event:payload:channelID:channel:context:)``.
            return
        }
    }

    /// Advances a state-like rule: fire once after `for_polls` consecutive holds, stay quiet
    /// while it holds, resolve once when it stops.
    private mutating func step(_ rule: Rule, position: Int, holds: Bool) {
        // Bits are taken at the start; a rule's own entry only changes in its own step.
        let isFiring = firingBits.map { $0 & (1 << UInt64(position)) != 0 } ?? (state.firing[rule.name] != nil)
        if holds {
            guard !isFiring else { return }
            let count = (state.pending.isEmpty ? 0 : state.pending[rule.name] ?? 0) + 1
            guard count >= rule.forPolls else {
                state.pending[rule.name] = count
                return
            }
            if count > 1 { state.pending[rule.name] = nil }
            let fired = fact(rule, .firing)
            state.firing[rule.name] = OpenAlert(value: fired.to)
            facts.append(fired)
        } else {
            if !state.pending.isEmpty, state.pending[rule.name] != nil { state.pending[rule.name] = nil }
            guard isFiring, let open = state.firing.removeValue(forKey: rule.name) else { return }
            var resolved = fact(rule, .resolved)
            resolved.from = resolved.from ?? open.value
            facts.append(resolved)
        }
    }

    private func fact(_ rule: Rule, _ status: FactStatus) -> Fact {
        let from = rule.reportedSlot.flatMap { fields.value(at: $0, in: previous)?.scalarText }
        let to = rule.reportedSlot.flatMap { now[$0]?.scalarText }
        let field = rule.reportedField?.description
        let variables = TemplateVariables(
            channel: rule.templatesUseChannel ? current ?? previous : nil,
            previous: rule.templatesUsePrevious ? previous : nil, field: field, from: from, to: to,
            rule: rule.name, severity: rule.severity, labels: rule.labels, status: status,
            partnerID: context.partnerID, observedAt: context.observedAt)
        return Fact(rule: rule.name, status: status, channelID: channelID, severity: rule.severity, labels: rule.labels,
                    field: field, from: from, to: to, summary: rule.summary.render(variables),
                    description: rule.description?.render(variables) ?? "", sendResolved: rule.sendResolved)
    }
}
