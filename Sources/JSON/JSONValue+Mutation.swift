extension JSONValue {
    /// Sets the value at a dotted path, creating objects for missing steps; a step through a
    /// non-object replaces it with an object (the caller asked for that path to exist).
    public mutating func set(_ value: JSONValue, at path: JSONPath) {
        set(value, at: path.components[...])
    }

    private mutating func set(_ value: JSONValue, at components: ArraySlice<String>) {
        guard let first = components.first else {
            self = value
            return
        }
        var members = objectValue ?? [:]
        var child = members[first] ?? .null
        child.set(value, at: components.dropFirst())
        members[first] = child
        self = .object(members)
    }

    /// Removes the member at a dotted path; does nothing when the path does not exist.
    public mutating func remove(at path: JSONPath) {
        remove(at: path.components[...])
    }

    private mutating func remove(at components: ArraySlice<String>) {
        guard let first = components.first, var members = objectValue, members[first] != nil else { return }
        if components.count == 1 {
            members[first] = nil
        } else {
            members[first]!.remove(at: components.dropFirst())
        }
        self = .object(members)
    }
}
