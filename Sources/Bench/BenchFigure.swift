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
    /// Every run's value when the bench ran more than once; `value` is then their median.
    public var samples: [Double] = []

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

    /// The smallest and largest of ``samples`` (the value itself after one run).
    public var range: ClosedRange<Double> {
        guard let low = samples.min(), let high = samples.max() else { return value...value }
        return low...high
    }

    /// One figure per key from several runs of the same steps: the median of the runs' values,
    /// with every value kept in ``samples``; order and notes from the first run.
    public static func combining(_ runs: [[BenchFigure]]) -> [BenchFigure] {
        guard let first = runs.first, runs.count > 1 else { return runs.first ?? [] }
        return first.map { figure in
            var combined = figure
            combined.samples = runs.compactMap { run in run.first { $0.key == figure.key }?.value }
            combined.value = median(combined.samples)
            return combined
        }
    }

    /// The middle value (the mean of the two middle ones for an even count).
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
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
