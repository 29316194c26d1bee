import Foundation
import JSON
import Rules
import YAMLSupport

/// Builders shared by the Rules tests: rule sets from YAML text, documents from JSON text,
/// and a small driver that feeds successive documents of one channel through the engine.
enum Fixture {
    /// The repository root, found from this file's path (Tests/RulesTests/RuleTestHelpers.swift).
    static let repositoryRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    static let context = EvaluationContext(partnerID: "p1", observedAt: Date(timeIntervalSince1970: 1_795_000_000))

    static func rules(_ yaml: String, file: String = "test.yml") throws -> RuleSet {
        try RuleSet.parse([(file, yaml)])
    }

    /// A rule set of one state rule `r` whose `alert:` is the given condition (flow YAML).
    static func stateRule(_ condition: String, extra: String = "") throws -> RuleSet {
        try rules("""
            rules:
              - name: r
                summary: s
                alert: \(condition)
            \(extra.isEmpty ? "" : "    " + extra)
            """)
    }

    static func json(_ text: String) -> JSONValue {
        do {
            return try JSONValue(parsing: Data(text.utf8))
        } catch {
            fatalError("test JSON does not parse: \(text)")
        }
    }

    /// The diagnostics a broken rule text produces, as `FILE:LINE:COLUMN: message` lines.
    static func diagnostics(_ yaml: String, file: String = "test.yml") -> [String] {
        do {
            _ = try RuleSet.parse([(file, yaml)])
            return []
        } catch {
            return error.items.map(\.description)
        }
    }
}

/// Drives one channel through successive polls, keeping its previous document and state.
struct ChannelDriver {
    let engine: RuleEngine
    var id = "c1"
    var previous: JSONValue?
    var state = ChannelRuleState.empty

    init(_ rules: RuleSet) { engine = RuleEngine(rules: rules) }

    /// A complete poll that lists the channel with `document` (JSON text), or omits it (`nil`).
    mutating func poll(_ document: String?, complete: Bool = true) -> [Fact] {
        let current = document.map(Fixture.json)
        let evaluation = engine.evaluate(channelID: id, previous: previous, current: current, pollComplete: complete,
                                         state: state, context: Fixture.context)
        if complete {
            state = evaluation.state
            if let current { previous = current }
        }
        return evaluation.facts
    }

    /// The poll's facts as `rule:status` strings, for compact expectations.
    mutating func events(_ document: String?, complete: Bool = true) -> [String] {
        poll(document, complete: complete).map { "\($0.rule):\($0.status.rawValue)" }
    }
}
