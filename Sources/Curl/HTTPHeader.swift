/// One HTTP header field as sent or received, in order; names compare case-insensitively.
public struct HTTPHeader: Sendable, Hashable {
    /// The field name as written, e.g. `Content-Type`.
    public var name: String
    /// The field value with surrounding whitespace removed.
    public var value: String

    /// Creates a header field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// True when this field's name equals `other`, ignoring ASCII case.
    public func hasName(_ other: String) -> Bool {
        name.caseInsensitiveCompare(other) == .orderedSame
    }
}
