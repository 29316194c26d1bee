import JSON

/// The values of the rule set's fields in one document, indexed by field slot; `nil` for a
/// field that is absent or `null`.
typealias FieldValues = [JSONValue?]

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

    /// Looks the change-rule fields up in `document`; other slots stay `nil`.
    func resolveChangeSlots(_ document: JSONValue?) -> FieldValues {
        var values = FieldValues(repeating: nil, count: paths.count)
        guard let document else { return values }
        for slot in changeSlots {
            if let value = document[path: paths[slot]], !Self.isNull(value) { values[slot] = value }
        }
        return values
    }

    /// Pattern matching instead of `==`, which would compare (and copy) the payload.
    @inline(__always)
    static func isNull(_ value: JSONValue) -> Bool {
        if case .null = value { return true }
        return false
    }

    /// Looks one field up in `document`.
    func value(at slot: Int, in document: JSONValue?) -> JSONValue? {
        guard let value = document?[path: paths[slot]], !Self.isNull(value) else { return nil }
        return value
    }

    /// Looks every field up in `document`.
    func resolve(_ document: JSONValue?) -> FieldValues {
        guard let document else { return FieldValues(repeating: nil, count: paths.count) }
        return paths.map { path in
            guard let value = document[path: path], !Self.isNull(value) else { return nil }
            return value
        }
    }
}
