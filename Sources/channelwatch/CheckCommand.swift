import ArgumentParser
import Config
import Foundation
import JSON
import Rules
import YAMLSupport
import Yams

/// `channelwatch check`: validates the configuration and the rule files; prints the effective
/// configuration with secrets redacted, or every problem as `FILE:LINE:COLUMN: message`.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration and rule files; print the effective configuration with secrets redacted.",
        discussion: """
            Without a configuration file (no --config, no $CHANNELWATCH_CONFIG, no ./channelwatch.yml) only the \
            rule files are checked. Exit status 1 when anything is wrong.
            """)

    @OptionGroup var config: ConfigOption

    @Option(name: .customLong("rules"), parsing: .upToNextOption,
            help: "Rule files or directories (default: the config's 'rules', else Rules).")
    var rulePaths: [String] = []

    @Flag(name: .long, help: "Print the effective configuration as JSON.")
    var json = false

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let hasConfig = config.config != nil || environment["CHANNELWATCH_CONFIG"] != nil
            || FileManager.default.fileExists(atPath: config.path)
        let loaded = hasConfig ? try config.load() : nil
        let paths = !rulePaths.isEmpty ? rulePaths : loaded?.rules ?? ["Rules"]
        let rules: RuleSet
        do {
            rules = try RuleSet.load(paths: paths)
        } catch {
            printToStandardError(error.description)
            printToStandardError("check failed: \(error.items.count) problem(s) in rule files")
            throw ExitCode.failure
        }
        if let loaded {
            let effective = loaded.redacted
            if json {
                print(String(decoding: try JSONSerialization.data(
                    withJSONObject: effective.foundationObject, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]),
                    as: UTF8.self))
            } else {
                print("# \(loaded.file): OK (secrets redacted)")
                print(try Yams.dump(object: effective.foundationObject, sortKeys: true), terminator: "")
            }
        }
        printToStandardError("rules OK: \(rules.summary)")
        if let loaded, loaded.routes.isEmpty {
            printToStandardError("warning: \(loaded.file): no routes: events will be recorded but sent to no receiver")
        }
        if let loaded { warnAboutInhibitRules(loaded, rules: rules) }
        if let loaded, let warning = loaded.openConsoleWarning {
            printToStandardError("warning: \(loaded.file): \(warning)")
        }
    }

    /// An inhibit rule whose `rule` equality names no loaded rule can never hold back anything.
    private func warnAboutInhibitRules(_ config: ChannelWatchConfig, rules: RuleSet) {
        let names = rules.rules.map(\.name) + RuleSet.reservedNames.sorted()
        for (index, rule) in config.inhibitRules.enumerated() {
            for (key, matchers) in [("source_match", rule.sourceMatchers), ("target_match", rule.targetMatchers)] {
                for matcher in matchers where matcher.label == "rule" {
                    guard case .equals(let name) = matcher.test, !names.contains(name) else { continue }
                    printToStandardError("warning: \(config.file): inhibit rule \(index + 1): \(key) names rule '\(name)', "
                                         + "which no loaded rule has\(DidYouMean.hint(for: name, among: names)); it never applies")
                }
            }
        }
    }
}

extension JSONValue {
    /// Foundation values (`NSNull`, `Bool`, `Double`/`Int`, `String`, arrays, dictionaries) for serializers.
    var foundationObject: Any {
        switch self {
        case .null: return NSNull()
        case .bool(let flag): return flag
        case .number(let number): return number == number.rounded() && abs(number) < 1e15 ? Int(number) : number
        case .string(let text): return text
        case .array(let items): return items.map(\.foundationObject)
        case .object(let members): return members.mapValues(\.foundationObject)
        }
    }
}

/// Writes one line to standard error, where diagnostics belong.
func printToStandardError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
