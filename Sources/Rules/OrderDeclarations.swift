import JSON
import Yams
import YAMLSupport

/// The `orders:` maps of all rule files, checked for shape and for a field declared twice.
struct OrderDeclarations {
    private(set) var orders: [String: ValueOrder] = [:]
    /// Fields whose declaration was malformed (and reported), so rules using them stay quiet about it.
    private(set) var rejected: Set<String> = []
    private var locations: [String: SourceLocation] = [:]

    /// Reads one file's `orders:` — `field.path: [low, ..., high]` for one scale, or a list of
    /// such lists for separate scales.
    mutating func read(_ node: Node, file: String, collector: DiagnosticCollector) {
        let reader = MappingReader(node, file: file, what: "'orders'", collector: collector)
        guard case .mapping(let mapping)? = reader.node else { return }
        for (keyNode, valueNode) in mapping {
            guard let field = keyNode.scalar?.string else {
                collector.add(keyNode.diagnostic("order names must be field paths", file: file))
                continue
            }
            guard JSONPath(field).isWellFormed else {
                collector.add(keyNode.diagnostic("order '\(field.clipped())' must be a dotted field path like 'settings.tier'", file: file))
                continue
            }
            let location = SourceLocation(file: file, line: keyNode.mark?.line ?? 0, column: keyNode.mark?.column ?? 0)
            if let first = locations[field] {
                collector.add(keyNode.diagnostic("order for '\(field)' is declared twice (first at \(first)); keep one", file: file))
                continue
            }
            guard let scales = readScales(valueNode, field: field, file: file, collector: collector) else {
                rejected.insert(field)
                continue
            }
            locations[field] = location
            orders[field] = ValueOrder(scales: scales)
        }
    }

    private func readScales(_ node: Node, field: String, file: String, collector: DiagnosticCollector) -> [[String]]? {
        guard case .sequence(let items) = node, !items.isEmpty else {
            collector.add(node.diagnostic("order '\(field)' must be a non-empty list of values from lowest to highest, or a list of such lists", file: file))
            return nil
        }
        let nested = items.allSatisfy { if case .sequence = $0 { return true } else { return false } }
        let scaleNodes: [Node] = nested ? Array(items) : [node]
        var seen: Set<String> = []
        var scales: [[String]] = []
        var valid = true
        for scaleNode in scaleNodes {
            guard case .sequence(let values) = scaleNode, !values.isEmpty else {
                collector.add(scaleNode.diagnostic("each scale of order '\(field)' must be a non-empty list", file: file))
                valid = false
                continue
            }
            var scale: [String] = []
            for value in values {
                guard let text = value.scalar.flatMap({ _ in value.jsonValue.scalarText }) else {
                    collector.add(value.diagnostic("order '\(field)' values must be single values, found \(value.kindDescription)", file: file))
                    valid = false
                    continue
                }
                if !seen.insert(text).inserted {
                    collector.add(value.diagnostic("'\(text.clipped())' appears twice in order '\(field)'", file: file))
                    valid = false
                }
                scale.append(text)
            }
            scales.append(scale)
        }
        return valid ? scales : nil
    }
}
