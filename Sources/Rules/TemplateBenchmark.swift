import Foundation
import JSON

/// Times the rendering of a rule set's `summary` and `description` templates for a batch of
/// events, once through ``CompiledTemplate`` (what the engine uses) and once through
/// swift-mustache alone: the work a portfolio-wide change (10,000 numbers' limit lowered at
/// once, 20,000 events) adds to a poll. Measured by `channelwatch bench --only templates`.
public struct TemplateBenchmark: Sendable {
    /// The measured figures.
    public struct Result: Sendable {
        /// Events rendered (each: its rule's summary and description).
        public var events: Int
        /// Templates of the rule set the compiled renderer handles, of all of them.
        public var compiledTemplates: Int, templates: Int
        /// Wall time with the compiled renderer.
        public var compiled: Duration
        /// Wall time with swift-mustache alone.
        public var mustache: Duration
    }

    public let rules: RuleSet

    public init(rules: RuleSet) { self.rules = rules }

    /// Renders `events` events, spread over the rules in turn, both ways; the texts must agree.
    public func run(events: Int) -> Result {
        let templates = rules.rules.flatMap { [$0.summary] + ($0.description.map { [$0] } ?? []) }
        let variables = (0..<events).map { index -> (Rule, TemplateVariables) in
            let rule = rules.rules[index % rules.rules.count]
            let previous = EvaluationBenchmark.channel(index: index, limit: "TIER_10K", rating: "High", status: "ready")
            let current = EvaluationBenchmark.channel(index: index, limit: "TIER_1K", rating: "Low", status: "error")
            return (rule, TemplateVariables(
                channel: current, previous: previous, field: "current_limit", from: "TIER_10K", to: "TIER_1K",
                rule: rule.name, severity: rule.severity, labels: rule.labels, status: .changed,
                partnerID: "benchmark", observedAt: Date(timeIntervalSince1970: 1_795_000_000)))
        }
        let clock = ContinuousClock()
        var compiledBytes = 0, mustacheBytes = 0
        let compiled = clock.measure {
            for (rule, values) in variables {
                compiledBytes += rule.summary.render(values).utf8.count
                compiledBytes += rule.description?.render(values).utf8.count ?? 0
            }
        }
        let mustache = clock.measure {
            for (rule, values) in variables {
                mustacheBytes += rule.summary.renderWithMustache(values).utf8.count
                mustacheBytes += rule.description?.renderWithMustache(values).utf8.count ?? 0
            }
        }
        precondition(compiledBytes == mustacheBytes, "the two renderers disagree")
        return Result(events: events, compiledTemplates: templates.filter { $0.compiled != nil }.count,
                      templates: templates.count, compiled: compiled, mustache: mustache)
    }
}
