import ArgumentParser
import Rules
import YAMLSupport

/// `channelwatch rules`: tools for rule files.
struct RulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Work with rule files.",
        subcommands: [RulesTestCommand.self, RulesBenchCommand.self]
    )
}

/// `channelwatch rules test FILE...`: runs rule unit tests, in the spirit of `promtool test rules`.
struct RulesTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run rule unit-test files and print each test's PASS/FAIL."
    )

    @Argument(help: "Rule test files (YAML with 'rule_files' and 'tests').")
    var files: [String]

    func run() async throws {
        do {
            let report = try RuleTestRunner().run(files: files)
            print(report)
            if !report.passed { throw ExitCode.failure }
        } catch let diagnostics as Diagnostics {
            printToStandardError(diagnostics.description)
            throw ExitCode.failure
        }
    }
}

/// `channelwatch rules bench`: times the engine over synthetic channel pairs.
struct RulesBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time rule evaluation over synthetic (previous, current) channel pairs (use a release build)."
    )

    @Option(name: .customLong("rules"), parsing: .upToNextOption, help: "Rule files or directories (default: Rules).")
    var rulePaths: [String] = ["Rules"]

    @Option(help: "Number of (previous, current) pairs.")
    var pairs = 100_000

    @Option(help: "Percentage of pairs whose watched fields change.")
    var changedPercent = 10

    func run() async throws {
        do {
            let benchmark = EvaluationBenchmark(rules: try RuleSet.load(paths: rulePaths))
            print(benchmark.run(pairs: pairs, changedPercent: changedPercent))
        } catch {
            printToStandardError(error.description)
            throw ExitCode.failure
        }
    }
}
