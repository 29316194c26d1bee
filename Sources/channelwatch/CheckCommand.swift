import ArgumentParser
import Foundation
import Rules
import YAMLSupport

/// `channelwatch check`: validates the rule files and prints what was loaded.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate rule files; print a summary, or every problem as FILE:LINE:COLUMN: message."
    )

    @Option(name: .customLong("rules"), parsing: .upToNextOption,
            help: "Rule files or directories (default: Rules).")
    var rulePaths: [String] = ["Rules"]

    func run() async throws {
        do {
            let rules = try RuleSet.load(paths: rulePaths)
            print("rules OK: \(rules.summary)")
        } catch {
            printToStandardError(error.description)
            printToStandardError("check failed: \(error.items.count) problem(s) in rule files")
            throw ExitCode.failure
        }
    }
}

/// Writes one line to standard error, where diagnostics belong.
func printToStandardError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
