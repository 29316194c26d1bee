import Foundation
import JSON
import Yams
import YAMLSupport

/// A parsed rule unit-test file: the rule files it loads and its tests.
struct RuleTestFile {
    struct Poll {
        var complete: Bool
        var channels: [(id: String, document: JSONValue)]
        /// A step that is an inbound partner webhook instead of a poll.
        var webhook: Webhook?
    }

    /// An inbound partner webhook fed to the webhook rules: its payload (with `event`), and the
    /// channel it names (whose last polled document its templates see as `channel`).
    struct Webhook {
        var payload: JSONValue
        var channel: String?
    }

    struct TestCase {
        var name: String
        var polls: [Poll]
        /// Expected events by 1-based poll number; unlisted polls are not checked.
        var expectations: [Int: [ExpectedEvent]]
    }

    var file: String
    var ruleFiles: [String]
    var partnerID: String
    var tests: [TestCase]

    /// Reads and validates a test file; every problem goes to `collector`.
    static func read(path: String, collector: DiagnosticCollector) -> RuleTestFile? {
        let node: Node?
        do {
            node = try YAMLFile.load(path: path)
        } catch {
            collector.add(error)
            return nil
        }
        guard let node else {
            collector.add(Diagnostic(file: path, line: 0, column: 0, message: "file is empty; expected 'rule_files:' and 'tests:'"))
            return nil
        }
        return RuleTestFileReader(file: path, collector: collector).read(node)
    }
}

/// Reads the parts of a test file strictly, with the same diagnostics as rule files.
struct RuleTestFileReader {
    let file: String
    let collector: DiagnosticCollector

    func read(_ node: Node) -> RuleTestFile? {
        let errorsBefore = collector.items.count
        let top = MappingReader(node, file: file, what: "a rule test file", collector: collector)
        guard top.isValid else { return nil }
        let directory = (file as NSString).deletingLastPathComponent
        let ruleFiles = (top.stringList("rule_files") ?? []).map { path in
            path.hasPrefix("/") || directory.isEmpty ? path : directory + "/" + path
        }
        if top.keyNode("rule_files") != nil, ruleFiles.isEmpty, let value = top.value("rule_files") {
            collector.add(value.diagnostic("'rule_files' must name at least one rule file or directory", file: file))
        } else if top.keyNode("rule_files") == nil {
            top.reportMissing("rule_files")
        }
        let partnerID = top.string("partner_id") ?? "test-partner"
        var tests: [RuleTestFile.TestCase] = []
        if let value = top.value("tests") {
            if case .sequence(let items) = value, !items.isEmpty {
                tests = items.compactMap(readTest)
            } else {
                collector.add(value.diagnostic("'tests' must be a non-empty list of tests, found \(value.kindDescription)", file: file))
            }
        } else {
            top.reportMissing("tests")
        }
        top.finish()
        guard collector.items.count == errorsBefore else { return nil }
        return RuleTestFile(file: file, ruleFiles: ruleFiles, partnerID: partnerID, tests: tests)
    }

    private func readTest(_ node: Node) -> RuleTestFile.TestCase? {
        let reader = MappingReader(node, file: file, what: "a test", collector: collector)
        guard reader.isValid else { return nil }
        defer { reader.finish() }
        let name = reader.string("name", required: true) ?? ""
        var polls: [RuleTestFile.Poll] = []
        if let value = reader.value("polls") {
            if case .sequence(let items) = value, !items.isEmpty {
                polls = items.compactMap(readPoll)
            } else {
                collector.add(value.diagnostic("'polls' must be a non-empty list of polls, found \(value.kindDescription)", file: file))
            }
        } else {
            reader.reportMissing("polls")
        }
        var expectations: [Int: [ExpectedEvent]] = [:]
        if let value = reader.value("expect") {
            guard case .sequence(let items) = value else {
                collector.add(value.diagnostic("'expect' must be a list of {poll, events}, found \(value.kindDescription)", file: file))
                return nil
            }
            for item in items {
                guard let (poll, events) = readExpectation(item, pollCount: polls.count) else { continue }
                if expectations[poll] != nil {
                    collector.add(item.diagnostic("poll \(poll) is expected twice in test '\(name)'; merge the events into one entry", file: file))
                }
                expectations[poll] = events
            }
        }
        return RuleTestFile.TestCase(name: name, polls: polls, expectations: expectations)
    }

    private func readPoll(_ node: Node) -> RuleTestFile.Poll? {
        let reader = MappingReader(node, file: file, what: "a poll", collector: collector)
        guard reader.isValid else { return nil }
        defer { reader.finish() }
        if let webhookNode = reader.value("webhook") {
            guard case .mapping = webhookNode, NodeBudget.fits(webhookNode, limit: 100_000),
                  webhookNode.jsonValue["event"]?.stringValue != nil else {
                collector.add(webhookNode.diagnostic("'webhook' must be the event's payload, a mapping with an 'event'", file: file))
                return nil
            }
            if let channels = reader.keyNode("channels") {
                collector.add(channels.diagnostic("a step is either a poll ('channels') or a 'webhook', not both", file: file))
            }
            return RuleTestFile.Poll(complete: true, channels: [],
                                     webhook: RuleTestFile.Webhook(payload: webhookNode.jsonValue, channel: reader.string("channel")))
        }
        let complete = reader.bool("complete") ?? true
        guard let value = reader.value("channels") else {
            if complete { reader.reportMissing("channels") }
            return complete ? nil : RuleTestFile.Poll(complete: false, channels: [])
        }
        guard case .sequence(let items) = value else {
            collector.add(value.diagnostic("'channels' must be a list of channel documents, found \(value.kindDescription)", file: file))
            return nil
        }
        var channels: [(id: String, document: JSONValue)] = []
        var seen: Set<String> = []
        for item in items {
            guard case .mapping = item, NodeBudget.fits(item, limit: 100_000) else {
                collector.add(item.diagnostic(
                    "a channel must be a mapping with an 'id' (and at most 100000 nodes), found \(item.kindDescription)", file: file))
                continue
            }
            let document = item.jsonValue
            guard let id = document["id"]?.scalarText else {
                collector.add(item.diagnostic("a channel needs an 'id'", file: file))
                continue
            }
            if !seen.insert(id).inserted {
                collector.add(item.diagnostic("channel '\(id.clipped())' is listed twice in one poll", file: file))
            }
            channels.append((id, document))
        }
        return RuleTestFile.Poll(complete: complete, channels: channels)
    }

    private func readExpectation(_ node: Node, pollCount: Int) -> (Int, [ExpectedEvent])? {
        let reader = MappingReader(node, file: file, what: "an expectation", collector: collector)
        guard reader.isValid else { return nil }
        defer { reader.finish() }
        let poll = reader.int("poll", required: true)
        guard let value = reader.value("events") else {
            reader.reportMissing("events")
            return nil
        }
        guard case .sequence(let items) = value else {
            collector.add(value.diagnostic("'events' must be a list (use [] for none), found \(value.kindDescription)", file: file))
            return nil
        }
        let events = items.compactMap(readEvent)
        guard let poll, events.count == items.count else { return nil }
        if poll < 1 || poll > pollCount, let pollNode = reader.value("poll") {
            let range = pollCount == 0 ? "this test has no polls" : "this test has polls 1 to \(pollCount)"
            collector.add(pollNode.diagnostic("poll \(poll) does not exist; \(range)", file: file))
            return nil
        }
        return (poll, events)
    }

    private func readEvent(_ node: Node) -> ExpectedEvent? {
        let reader = MappingReader(node, file: file, what: "an expected event", collector: collector)
        guard reader.isValid else { return nil }
        defer { reader.finish() }
        var event = ExpectedEvent()
        event.rule = reader.string("rule")
        event.channel = reader.string("channel")
        event.from = reader.value("from").flatMap { $0.jsonValue.scalarText }
        event.to = reader.value("to").flatMap { $0.jsonValue.scalarText }
        event.summary = reader.string("summary")
        event.descriptionText = reader.string("description")
        if let text = reader.string("status"), let value = reader.value("status") {
            event.status = FactStatus(rawValue: text)
            if event.status == nil {
                let names = FactStatus.allCases.map(\.rawValue)
                collector.add(value.diagnostic("'status' must be one of \(names.joined(separator: ", ")), found '\(text.clipped())'"
                    + Hint.didYouMean(text, among: names), file: file))
                return nil
            }
        }
        if let text = reader.string("severity"), let value = reader.value("severity") {
            event.severity = Severity(rawValue: text)
            if event.severity == nil {
                collector.add(value.diagnostic("'severity' must be one of critical, warning, info, found '\(text.clipped())'", file: file))
                return nil
            }
        }
        return event
    }
}

/// Counts a node tree up to a limit, so documents inflated by YAML aliases are refused
/// before being converted (each alias is a full copy once converted).
enum NodeBudget {
    static func fits(_ node: Node, limit: Int) -> Bool {
        var remaining = limit
        func visit(_ node: Node) -> Bool {
            remaining -= 1
            guard remaining >= 0 else { return false }
            switch node {
            case .scalar, .alias: return true
            case .sequence(let items): return items.allSatisfy(visit)
            case .mapping(let mapping): return mapping.allSatisfy { visit($0.key) && visit($0.value) }
            }
        }
        return visit(node)
    }
}
