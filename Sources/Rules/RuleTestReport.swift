/// The outcome of rule unit tests, printable as each test's PASS/FAIL with expected vs actual
/// events for every failing poll.
public struct RuleTestReport: Sendable, CustomStringConvertible {
    /// One result per test, in file order.
    public var results: [RuleTestResult]

    /// Creates a report.
    public init(results: [RuleTestResult]) { self.results = results }

    /// Whether every test passed.
    public var passed: Bool { results.allSatisfy(\.passed) }

    /// The tests that failed.
    public var failures: [RuleTestResult] { results.filter { !$0.passed } }

    public var description: String {
        var lines: [String] = []
        var currentFile: String?
        for result in results {
            if result.file != currentFile {
                lines.append(result.file)
                currentFile = result.file
            }
            lines.append("  \(result.passed ? "PASS" : "FAIL")  \(result.name)")
            for mismatch in result.mismatches {
                lines.append("        poll \(mismatch.poll): expected \(mismatch.expected.count) event(s), got \(mismatch.actual.count)")
                lines += mismatch.expected.map { "          expected: \($0)" }
                if mismatch.expected.isEmpty { lines.append("          expected: (none)") }
                lines += mismatch.actual.map { "          actual:   \(RuleTestReport.describe($0))" }
                if mismatch.actual.isEmpty { lines.append("          actual:   (none)") }
            }
        }
        let failed = failures.count
        lines.append("\(results.count) test(s), \(results.count - failed) passed, \(failed) failed")
        return lines.joined(separator: "\n")
    }

    /// An actual event in the same syntax as an expectation, so the two can be compared by eye.
    static func describe(_ fact: Fact) -> String {
        ExpectedEvent(rule: fact.rule, channel: fact.channelID, status: fact.status, from: fact.from, to: fact.to,
                      severity: fact.severity, summary: fact.summary).description
    }
}

/// One rule test's outcome.
public struct RuleTestResult: Sendable {
    /// The test file.
    public var file: String
    /// The test's `name`.
    public var name: String
    /// The listed polls whose events did not match; empty when the test passed.
    public var mismatches: [PollMismatch]

    /// Creates a result.
    public init(file: String, name: String, mismatches: [PollMismatch]) {
        self.file = file
        self.name = name
        self.mismatches = mismatches
    }

    /// Whether every listed poll matched.
    public var passed: Bool { mismatches.isEmpty }
}

/// A poll whose actual events differ from the expected ones.
public struct PollMismatch: Sendable {
    /// 1-based poll number.
    public var poll: Int
    /// What the test file expected.
    public var expected: [ExpectedEvent]
    /// What the engine produced.
    public var actual: [Fact]

    /// Creates a mismatch.
    public init(poll: Int, expected: [ExpectedEvent], actual: [Fact]) {
        self.poll = poll
        self.expected = expected
        self.actual = actual
    }
}
