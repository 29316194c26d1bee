/// What the engine remembers about one channel between polls: which state rules are firing
/// and how many consecutive complete polls a not-yet-firing condition has held.
public struct ChannelRuleState: Codable, Hashable, Sendable {
    /// Firing state rules (and `disappeared`) by rule name.
    public var firing: [String: OpenAlert]
    /// Consecutive complete polls on which a condition held without firing yet (`for_polls` > 1).
    public var pending: [String: Int]

    /// Creates a state; the default is a channel with nothing firing.
    public init(firing: [String: OpenAlert] = [:], pending: [String: Int] = [:]) {
        self.firing = firing
        self.pending = pending
    }

    /// A channel with nothing firing and nothing pending.
    public static let empty = ChannelRuleState()

    /// Whether nothing is firing or pending, so the state need not be stored.
    public var isEmpty: Bool { firing.isEmpty && pending.isEmpty }
}

/// A firing state rule of one channel.
public struct OpenAlert: Codable, Hashable, Sendable {
    /// The reported field's text when the rule fired (`nil` when absent or the rule has no field).
    public var value: String?

    /// Creates an open alert.
    public init(value: String?) { self.value = value }
}
