/// How urgent a rule's events are; routes match on it and notifiers show it.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case critical
    case warning
    case info

    public var description: String { rawValue }
}
