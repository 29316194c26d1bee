import Foundation
import JSON
import YAMLSupport

/// Runs rule unit-test files (`channelwatch rules test`): feeds each test's polls through the
/// engine like the worker would and compares the events of every listed poll.
public struct RuleTestRunner: Sendable {
    /// The first poll's `observed_at`; later polls follow every ``pollInterval``.
    public var start: Date
    /// Time between successive test polls, for `observed_at`.
    public var pollInterval: TimeInterval

    /// Creates a runner; polls are observed from 2026-01-01T00:00:00Z every 5 minutes.
    public init(start: Date = Date(timeIntervalSince1970: 1_767_225_600), pollInterval: TimeInterval = 300) {
        self.start = start
        self.pollInterval = pollInterval
    }

    /// Runs every test in `files`; a test file or rule file with problems throws them all instead.
    public func run(files: [String]) throws(Diagnostics) -> RuleTestReport {
        let collector = DiagnosticCollector()
        var suites: [(RuleTestFile, RuleEngine)] = []
        if files.isEmpty {
            collector.add(Diagnostic(file: "rules test", line: 0, column: 0, message: "no test files given"))
        }
        for path in files {
            guard let testFile = RuleTestFile.read(path: path, collector: collector) else { continue }
            do {
                suites.append((testFile, RuleEngine(rules: try RuleSet.load(paths: testFile.ruleFiles))))
            } catch {
                error.items.forEach(collector.add)
            }
        }
        if !collector.isEmpty { throw Diagnostics(collector.items) }
        var results: [RuleTestResult] = []
        for (testFile, engine) in suites {
            for test in testFile.tests {
                results.append(run(test, file: testFile.file, partnerID: testFile.partnerID, engine: engine))
            }
        }
        return RuleTestReport(results: results)
    }

    func run(_ test: RuleTestFile.TestCase, file: String, partnerID: String, engine: RuleEngine) -> RuleTestResult {
        var documents: [String: JSONValue] = [:]
        var states: [String: ChannelRuleState] = [:]
        var known: [String] = []
        var mismatches: [PollMismatch] = []
        for (index, poll) in test.polls.enumerated() {
            let context = EvaluationContext(partnerID: partnerID,
                                            observedAt: start.addingTimeInterval(Double(index) * pollInterval))
            var facts: [Fact] = []
            var seen: Set<String> = []
            if let webhook = poll.webhook {
                // An inbound event between polls: webhook rules only, no channel state changes.
                facts = engine.evaluateWebhook(event: webhook.payload["event"]?.stringValue ?? "", payload: webhook.payload,
                                               channelID: webhook.channel, channel: webhook.channel.flatMap { documents[$0] },
                                               context: context)
                if let expected = test.expectations[index + 1], !ExpectedEvent.matchAll(expected, facts) {
                    mismatches.append(PollMismatch(poll: index + 1, expected: expected, actual: facts))
                }
                continue
            }
            for channel in poll.channels {
                let evaluation = engine.evaluate(channelID: channel.id, previous: documents[channel.id],
                                                 current: channel.document, pollComplete: poll.complete,
                                                 state: states[channel.id] ?? .empty, context: context)
                facts += evaluation.facts
                seen.insert(channel.id)
                // An incomplete poll advances nothing: the next complete poll compares with the last complete one.
                guard poll.complete else { continue }
                states[channel.id] = evaluation.state
                if documents.updateValue(channel.document, forKey: channel.id) == nil { known.append(channel.id) }
            }
            if poll.complete {
                for id in known where !seen.contains(id) {
                    let evaluation = engine.evaluate(channelID: id, previous: documents[id], current: nil,
                                                     pollComplete: true, state: states[id] ?? .empty, context: context)
                    facts += evaluation.facts
                    states[id] = evaluation.state
                }
            }
            if let expected = test.expectations[index + 1], !ExpectedEvent.matchAll(expected, facts) {
                mismatches.append(PollMismatch(poll: index + 1, expected: expected, actual: facts))
            }
        }
        return RuleTestResult(file: file, name: test.name, mismatches: mismatches)
    }
}
