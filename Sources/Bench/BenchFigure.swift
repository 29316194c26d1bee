/// One measured figure of `channelwatch bench`, next to the target it is judged against.
public struct BenchFigure: Sendable, Codable, Equatable {
    /// How a figure compares with its target.
    public enum Comparison: String, Sendable, Codable {
        /// The figure must not exceed the target (times, memory, CPU).
        case atMost = "at_most"
        /// The figure must reach the target (throughput).
        case atLeast = "at_least"
    }

    /// A stable identifier for scripts and tests: `poll_wall_seconds`, `latency_p99_ms`, ...
    public var key: String
    /// What was measured, for the table.
    public var label: String
    /// The measured value, in `unit`.
    public var value: Double
    /// `s`, `ms`, `MB`, `×`, `/s`.
    public var unit: String
    /// The target in `unit`, when there is one.
    public var target: Double?
    /// Whether `value` must stay below or reach `target`.
    public var comparison: Comparison
    /// Context that explains the figure: sizes, splits, counts.
    public var note: String

    /// A figure; `target` is `nil` for figures that are measured for context only.
    public init(key: String, label: String, value: Double, unit: String, target: Double? = nil,
                comparison: Comparison = .atMost, note: String = "") {
        self.key = key
        self.label = label
        self.value = value
        self.unit = unit
        self.target = target
        self.comparison = comparison
        self.note = note
    }

    /// Whether the target is met; `nil` when the figure has no target.
    public var met: Bool? {
        guard let target else { return nil }
        switch comparison {
        case .atMost: return value <= target
        case .atLeast: return value >= target
        }
    }
}
