import JSON
import Yams
import YAMLSupport

/// Reads conditions (`alert:`, `where:`, inside `all`/`any`/`not`) and change triggers.
final class ConditionReader {
    let file: String
    let orders: [String: ValueOrder]
    let rejectedOrders: Set<String>
    let collector: DiagnosticCollector
    /// Conditions left before a file is judged abusive: YAML aliases can make a small file
    /// describe an exponential tree, and walking it must not hang the loader.
    private var budget = 10_000
    static let maximumDepth = 32
    static let operators = ["equals", "not_equals", "in", "not_in", "exists", "matches", "above", "below"]
    static let combinators = ["all", "any", "not"]

    init(file: String, orders: [String: ValueOrder], rejectedOrders: Set<String>, collector: DiagnosticCollector) {
        self.file = file
        self.orders = orders
        self.rejectedOrders = rejectedOrders
        self.collector = collector
    }

    func read(_ node: Node, fields: inout FieldTable, depth: Int = 0) -> Condition? {
        guard depth < Self.maximumDepth else {
            collector.add(node.diagnostic("conditions are nested more than \(Self.maximumDepth) levels deep; flatten them with 'all'/'any'", file: file))
            return nil
        }
        budget -= 1
        guard budget >= 0 else {
            if budget == -1 {
                collector.add(node.diagnostic("too many conditions (more than 10000, counting YAML aliases); simplify the rule", file: file))
            }
            return nil
        }
        let reader = MappingReader(node, file: file, what: "a condition", collector: collector)
        guard reader.isValid else { return nil }
        reader.allow("field")
        Self.operators.forEach { reader.allow($0) }
        Self.combinators.forEach { reader.allow($0) }
        let keys = reader.keys
        let unknown = keys.filter { !Self.operators.contains($0) && !Self.combinators.contains($0) && $0 != "field" }
        let combinators = keys.filter { Self.combinators.contains($0) }
        let isLeaf = keys.contains("field") || keys.contains { Self.operators.contains($0) }
        defer { reader.finish() }

        if !combinators.isEmpty && isLeaf {
            let key = reader.keyNode(combinators[0]) ?? node
            collector.add(key.diagnostic("a condition is either a field test or '\(combinators[0])', not both; wrap them in 'all'", file: file))
            return nil
        }
        if combinators.count > 1, let second = reader.keyNode(combinators[1]) {
            collector.add(second.diagnostic("a condition has both '\(combinators[0])' and '\(combinators[1])'; nest one inside the other", file: file))
            return nil
        }
        if let combinator = combinators.first, let value = reader.value(combinator) {
            return readCombinator(combinator, value, fields: &fields, depth: depth)
        }
        if isLeaf { return readLeaf(reader, node: node, fields: &fields, misspelt: !unknown.isEmpty) }
        if unknown.isEmpty {
            collector.add(node.diagnostic("a condition needs 'field' with an operator (\(Self.operators.joined(separator: ", "))), or 'all', 'any' or 'not'", file: file))
        }
        return nil
    }

    private func readCombinator(_ name: String, _ value: Node, fields: inout FieldTable, depth: Int) -> Condition? {
        if name == "not" {
            return read(value, fields: &fields, depth: depth + 1).map(Condition.not)
        }
        guard case .sequence(let items) = value, !items.isEmpty else {
            collector.add(value.diagnostic("'\(name)' must be a non-empty list of conditions, found \(value.kindDescription)", file: file))
            return nil
        }
        let parts = items.map { read($0, fields: &fields, depth: depth + 1) }
        guard !parts.contains(where: { $0 == nil }) else { return nil }
        let conditions = parts.compactMap { $0 }
        return name == "all" ? .all(conditions) : .any(conditions)
    }

    /// - Parameter misspelt: whether the mapping has unknown keys; a missing operator is then
    ///   most likely the misspelt key, which `finish()` reports with a "did you mean".
    private func readLeaf(_ reader: MappingReader, node: Node, fields: inout FieldTable, misspelt: Bool) -> Condition? {
        guard let field = readField(reader) else { return nil }
        let present = reader.keys.filter { Self.operators.contains($0) }
        guard let name = present.first, let operand = reader.value(name) else {
            if !misspelt { collector.add(node.diagnostic("condition on '\(field)' needs an operator: \(Self.operators.joined(separator: ", "))", file: file)) }
            return nil
        }
        if present.count > 1, let second = reader.keyNode(present[1]) {
            collector.add(second.diagnostic("condition on '\(field)' has both '\(present[0])' and '\(present[1])'; combine tests with 'all' or 'any'", file: file))
            return nil
        }
        guard let test = readTest(name, operand, field: field) else { return nil }
        return .leaf(LeafCondition(field: field, test: test, slot: fields.slot(for: field)))
    }

    /// The `field` of a leaf or change trigger, checked to be a dotted path.
    func readField(_ reader: MappingReader) -> JSONPath? {
        guard let text = reader.string("field", required: true), let node = reader.value("field") else { return nil }
        let path = JSONPath(text)
        guard path.isWellFormed else {
            collector.add(node.diagnostic("'field' must be a dotted path like 'waba_account.status', found '\(text.clipped())'", file: file))
            return nil
        }
        return path
    }

    private func readTest(_ name: String, _ operand: Node, field: JSONPath) -> LeafTest? {
        switch name {
        case "equals": return single(name, operand).map(LeafTest.equals)
        case "not_equals": return single(name, operand).map(LeafTest.notEquals)
        case "in": return list(name, operand).map(LeafTest.in)
        case "not_in": return list(name, operand).map(LeafTest.notIn)
        case "exists":
            switch operand.scalar?.string {
            case "true"?: return .exists(true)
            case "false"?: return .exists(false)
            default:
                collector.add(operand.diagnostic("'exists' must be true or false", file: file))
                return nil
            }
        case "matches":
            guard let pattern = single(name, operand) else { return nil }
            do {
                return .matches(try RulePattern(pattern))
            } catch {
                collector.add(operand.diagnostic("'matches': \(error.message)", file: file))
                return nil
            }
        default:
            guard let value = single(name, operand), let bound = orderBound(name, value, operand, field: field) else { return nil }
            return name == "above" ? .above(bound) : .below(bound)
        }
    }

    private func orderBound(_ name: String, _ value: String, _ operand: Node, field: JSONPath) -> OrderBound? {
        guard let order = order(for: field, key: name, at: operand) else { return nil }
        guard order.contains(value) else {
            collector.add(operand.diagnostic("'\(value.clipped())' is not a value of the order of '\(field)' (ordered values: \(order.allValues.joined(separator: ", ")))"
                + Hint.didYouMean(value, among: order.allValues), file: file))
            return nil
        }
        return OrderBound(order: order, value: value)
    }

    /// The order of `field`, or a diagnostic at `node` explaining how to declare one.
    func order(for field: JSONPath, key: String, at node: Node) -> ValueOrder? {
        if let order = orders[field.description] { return order }
        // A malformed declaration was reported already; a second error here would only repeat it.
        if rejectedOrders.contains(field.description) { return nil }
        let known = orders.keys.sorted().joined(separator: ", ")
        collector.add(node.diagnostic("'\(key)' needs an order for field '\(field)', and there is none; declare one under the top-level 'orders:' (known orders: \(known))", file: file))
        return nil
    }

    /// One scalar operand as text.
    func single(_ name: String, _ operand: Node) -> String? {
        guard operand.scalar != nil else {
            let hint = name == "equals" ? " (did you mean 'in'?)" : name == "not_equals" ? " (did you mean 'not_in'?)" : ""
            collector.add(operand.diagnostic("'\(name)' must be a single value, found \(operand.kindDescription)\(hint)", file: file))
            return nil
        }
        guard let text = operand.jsonValue.scalarText else {
            collector.add(operand.diagnostic("'\(name)' needs a value, found null; to test for a missing field use 'exists: false'", file: file))
            return nil
        }
        return text
    }

    /// A non-empty list of scalar operands as text.
    func list(_ name: String, _ operand: Node) -> [String]? {
        guard case .sequence(let items) = operand, !items.isEmpty else {
            let found = operand.sequence?.isEmpty == true ? "an empty list" : operand.kindDescription
            let hint = operand.scalar != nil && (name == "in" || name == "not_in") ? " (for one value use '\(name == "in" ? "equals" : "not_equals")')" : ""
            collector.add(operand.diagnostic("'\(name)' must be a non-empty list of values, found \(found)\(hint)", file: file))
            return nil
        }
        var values: [String] = []
        for item in items {
            if let text = single(name, item) { values.append(text) } else { return nil }
        }
        return values
    }
}
