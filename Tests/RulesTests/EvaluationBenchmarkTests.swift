import Rules
import Testing

/// The benchmark behind `channelwatch rules bench` evaluates what it says and its synthetic
/// pairs exercise firing, changed and resolved facts through the shipped rules.
struct EvaluationBenchmarkTests {
    @Test func benchmarkEvaluatesEveryPairAndProducesEveryKindOfFact() throws {
        let rules = try RuleSet.load(paths: [Fixture.repositoryRoot + "/Rules"])
        let result = EvaluationBenchmark(rules: rules).run(pairs: 2_000, changedPercent: 10)
        #expect(result.pairs == 2_000)
        #expect(result.facts > 0)
        #expect(result.duration > .zero)

        let engine = RuleEngine(rules: rules)
        var statuses: Set<FactStatus> = []
        for pair in EvaluationBenchmark.pairs(count: 2_000, changedPercent: 10) {
            let first = engine.evaluate(channelID: "c", previous: nil, current: pair.previous, pollComplete: true,
                                        state: .empty, context: Fixture.context)
            let second = engine.evaluate(channelID: "c", previous: pair.previous, current: pair.current, pollComplete: true,
                                         state: first.state, context: Fixture.context)
            statuses.formUnion(second.facts.map(\.status))
        }
        #expect(statuses == [.firing, .resolved, .changed])
    }

    @Test func watchedFieldsListEveryFieldTheShippedRulesRead() throws {
        let rules = try RuleSet.load(paths: [Fixture.repositoryRoot + "/Rules"])
        #expect(Set(rules.watchedFields.map(\.description)) == [
            "current_quality_rating", "status", "availability_status", "current_limit", "settings.tier",
            "waba_account.status", "cancelled_at", "terminated_at",
        ])
    }
}
