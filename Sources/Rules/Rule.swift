import JSON

/// One rule from a rule file, validated and compiled.
///
/// A class so that evaluation walks the rule list without copying every rule's fields
/// (retain traffic showed up as a tenth of evaluation time); immutable, hence `Sendable`.
public final class Rule: Sendable {
    /// Unique name across all rule files, `[a-z0-9_]+`.
    public let name: String
    /// State, change or disappeared.
    public let kind: RuleKind
    /// The `where` scope: every listed condition must hold on the current document.
    public let scope: Condition?
    /// How urgent the rule's events are.
    public let severity: Severity
    /// Extra labels for routing.
    public let labels: [String: String]
    /// One-line Mustache template.
    public let summary: RuleTemplate
    /// Longer Mustache template; empty when the file gives none.
    public let description: RuleTemplate?
    /// Consecutive complete polls a state condition must hold before it fires (at least 1).
    public let forPolls: Int
    /// Whether a resolution of this rule should be notified.
    public let sendResolved: Bool
    /// Where the rule's `name` is written.
    public let location: SourceLocation
    /// Field-table slot of ``reportedField``, resolved at load time.
    let reportedSlot: Int?
    /// Whether the templates mention `channel` / `previous`; converting a whole document for
    /// Mustache is the dearest part of a fact, so it is skipped when no template reads it.
    let templatesUseChannel: Bool
    let templatesUsePrevious: Bool

    init(name: String, kind: RuleKind, scope: Condition?, severity: Severity, labels: [String: String],
         summary: RuleTemplate, description: RuleTemplate?, forPolls: Int, sendResolved: Bool,
         location: SourceLocation, reportedSlot: Int?) {
        self.name = name
        self.kind = kind
        self.scope = scope
        self.severity = severity
        self.labels = labels
        self.summary = summary
        self.description = description
        self.forPolls = forPolls
        self.sendResolved = sendResolved
        self.location = location
        self.reportedSlot = reportedSlot
        let sources = summary.source + (description?.source ?? "")
        templatesUseChannel = sources.contains("channel")
        templatesUsePrevious = sources.contains("previous")
    }

    /// The field the rule's events report as `field`/`from`/`to`.
    public var reportedField: JSONPath? {
        switch kind {
        case .state(let condition): return condition.primaryField
        case .change(let trigger): return trigger.field
        case .disappeared, .webhook: return nil
        }
    }
}

/// The three kinds of rule: state (a field in a set of values), threshold (a field crossing an order) and change.
public enum RuleKind: Sendable {
    /// `alert:` — fires while the condition holds, resolves when it stops.
    case state(Condition)
    /// `change:` — fires once per observed transition of a field.
    case change(ChangeTrigger)
    /// `disappeared: true` — fires while the channel is absent from complete polls.
    case disappeared
    /// `webhook:` — fires (`received`) when an inbound partner webhook of one of its events arrives.
    case webhook(WebhookTrigger)

    /// `state`, `change`, `disappeared` or `webhook`, for summaries.
    public var name: String {
        switch self {
        case .state: return "state"
        case .change: return "change"
        case .disappeared: return "disappeared"
        case .webhook: return "webhook"
        }
    }

    /// Whether the rule reacts to inbound webhooks rather than to polled documents.
    public var isWebhook: Bool {
        if case .webhook = self { return true }
        return false
    }
}
