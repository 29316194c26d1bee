/// How urgent a rule's events are; routes match on it and notifiers show it.
///
/// Ordered by urgency: `info < warning < critical`, so the most urgent of a group is its `max()`.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible, Comparable {
    case critical
    case warning
    case info

    public var description: String { rawValue }

    private var urgency: Int {
        switch self {
        case .critical: 3
        case .warning: 2
        case .info: 1
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.urgency < rhs.urgency }
}
