import Foundation

/// Everything one `channelwatch bench` run measured, printable as a table or as JSON.
public struct BenchReport: Sendable, Codable {
    /// Channels of the tracked partner.
    public var channels: Int
    /// Whether the sizes were scaled down (`--quick`).
    public var quick: Bool
    /// Deliveries queued for the throughput figure.
    public var deliveries: Int
    /// Poll rounds of the latency figure.
    public var latencyRounds: Int
    /// The figures, in the order they were measured.
    public var figures: [BenchFigure] = []
    /// How often every step was measured; each figure is the median of that many runs.
    public var runs = 1
    /// How busy the machine was (load averages at the end, CPU steal during the run).
    public var machine: MachineLoad?

    /// An empty report for these sizes.
    public init(channels: Int, quick: Bool, deliveries: Int, latencyRounds: Int) {
        self.channels = channels
        self.quick = quick
        self.deliveries = deliveries
        self.latencyRounds = latencyRounds
    }

    /// The report as one JSON document (keys sorted, so runs diff cleanly).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(JSONShape(self)), as: UTF8.self)
    }

    /// The report as an aligned text table: figure, value, target, verdict, note.
    public func table() -> String {
        let rows = figures.map { figure -> [String] in
            let verdict = figure.met.map { $0 ? "met" : "MISSED" } ?? ""
            let target = figure.target.map { (figure.comparison == .atMost ? "≤ " : "≥ ") + Self.format($0, figure.unit) } ?? "—"
            var measured = Self.format(figure.value, figure.unit)
            if figure.samples.count > 1 {
                measured += " (\(Self.format(figure.range.lowerBound, ""))..\(Self.format(figure.range.upperBound, "")))"
            }
            return [figure.label, measured, target, verdict, figure.note]
        }
        let header = ["figure", "measured", "target", "", "note"]
        let widths = (0..<header.count).map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        var lines = ["channelwatch bench: \(channels) channels, \(deliveries) deliveries, \(latencyRounds) latency rounds"
                     + (quick ? " (quick)" : "")
                     + (runs > 1 ? "; each figure the median (min..max) of \(runs) runs" : "")]
        if let machine { lines.append("machine: \(machine.description)") }
        lines.append(line(header))
        lines.append(line(widths.map { String(repeating: "-", count: $0) }))
        lines += rows.map(line)
        if channels != 100_000 || deliveries != 20_000 {
            lines.append("(the targets are set for 100,000 channels and thousands of deliveries: "
                         + "at these sizes the verdicts only indicate.)")
        }
        return lines.joined(separator: "\n")
    }

    /// `1.234 s`, `87 MB`, `3,120 /s`: enough digits to compare, not more.
    static func format(_ value: Double, _ unit: String) -> String {
        let digits = abs(value) >= 100 ? 0 : (abs(value) >= 10 ? 1 : (abs(value) >= 1 ? 2 : 3))
        return String(format: "%.\(digits)f", value) + (unit.isEmpty ? "" : " \(unit)")
    }

    /// The JSON layout: the sizes and the figures, each with `met`.
    private struct JSONShape: Encodable {
        struct Figure: Encodable {
            var key: String, label: String, value: Double, unit: String, target: Double?, comparison: String
            var met: Bool?, note: String
            var samples: [Double], minimum: Double, maximum: Double
        }
        var channels: Int, quick: Bool, deliveries: Int, latencyRounds: Int, runs: Int
        var figures: [Figure]
        var machine: MachineLoad?

        init(_ report: BenchReport) {
            channels = report.channels
            quick = report.quick
            deliveries = report.deliveries
            latencyRounds = report.latencyRounds
            runs = report.runs
            machine = report.machine
            figures = report.figures.map {
                Figure(key: $0.key, label: $0.label, value: $0.value, unit: $0.unit, target: $0.target,
                       comparison: $0.comparison.rawValue, met: $0.met, note: $0.note,
                       samples: $0.samples.isEmpty ? [$0.value] : $0.samples, minimum: $0.range.lowerBound, maximum: $0.range.upperBound)
            }
        }
    }
}
