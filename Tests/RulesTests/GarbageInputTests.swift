import Foundation
import JSON
import Rules
import Testing
import TestSupport
import YAMLSupport

/// Random and hostile input never crashes or hangs the loader, and odd documents never crash the engine.
struct GarbageInputTests {
    /// Loading either succeeds or throws diagnostics that all name the file; nothing else may happen.
    static func loadOutcome(_ text: String, file: String = "garbage.yml") -> [Diagnostic] {
        do {
            _ = try RuleSet.parse([(file, text)])
            return []
        } catch {
            return error.items
        }
    }

    @Test(arguments: 0..<8)
    func randomBytesNeverCrashTheLoader(seed: Int) {
        var generator = SeededGenerator(state: UInt64(seed))
        for _ in 0..<40 {
            let count = Int.random(in: 0..<400, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let problems = Self.loadOutcome(String(decoding: bytes, as: UTF8.self))
            #expect(problems.allSatisfy { $0.file == "garbage.yml" })
        }
    }

    static let fragments = [
        "rules:", "\n", "  ", "- ", "name: ", "summary: ", "alert: ", "change: ", "field: ", "equals: ", "in: ",
        "[", "]", "{", "}", ",", ":", "&a ", "*a", "!!str ", "'", "\"", "{{", "}}", "#", "not: ", "all: ", "any: ",
        "status", "current_limit", "direction: up", "disappeared: true", "orders:", "matches: '(", "- - -", "? ", "|", ">",
        "for_polls: ", "-1", "1e400", "~", "null", "\t", "\u{0}", "é", "👍",
    ]

    @Test(arguments: 0..<8)
    func randomYamlishTextNeverCrashesTheLoader(seed: Int) {
        var generator = SeededGenerator(state: UInt64(1000 + seed))
        for _ in 0..<60 {
            let count = Int.random(in: 1..<80, using: &generator)
            let text = (0..<count).map { _ in Self.fragments.randomElement(using: &generator)! }.joined()
            let problems = Self.loadOutcome(text)
            #expect(problems.allSatisfy { $0.file == "garbage.yml" })
        }
    }

    @Test func deepNestingIsRefusedWithADiagnostic() {
        let flow = "rules: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(!Self.loadOutcome(flow).isEmpty)
        let block = (0..<2_000).map { String(repeating: " ", count: $0 * 2) + "- " }.joined(separator: "\n") + "x"
        #expect(!Self.loadOutcome("rules:\n" + block).isEmpty)
        let nots = "rules:\n  - name: deep\n    summary: s\n    alert: " + String(repeating: "{not: ", count: 200)
            + "{field: x, exists: true}" + String(repeating: "}", count: 200) + "\n"
        #expect(Self.loadOutcome(nots).contains { $0.message.contains("nested more than 32 levels") })
    }

    @Test func hugeScalarsAreRefusedWithShortMessages() {
        let huge = String(repeating: "X", count: 2_000_000)
        let problems = Self.loadOutcome("rules:\n  - name: \(huge)\n    summary: s\n    severity: \(huge)\n    alert: {field: x, matches: '(\(huge)'}\n")
        #expect(problems.count == 3)
        #expect(problems.allSatisfy { $0.description.count < 400 })
        let fine = Self.loadOutcome("rules:\n  - name: big\n    summary: '\(huge)'\n    alert: {field: x, equals: '\(huge)'}\n")
        #expect(fine.isEmpty)
    }

    @Test func aliasBombsAreCutOffInsteadOfWalked() {
        var lines = ["a0: &a0 {field: x, exists: true}"]
        for level in 1...9 {
            lines.append("a\(level): &a\(level) {any: [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]}")
        }
        lines += ["rules:", "  - name: bomb", "    summary: s", "    alert: *a9"]
        let problems = Self.loadOutcome(lines.joined(separator: "\n") + "\n")
        #expect(problems.contains { $0.message.hasPrefix("too many conditions") })
    }

    @Test func strangeDocumentsNeverCrashTheEngine() throws {
        let rules = try RuleSet.load(paths: [Fixture.repositoryRoot + "/Rules"])
        let engine = RuleEngine(rules: rules)
        let documents: [JSONValue] = [
            .null, .bool(true), .number(.nan), .number(-0.0), .string(""), .array([.null]), .object([:]),
            Fixture.json(#"{"current_limit":{"a":1},"current_quality_rating":[1,2],"settings":"x","waba_account":7}"#),
            Fixture.json(#"{"status":1e308,"setup_info":{"phone_number":null},"cancelled_at":false,"terminated_at":0}"#),
        ]
        for previous in documents + [nil] {
            for current in documents + [nil] {
                let evaluation = engine.evaluate(channelID: "c", previous: previous, current: current, pollComplete: true,
                                                 state: .empty, context: Fixture.context)
                #expect(evaluation.facts.allSatisfy { $0.channelID == "c" })
            }
        }
    }
}
