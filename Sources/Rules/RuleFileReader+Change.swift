import JSON
import Yams
import YAMLSupport

extension RuleFileReader {
    /// Reads `change: {field, from, to, direction}`.
    func readChange(_ node: Node, fields: inout FieldTable, conditions: ConditionReader) -> ChangeTrigger? {
        let reader = MappingReader(node, file: file, what: "'change'", collector: collector)
        guard reader.isValid else { return nil }
        defer { reader.finish() }
        let errorsBefore = collector.items.count
        let field = conditions.readField(reader)
        let from = reader.value("from").flatMap { conditions.list("from", $0) }
        let to = reader.value("to").flatMap { conditions.list("to", $0) }
        var direction = ChangeDirection.any
        var order: ValueOrder?
        if let text = reader.string("direction"), let directionNode = reader.value("direction") {
            if let parsed = ChangeDirection(rawValue: text) {
                direction = parsed
                if parsed != .any, let field {
                    order = conditions.order(for: field, key: "direction: \(text)", at: directionNode)
                }
            } else {
                let names = ChangeDirection.allCases.map(\.rawValue)
                collector.add(directionNode.diagnostic("'direction' must be one of \(names.joined(separator: ", ")), found '\(text.clipped())'"
                    + Hint.didYouMean(text, among: names), file: file))
            }
        }
        guard collector.items.count == errorsBefore, let field else { return nil }
        let slot = fields.slot(for: field)
        fields.markChanged(slot)
        return ChangeTrigger(field: field, from: from, to: to, direction: direction, order: order, slot: slot)
    }
}
