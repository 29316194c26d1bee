import Alerting
import Config
import Testing

@Suite struct RouterTests {
    func route(_ match: [String: String] = [:], _ receivers: [String], continue shouldContinue: Bool = false,
               groupBy: [String] = ["rule"], repeatInterval: Duration? = nil) -> RouteConfig {
        let matchers = match.sorted { $0.key < $1.key }.map { label, value in
            value.hasPrefix("=~")
                ? LabelMatcher(label: label, test: .matches(pattern: String(value.dropFirst(2)).trimmingCharacters(in: .whitespaces)))
                : LabelMatcher(label: label, test: .equals(value))
        }
        return RouteConfig(matchers: matchers, receivers: receivers, continue: shouldContinue,
                           groupBy: groupBy, repeatInterval: repeatInterval)
    }

    let critical = ["rule": "quality_low", "severity": "critical", "waba_id": "w1", "partner_id": "p1"]
    let warning = ["rule": "messaging_limit_down", "severity": "warning", "waba_id": "w2", "partner_id": "p1"]

    @Test func firstMatchWins() {
        let router = Router(routes: [route(["severity": "critical"], ["pager"]), route([:], ["slack"])])
        #expect(router.targets(for: critical).map(\.receiver) == ["pager"])
        #expect(router.targets(for: warning).map(\.receiver) == ["slack"])
    }

    @Test func continueTriesLaterRoutesAndNamesEachReceiverOnce() {
        let router = Router(routes: [
            route(["severity": "critical"], ["pager", "slack"], continue: true, groupBy: ["rule", "waba_id"]),
            route([:], ["slack", "audit"]),
        ])
        let targets = router.targets(for: critical)
        #expect(targets.map(\.receiver) == ["pager", "slack", "audit"])
        #expect(targets[1].groupKey == "rule=quality_low,waba_id=w1")
        #expect(targets[2].groupKey == "rule=quality_low")
    }

    @Test func regexMatchersAreAnchored() {
        let router = Router(routes: [route(["rule": "=~ quality_.*"], ["q"]), route(["rule": "=~ limit"], ["never"])])
        #expect(router.targets(for: critical).map(\.receiver) == ["q"])
        #expect(router.targets(for: warning).isEmpty)
    }

    @Test func missingLabelsMatchOnlyEmptyAndNoRouteMeansNoTarget() {
        let router = Router(routes: [route(["team": "messaging"], ["team"]), route(["team": ""], ["unowned"])])
        #expect(router.targets(for: critical).map(\.receiver) == ["unowned"])
        #expect(Router(routes: []).targets(for: critical).isEmpty)
    }

    @Test func repeatIntervalTravelsWithTheTarget() {
        let router = Router(routes: [route([:], ["slack"], repeatInterval: .seconds(3600))])
        #expect(router.targets(for: critical).first?.repeatInterval == .seconds(3600))
        #expect(Router.groupKey(labels: critical, groupBy: ["rule", "client_id"]) == "rule=quality_low,client_id=")
    }
}
