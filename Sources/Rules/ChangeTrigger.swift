import JSON

/// What a change rule watches: one field, optionally filtered by old value, new value and direction.
///
/// A class so that matching on a rule's kind does not copy the filters; immutable, hence `Sendable`.
public final class ChangeTrigger: Sendable {
    /// The field whose transitions fire the rule.
    public let field: JSONPath
    /// Only transitions from one of these values (as text), when given.
    public let from: [String]?
    /// Only transitions to one of these values (as text), when given.
    public let to: [String]?
    /// Which way along the field's order the value must move.
    public let direction: ChangeDirection
    /// The field's order; present whenever `direction` is `up` or `down`.
    public let order: ValueOrder?
    let slot: Int

    init(field: JSONPath, from: [String]?, to: [String]?, direction: ChangeDirection, order: ValueOrder?, slot: Int) {
        self.field = field
        self.from = from
        self.to = to
        self.direction = direction
        self.order = order
        self.slot = slot
    }

    /// Whether a move of the field from `old` to `new` (each `nil` when absent) is a transition this rule reports.
    func fires(from old: JSONValue?, to new: JSONValue?) -> Bool {
        guard old != new else { return false }
        let oldText = old?.scalarText, newText = new?.scalarText
        if let from, !(oldText.map { from.contains($0) } ?? false) { return false }
        if let to, !(newText.map { to.contains($0) } ?? false) { return false }
        switch direction {
        case .any:
            return true
        case .up, .down:
            guard let order, let oldText, let newText,
                  let step = order.step(from: oldText, to: newText) else { return false }
            return step.rawValue == direction.rawValue
        }
    }
}

/// The direction a change rule requires; `up` and `down` need an order for the field.
public enum ChangeDirection: String, Sendable, Hashable, CaseIterable {
    case up
    case down
    case any
}
