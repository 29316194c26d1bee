import Yams

/// Reads one YAML mapping strictly: typed accessors record wrong types, and ``finish()``
/// reports every key nobody asked for as unknown, with a "did you mean" hint.
public final class MappingReader {
    /// The file the mapping came from, for diagnostics.
    public let file: String
    /// Where problems go.
    public let collector: DiagnosticCollector
    /// The mapping's node, or `nil` when the node was not a mapping (already reported).
    public let node: Node?
    private var entries: [(key: Node, value: Node)] = []
    private var known: [String] = []

    /// Wraps `node`; reports "expected a mapping" at its mark when it is anything else.
    public init(_ node: Node, file: String, what: String, collector: DiagnosticCollector) {
        self.file = file
        self.collector = collector
        if case .mapping(let mapping) = node {
            self.node = node
            entries = mapping.map { ($0.key, $0.value) }
        } else {
            self.node = nil
            collector.add(node.diagnostic("\(what) must be a mapping, found \(node.kindDescription)", file: file))
        }
    }

    /// Whether the mapping was valid.
    public var isValid: Bool { node != nil }

    /// The keys present in the mapping, in file order.
    public var keys: [String] { entries.compactMap { $0.key.scalar?.string } }

    /// The value node for `key`, declaring the key as known.
    public func value(_ key: String) -> Node? {
        known.append(key)
        return entries.first { $0.key.scalar?.string == key }?.value
    }

    /// The key node for `key` (for diagnostics that point at the key).
    public func keyNode(_ key: String) -> Node? {
        entries.first { $0.key.scalar?.string == key }?.key
    }

    /// Declares keys as known without reading them.
    public func allow(_ keys: String...) { known.append(contentsOf: keys) }

    /// A string value; a non-scalar is reported.
    public func string(_ key: String, required: Bool = false) -> String? {
        guard let value = value(key) else {
            if required { reportMissing(key) }
            return nil
        }
        return Self.string(value, key: key, file: file, collector: collector)
    }

    /// An integer value; anything else is reported.
    public func int(_ key: String, required: Bool = false) -> Int? {
        guard let value = value(key) else {
            if required { reportMissing(key) }
            return nil
        }
        if let number = value.scalar.flatMap({ Int($0.string) }) { return number }
        collector.add(value.diagnostic("'\(key)' must be an integer", file: file))
        return nil
    }

    /// A boolean value (`true`/`false`); anything else is reported.
    public func bool(_ key: String) -> Bool? {
        guard let value = value(key) else { return nil }
        switch value.scalar?.string {
        case "true"?: return true
        case "false"?: return false
        default:
            collector.add(value.diagnostic("'\(key)' must be true or false", file: file))
            return nil
        }
    }

    /// A list of strings; a single string or other shapes are reported.
    public func stringList(_ key: String) -> [String]? {
        guard let value = value(key) else { return nil }
        guard case .sequence(let items) = value else {
            collector.add(value.diagnostic("'\(key)' must be a list, found \(value.kindDescription)", file: file))
            return nil
        }
        return items.compactMap { Self.string($0, key: key, file: file, collector: collector) }
    }

    /// A mapping of strings to strings (labels, filters).
    public func stringMap(_ key: String) -> [String: String]? {
        guard let value = value(key) else { return nil }
        let reader = MappingReader(value, file: file, what: "'\(key)'", collector: collector)
        var result: [String: String] = [:]
        for name in reader.keys {
            if let text = reader.string(name) { result[name] = text }
        }
        return reader.isValid ? result : nil
    }

    /// A duration such as `5m`, `15s`, `500ms`, `24h` or `2d`.
    public func duration(_ key: String) -> Duration? {
        guard let value = value(key), let text = Self.string(value, key: key, file: file, collector: collector) else {
            return nil
        }
        if let duration = DurationText.parse(text) { return duration }
        collector.add(value.diagnostic("'\(key)' must be a duration like 500ms, 15s, 5m, 24h or 2d, found '\(text)'", file: file))
        return nil
    }

    /// Reports every key that no accessor asked for, with a hint at the closest known key.
    public func finish() {
        for entry in entries {
            guard let name = entry.key.scalar?.string else {
                collector.add(entry.key.diagnostic("keys must be strings", file: file))
                continue
            }
            if !known.contains(name) {
                collector.add(entry.key.diagnostic("unknown key '\(name)'" + DidYouMean.hint(for: name, among: known), file: file))
            }
        }
    }

    /// Reports a missing required key at the mapping.
    public func reportMissing(_ key: String) {
        if let node { collector.add(node.diagnostic("missing required key '\(key)'", file: file)) }
    }

    static func string(_ node: Node, key: String, file: String, collector: DiagnosticCollector) -> String? {
        if let scalar = node.scalar { return scalar.string }
        collector.add(node.diagnostic("'\(key)' must be a string, found \(node.kindDescription)", file: file))
        return nil
    }
}
