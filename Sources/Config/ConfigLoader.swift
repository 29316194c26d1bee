import Foundation
import JSON
import YAMLSupport
import Yams

/// Reads and validates a configuration file, collecting every problem as `FILE:LINE:COLUMN: message`.
public struct ConfigLoader: Sendable {
    /// Expands `${VAR}` references.
    public var expansion: EnvironmentExpansion

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        expansion = EnvironmentExpansion(environment: environment)
    }

    /// Which file to read: `--config`, else `$CHANNELWATCH_CONFIG`, else `./channelwatch.yml`.
    public static func resolvePath(_ explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["CHANNELWATCH_CONFIG"], !fromEnvironment.isEmpty { return fromEnvironment }
        return "channelwatch.yml"
    }

    /// Loads `path`; throws ``Diagnostics`` listing every problem, and changes nothing.
    public func load(path: String) throws(Diagnostics) -> ChannelWatchConfig {
        let text: String
        do {
            text = try YAMLFile.readText(path: path)
        } catch {
            throw Diagnostics([error])
        }
        return try parse(text, file: path)
    }

    /// Reads a configuration given as text; `file` names it in diagnostics (tests and fuzzing).
    public func parse(_ text: String, file: String) throws(Diagnostics) -> ChannelWatchConfig {
        let root: Node?
        do {
            root = try YAMLFile.parse(text, file: file)
        } catch {
            throw Diagnostics([error])
        }
        return try read(root, file: file, text: text)
    }

    /// `text` is the file as written, so diagnostics can show its `${VAR}` references unexpanded.
    private func read(_ root: Node?, file: String, text: String) throws(Diagnostics) -> ChannelWatchConfig {
        let collector = DiagnosticCollector()
        let context = ConfigReadingContext(file: file, collector: collector, expansion: expansion)
        guard let root else {
            throw Diagnostics([Diagnostic(file: file, line: 0, column: 0, message: "the file is empty; it needs at least 'partners'")])
        }
        let config = context.readRoot(root)
        if let config, collector.isEmpty { return config }
        throw Diagnostics(collector.items.map { item in
            var item = item
            item.message = expansion.hidingValues(referencedIn: text, from: item.message)
            return item
        })
    }
}
