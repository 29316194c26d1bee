/// A credential read from configuration. It never prints itself: `description`, string
/// interpolation and `dump` all show `<redacted>`, so a secret cannot leak into a log line,
/// an error message or `check` output by accident. Read ``revealed`` only where it is sent.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The secret itself, for the one place that hands it to a server.
    public var revealed: String { value }

    /// Whether the secret is empty (unset).
    public var isEmpty: Bool { value.isEmpty }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
