import JSON

/// A test on a channel document: a leaf on one field, or a combination of conditions.
public indirect enum Condition: Sendable {
    /// One field tested with one operator.
    case leaf(LeafCondition)
    /// Holds when every condition holds (and when the list is empty).
    case all([Condition])
    /// Holds when at least one condition holds.
    case any([Condition])
    /// Holds when the condition does not.
    case not(Condition)

    /// The first field a leaf tests, depth first: the field a state rule's events report.
    public var primaryField: JSONPath? {
        switch self {
        case .leaf(let leaf): return leaf.field
        case .all(let conditions), .any(let conditions): return conditions.lazy.compactMap(\.primaryField).first
        case .not(let condition): return condition.primaryField
        }
    }

    /// Whether the condition holds for `document`, its fields looked up directly (webhook rules:
    /// evaluated once per inbound event, so the rule set's field table is not involved).
    func holds(in document: JSONValue) -> Bool {
        switch self {
        case .leaf(let leaf):
            let value = document[path: leaf.field]
            return leaf.holds(value == .null ? nil : value)
        case .all(let conditions): return conditions.allSatisfy { $0.holds(in: document) }
        case .any(let conditions): return conditions.contains { $0.holds(in: document) }
        case .not(let condition): return !condition.holds(in: document)
        }
    }

    /// Whether the condition holds for a document whose fields were resolved into `values`
    /// (indexed by the rule set's field slots).
    func holds(_ values: FieldValues) -> Bool {
        switch self {
        case .leaf(let leaf): return leaf.holds(values[leaf.slot])
        case .all(let conditions): return conditions.allSatisfy { $0.holds(values) }
        case .any(let conditions): return conditions.contains { $0.holds(values) }
        case .not(let condition): return !condition.holds(values)
        }
    }
}

/// One field of the channel document tested with one operator.
///
/// A class so that walking a condition tree does not copy each leaf's fields; immutable, hence `Sendable`.
public final class LeafCondition: Sendable {
    /// The dotted path of the field.
    public let field: JSONPath
    /// The operator and its operand.
    public let test: LeafTest
    /// Index of the field in the rule set's field table, so a document is resolved once per evaluation.
    let slot: Int

    init(field: JSONPath, test: LeafTest, slot: Int) {
        self.field = field
        self.test = test
        self.slot = slot
    }

    /// Whether the test passes for the field's value (`nil` when absent or `null`).
    func holds(_ value: JSONValue?) -> Bool {
        switch test {
        case .equals(let expected): return value?.scalarText == expected
        case .notEquals(let expected): return value?.scalarText != expected
        case .in(let candidates): return value?.scalarText.map { candidates.contains($0) } ?? false
        case .notIn(let candidates): return !(value?.scalarText.map { candidates.contains($0) } ?? false)
        case .exists(let expected): return (value != nil) == expected
        case .matches(let pattern): return value?.scalarText.map { pattern.matches($0) } ?? false
        case .above(let bound): return value?.scalarText.map { bound.isExceeded(by: $0, upward: true) } ?? false
        case .below(let bound): return value?.scalarText.map { bound.isExceeded(by: $0, upward: false) } ?? false
        }
    }
}

/// The operator of a leaf condition. Values are compared as text (`scalarText`), so enums,
/// numbers and booleans compare the way they are written in the rule file.
public enum LeafTest: Sendable {
    /// The field's text equals the operand.
    case equals(String)
    /// The field is absent or its text differs from the operand.
    case notEquals(String)
    /// The field's text is one of the operands.
    case `in`([String])
    /// The field is absent or its text is none of the operands.
    case notIn([String])
    /// The field is present and not `null` (`true`), or absent or `null` (`false`).
    case exists(Bool)
    /// The field's text contains a match of the regular expression (unanchored; use `^…$`).
    case matches(RulePattern)
    /// The field's value is strictly higher on the operand's scale.
    case above(OrderBound)
    /// The field's value is strictly lower on the operand's scale.
    case below(OrderBound)
}

/// A value on an order that a field is compared against with `above`/`below`.
public struct OrderBound: Sendable {
    /// The order of the field.
    public let order: ValueOrder
    /// The operand as written.
    public let value: String

    /// Whether `candidate` lies strictly beyond the bound, on the same scale.
    func isExceeded(by candidate: String, upward: Bool) -> Bool {
        guard let bound = order.position(of: value), let position = order.position(of: candidate),
              bound.scale == position.scale else { return false }
        return upward ? position.rank > bound.rank : position.rank < bound.rank
    }
}
