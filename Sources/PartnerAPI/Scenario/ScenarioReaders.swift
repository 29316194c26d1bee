import JSON
import Yams
import YAMLSupport

/// Reads `set:` mappings (dotted path → value) shared by generator overrides and timeline changes.
struct FieldAssignmentReader {
    let file: String
    let collector: DiagnosticCollector

    func assignments(from node: Node, key: String) -> [(path: JSONPath, value: JSONValue)] {
        guard case .mapping(let mapping) = node else {
            collector.add(node.diagnostic("'\(key)' must be a mapping of field paths to values, found \(node.kindDescription)", file: file))
            return []
        }
        var result: [(path: JSONPath, value: JSONValue)] = []
        for (keyNode, valueNode) in mapping {
            guard let text = keyNode.scalar?.string else {
                collector.add(keyNode.diagnostic("field paths must be strings", file: file))
                continue
            }
            let path = JSONPath(text)
            guard path.isWellFormed else {
                collector.add(keyNode.diagnostic("'\(text)' is not a dotted field path like waba_account.status", file: file))
                continue
            }
            result.append((path, valueNode.jsonValue))
        }
        return result
    }

    func paths(from node: Node, key: String) -> [JSONPath] {
        guard case .sequence(let items) = node else {
            collector.add(node.diagnostic("'\(key)' must be a list of field paths, found \(node.kindDescription)", file: file))
            return []
        }
        return items.compactMap { item in
            guard let text = item.scalar?.string, JSONPath(text).isWellFormed else {
                collector.add(item.diagnostic("'\(key)' entries must be dotted field paths like settings.tier", file: file))
                return nil
            }
            return JSONPath(text)
        }
    }
}

/// Reads a partner's `generate:` block.
struct GeneratorReader {
    let file: String
    let collector: DiagnosticCollector

    func generator(from node: Node) -> ChannelGenerator? {
        let reader = MappingReader(node, file: file, what: "'generate'", collector: collector)
        guard reader.isValid else { return nil }
        let count = reader.int("count", required: true)
        if let count, count < 0 || count > 10_000_000, let countNode = reader.value("count") {
            collector.add(countNode.diagnostic("'count' must be between 0 and 10000000", file: file))
        }
        var template = JSONValue.object([:])
        if let templateNode = reader.value("template") {
            if case .mapping = templateNode {
                template = templateNode.jsonValue
            } else {
                collector.add(templateNode.diagnostic("'template' must be a mapping (a channel document), found \(templateNode.kindDescription)", file: file))
            }
        }
        var overrides: [ChannelGenerator.Override] = []
        if let list = reader.value("overrides") {
            if case .sequence(let items) = list {
                overrides = items.compactMap(override(from:))
            } else {
                collector.add(list.diagnostic("'overrides' must be a list, found \(list.kindDescription)", file: file))
            }
        }
        reader.finish()
        guard let count, count >= 0, count <= 10_000_000 else { return nil }
        return ChannelGenerator(count: count, template: template, overrides: overrides)
    }

    func override(from node: Node) -> ChannelGenerator.Override? {
        let reader = MappingReader(node, file: file, what: "an override", collector: collector)
        guard reader.isValid else { return nil }
        let every = reader.int("every")
        let number = reader.int("number")
        let fields = reader.value("set").map { FieldAssignmentReader(file: file, collector: collector).assignments(from: $0, key: "set") }
        reader.finish()
        if fields == nil { reader.reportMissing("set") }
        let target: ChannelGenerator.Override.Target
        switch (every, number) {
        case (let every?, nil) where every > 0: target = .every(every)
        case (nil, let number?) where number > 0: target = .number(number)
        default:
            collector.add(node.diagnostic("an override needs exactly one of 'every: N' or 'number: N' (N ≥ 1)", file: file))
            return nil
        }
        guard let fields else { return nil }
        return ChannelGenerator.Override(target: target, fields: fields)
    }
}
