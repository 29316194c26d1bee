import JSON

/// The values of the rule set's fields in one document, indexed by field slot; `nil` for a
/// field that is absent or `null`. Lives on the stack for the length of one evaluation
/// (``FieldLookup/withValues(_:_:_:)``), so evaluating a channel allocates nothing for it.
typealias FieldValues = UnsafeMutableBufferPointer<JSONValue?>

/// Every distinct field path the rules test, so that each document is walked once per
/// evaluation however many rules look at the same field.
struct FieldTable: Sendable {
    private(set) var paths: [JSONPath] = []
    private var slots: [String: Int] = [:]

    /// The slot of `path`, added on first use.
    mutating func slot(for path: JSONPath) -> Int {
        if let slot = slots[path.description] { return slot }
        paths.append(path)
        slots[path.description] = paths.count - 1
        return paths.count - 1
    }

    /// Slots compared between the previous and the current document (change-rule fields);
    /// only these are looked up in the previous document up front.
    private(set) var changeSlots: [Int] = []

    /// Marks `slot` as a change-rule field.
    mutating func markChanged(_ slot: Int) {
        if !changeSlots.contains(slot) { changeSlots.append(slot) }
    }

    /// The lookups compiled into prefix trees, once the table is complete.
    func compiled() -> FieldLookup { FieldLookup(paths: paths, changeSlots: changeSlots) }
}

/// The field paths as prefix trees over their steps: a document is resolved in one walk from
/// its root, each object member looked up once however many paths pass through it, with no
/// per-path copies of the document.
///
/// Gives the same values as `document[path: path]` per path, with `null` read as absent.
/// A class so an evaluation holds it with one reference; immutable, hence `Sendable`.
final class FieldLookup: Sendable {
    /// One step of one or more paths; a class so walking the tree retains one reference per step.
    final class Step: Sendable {
        /// The object member this step reads.
        let key: String
        /// The array index this step reads, when the step is a number (`phone_numbers.0`).
        let index: Int?
        /// The slot of the path that ends here, or -1.
        let slot: Int
        /// Steps of longer paths through this one.
        let children: [Step]

        init(key: String, slot: Int, children: [Step]) {
            self.key = key
            index = Int(key)
            self.slot = slot
            self.children = children
        }
    }

    let paths: [JSONPath]
    /// Every path.
    private let all: [Step]
    /// The change-rule paths only.
    private let changed: [Step]

    init(paths: [JSONPath], changeSlots: [Int]) {
        self.paths = paths
        all = Self.tree(paths.indices.map { (paths[$0].components[...], $0) })
        changed = Self.tree(changeSlots.map { (paths[$0].components[...], $0) })
    }

    /// The steps for `(remaining components, slot)` pairs, in first-use order.
    private static func tree(_ entries: [(components: ArraySlice<String>, slot: Int)]) -> [Step] {
        var keys: [String] = []
        var groups: [String: [(components: ArraySlice<String>, slot: Int)]] = [:]
        for entry in entries {
            guard let key = entry.components.first else { continue }
            if groups[key] == nil { keys.append(key) }
            groups[key, default: []].append((entry.components.dropFirst(), entry.slot))
        }
        return keys.map { key in
            let group = groups[key] ?? []
            // Slots are distinct paths, so at most one ends at this step.
            let slot = group.first { $0.components.isEmpty }?.slot ?? -1
            return Step(key: key, slot: slot, children: tree(group.filter { !$0.components.isEmpty }))
        }
    }

    /// Calls `body` with the fields of `current` (every slot) and of `previous` (change-rule
    /// slots only; the others stay `nil`), both held on the stack for the call.
    func withValues<Result>(current: JSONValue?, previous: JSONValue?,
                            _ body: (_ now: FieldValues, _ before: FieldValues) -> Result) -> Result {
        let count = paths.count
        return withUnsafeTemporaryAllocation(of: JSONValue?.self, capacity: max(2 * count, 1)) { buffer in
            buffer.initialize(repeating: nil)
            defer { buffer.deinitialize() }
            let now = FieldValues(rebasing: buffer[0..<count])
            let before = FieldValues(rebasing: buffer[count..<(2 * count)])
            if let current { Self.resolve(all, in: current, into: now) }
            if let previous { Self.resolve(changed, in: previous, into: before) }
            return body(now, before)
        }
    }

    /// Calls `body` with every field of `document`, held on the stack for the call.
    func withValues<Result>(of document: JSONValue?, _ body: (FieldValues) -> Result) -> Result {
        withUnsafeTemporaryAllocation(of: JSONValue?.self, capacity: max(paths.count, 1)) { buffer in
            buffer.initialize(repeating: nil)
            defer { buffer.deinitialize() }
            let values = FieldValues(rebasing: buffer[0..<paths.count])
            if let document { Self.resolve(all, in: document, into: values) }
            return body(values)
        }
    }

    /// Looks one field up in `document`.
    func value(at slot: Int, in document: JSONValue?) -> JSONValue? {
        guard let value = document?[path: paths[slot]], !Self.isNull(value) else { return nil }
        return value
    }

    private static func resolve(_ steps: [Step], in value: JSONValue, into values: FieldValues) {
        switch value {
        case .object(let members):
            for step in steps {
                guard let child = members[step.key] else { continue }
                record(step, child, into: values)
            }
        case .array(let items):
            for step in steps {
                guard let index = step.index, items.indices.contains(index) else { continue }
                record(step, items[index], into: values)
            }
        case .null, .bool, .number, .string:
            return
        }
    }

    @inline(__always)
    private static func record(_ step: Step, _ value: JSONValue, into values: FieldValues) {
        if step.slot >= 0, !isNull(value) { values[step.slot] = value }
        if !step.children.isEmpty { resolve(step.children, in: value, into: values) }
    }

    /// Pattern matching instead of `==`, which would compare (and copy) the payload.
    @inline(__always)
    static func isNull(_ value: JSONValue) -> Bool {
        if case .null = value { return true }
        return false
    }
}
