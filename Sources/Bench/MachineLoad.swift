import Foundation

/// How busy the machine was while the bench ran: the load averages at the end and the share of
/// CPU time stolen by the hypervisor, both read from `/proc` (Linux). Figures from a loaded or
/// stolen-from machine are not comparable with a quiet one's, so every report carries them.
public struct MachineLoad: Sendable, Codable, Equatable {
    /// 1-, 5- and 15-minute load averages (`/proc/loadavg`).
    public var loadAverage: [Double]
    /// Stolen CPU time over the run, in percent of all CPU time (`/proc/stat` `steal`).
    public var stealPercent: Double
    /// CPUs online.
    public var cpus: Int

    /// The counters at one moment, to be compared with a later reading.
    public struct Snapshot: Sendable {
        var steal: UInt64
        var total: UInt64
    }

    /// Reads `/proc/stat`'s aggregate `cpu` line; zeros where it cannot be read.
    public static func snapshot() -> Snapshot {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else {
            return Snapshot(steal: 0, total: 0)
        }
        // user nice system idle iowait irq softirq steal guest guest_nice (guests are inside user)
        let values = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        let counted = values.prefix(8)
        return Snapshot(steal: values.count > 7 ? values[7] : 0, total: counted.reduce(0, +))
    }

    /// The load now, and the steal since `start`.
    public static func since(_ start: Snapshot) -> MachineLoad {
        let end = snapshot()
        let total = end.total &- start.total
        let steal = total == 0 ? 0 : Double(end.steal &- start.steal) / Double(total) * 100
        let averages = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "")
            .split(separator: " ").prefix(3).compactMap { Double($0) }
        return MachineLoad(loadAverage: averages, stealPercent: steal, cpus: ProcessInfo.processInfo.activeProcessorCount)
    }

    /// `load average 1.20, 0.95, 0.80 on 2 CPUs; CPU steal 0.0 %`.
    public var description: String {
        let averages = loadAverage.map { String(format: "%.2f", $0) }.joined(separator: ", ")
        return "load average \(averages.isEmpty ? "unknown" : averages) on \(cpus) CPUs; CPU steal \(String(format: "%.1f", stealPercent)) %"
    }
}
