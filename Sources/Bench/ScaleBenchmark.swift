import Primitives
import Foundation

/// The scale curve: `channelwatch run` as a subprocess tracking 10,000 and 100,000 channels
/// (1,000,000 with `--large`; 1,000 and 10,000 with `--quick`), each size on a simulator of
/// its own (100 per page, 50 ms per page, 16 pages at once) and an empty database. Per size it
/// measures the first poll (every snapshot new) and the steady polls after it (nothing changed;
/// several below 100,000 channels, so that CPU time counted in 10 ms ticks means something):
/// wall time from a poll's start to its commit against the network bound, the worker's CPU
/// seconds and peak RSS (`VmHWM`, reset after the first poll), the CPU cost per channel, and
/// the simulator's CPU (which must not be the bottleneck).
struct ScaleBenchmark {
    let context: BenchContext

    /// Pages in flight, as a large partner is configured.
    static let concurrency = 16

    func run() async throws -> [BenchFigure] {
        var figures: [BenchFigure] = []
        var smallest: (label: String, first: Double, steady: Double)?
        for size in context.options.scaleSizes {
            let measured = try await measure(channels: size)
            figures += measured.figures(comparedWith: smallest)
            if smallest == nil {
                smallest = (measured.label, measured.first.cpuPerChannel, measured.steady.cpuPerChannel)
            }
        }
        return figures
    }

    /// One poll's measurements.
    struct PollFigures {
        var wallSeconds: Double
        var fetchSeconds: Double
        var cpuSeconds: Double
        var peakRSSMegabytes: Double
        var simulatorCPUSeconds: Double
        /// CPU of the private PostgreSQL's processes meanwhile; `nil` on an external server.
        var databaseCPUSeconds: Double?
        var channels: Int
        /// Worker CPU microseconds per channel.
        var cpuPerChannel: Double { cpuSeconds / Double(channels) * 1e6 }
    }

    /// Both polls of one size.
    struct SizeFigures {
        var channels: Int
        var steadyPolls: Int
        var first: PollFigures
        var steady: PollFigures
        var label: String { ScaleBenchmark.label(channels) }
        /// The network bound: the first page (it says how many there are), then the others
        /// `concurrency` at a time, 50 ms each.
        var bound: Double {
            let pages = (channels + BenchOptions.pageSize - 1) / BenchOptions.pageSize
            let rounds = 1 + (pages - 1 + ScaleBenchmark.concurrency - 1) / ScaleBenchmark.concurrency
            return Double(rounds) * BenchOptions.pageLatency.seconds
        }

        func figures(comparedWith smallest: (label: String, first: Double, steady: Double)?) -> [BenchFigure] {
            let key = "scale_\(label.lowercased())"
            var figures: [BenchFigure] = []
            for (name, poll, baseline) in [("first", first, smallest?.first), ("steady", steady, smallest?.steady)] {
                let title = "\(label) channels, \(name) poll"
                figures.append(BenchFigure(
                    key: "\(key)_\(name)_bound_ratio", label: "\(title): ÷ network bound", value: poll.wallSeconds / bound,
                    unit: "×", target: 1.15,
                    note: "start → commit \(BenchReport.format(poll.wallSeconds, "s")) (fetch \(BenchReport.format(poll.fetchSeconds, "s"))); "
                        + "bound \(BenchReport.format(bound, "s")): the first page, then \(ScaleBenchmark.concurrency) at a time, 50 ms each"
                        + (name == "steady" && steadyPolls > 1 ? "; mean of \(steadyPolls) polls" : "")))
                figures.append(BenchFigure(
                    key: "\(key)_\(name)_peak_rss_mb", label: "\(title): peak RSS of `run`", value: poll.peakRSSMegabytes,
                    unit: "MB", target: 200,
                    note: name == "first" ? "VmHWM over the first poll" : "VmHWM over the steady polls"))
                figures.append(BenchFigure(
                    key: "\(key)_\(name)_cpu_seconds", label: "\(title): CPU of `run`", value: poll.cpuSeconds, unit: "s",
                    // 12 CPU-s for a steady poll of 1,000,000 channels: 12 µs a channel at every size.
                    target: name == "steady" ? 12e-6 * Double(channels) : nil,
                    note: "\(BenchReport.format(poll.cpuPerChannel, "µs")) a channel; meanwhile simulator "
                        + BenchReport.format(poll.simulatorCPUSeconds, "s")
                        + (poll.databaseCPUSeconds.map { ", PostgreSQL " + BenchReport.format($0, "s") } ?? "") + " CPU"))
                if let baseline {
                    figures.append(BenchFigure(
                        key: "\(key)_\(name)_cost_ratio", label: "\(title): CPU a channel ÷ at \(smallest!.label)",
                        value: poll.cpuPerChannel / baseline, unit: "×", target: 1.2,
                        note: "\(BenchReport.format(poll.cpuPerChannel, "µs")) against \(BenchReport.format(baseline, "µs"))"))
                }
            }
            return figures
        }
    }

    /// `10K`, `100K`, `1M`.
    static func label(_ channels: Int) -> String {
        if channels >= 1_000_000, channels % 1_000_000 == 0 { return "\(channels / 1_000_000)M" }
        if channels >= 1_000, channels % 1_000 == 0 { return "\(channels / 1_000)K" }
        return "\(channels)"
    }

    private func measure(channels: Int) async throws -> SizeFigures {
        let options = context.options
        let directory = options.workDirectory.appendingPathComponent("scale-\(channels)")
        let simulator = try await BenchSimulator.start(channels: channels, executable: options.executable, directory: directory)
        do {
            let figures = try await measure(channels: channels, simulator: simulator)
            await simulator.stop()
            return figures
        } catch {
            await simulator.stop()
            throw error
        }
    }

    private func measure(channels: Int, simulator: BenchSimulator) async throws -> SizeFigures {
        try await context.database.emptyTables(using: context.client)
        let worker = try BenchWorkerProcess.start("scale-\(channels)", step: "scale", configYAML: configYAML(simulator),
                                                  options: context.options, database: context.database,
                                                  client: context.client)
        do {
            // Small polls take a fraction of a second: look often enough for the commit time to mean something.
            let checkEvery = Duration.milliseconds(channels >= 100_000 ? 100 : 10)
            let limit = Duration.seconds(max(300, channels / 2_000))
            let simulatorAtStart = try simulator.process.cpuSeconds()
            let databaseAtStart = context.database.serverCPUSeconds()
            let firstSeen = try await worker.waitForCompletePolls(1, of: BenchSimulator.benchPartner, within: limit,
                                                                  checkEvery: checkEvery)
            let firstCPU = try worker.process.cpuSeconds()
            let firstPeak = try worker.statusMegabytes("VmHWM")
            let simulatorAfterFirst = try simulator.process.cpuSeconds()
            let databaseAfterFirst = context.database.serverCPUSeconds()
            guard ProcessUsage.resetPeakRSS(pid: worker.process.pid) else {
                throw BenchError("scale: cannot reset the worker's peak RSS (/proc/\(worker.process.pid)/clear_refs)")
            }
            let steadyPolls = Self.steadyPolls(channels)
            var steadySeen: [Date] = []
            for count in 2...(1 + steadyPolls) {
                steadySeen.append(try await worker.waitForCompletePolls(count, of: BenchSimulator.benchPartner, within: limit,
                                                                        checkEvery: checkEvery))
            }
            let steadyCPU = (try worker.process.cpuSeconds() - firstCPU) / Double(steadyPolls)
            let steadyPeak = try worker.statusMegabytes("VmHWM")
            let simulatorSteady = (try simulator.process.cpuSeconds() - simulatorAfterFirst) / Double(steadyPolls)
            let databaseSteady = context.database.serverCPUSeconds().flatMap { end in
                databaseAfterFirst.map { (end - $0) / Double(steadyPolls) }
            }
            await worker.stop()
            let polls = try await pollTimes()
            guard polls.count >= 1 + steadyPolls else {
                throw BenchError("scale: expected \(1 + steadyPolls) complete polls, found \(polls.count)")
            }
            for poll in polls.prefix(1 + steadyPolls) where poll.channels != channels {
                throw BenchError("scale: a poll recorded \(poll.channels) channels, expected \(channels)")
            }
            let first = PollFigures(wallSeconds: firstSeen.timeIntervalSince(polls[0].startedAt),
                                    fetchSeconds: polls[0].finishedAt.timeIntervalSince(polls[0].startedAt),
                                    cpuSeconds: firstCPU, peakRSSMegabytes: firstPeak,
                                    simulatorCPUSeconds: simulatorAfterFirst - simulatorAtStart,
                                    databaseCPUSeconds: databaseAfterFirst.flatMap { end in databaseAtStart.map { end - $0 } },
                                    channels: channels)
            let steadyPollsRecorded = Array(polls[1...steadyPolls])
            let steady = PollFigures(wallSeconds: Self.mean(zip(steadySeen, steadyPollsRecorded).map { $0.timeIntervalSince($1.startedAt) }),
                                     fetchSeconds: Self.mean(steadyPollsRecorded.map { $0.finishedAt.timeIntervalSince($0.startedAt) }),
                                     cpuSeconds: steadyCPU, peakRSSMegabytes: steadyPeak,
                                     simulatorCPUSeconds: simulatorSteady, databaseCPUSeconds: databaseSteady, channels: channels)
            try await context.database.emptyTables(using: context.client)
            return SizeFigures(channels: channels, steadyPolls: steadyPolls, first: first, steady: steady)
        } catch {
            await worker.stop()
            throw error
        }
    }

    /// Steady polls measured at a size: 5 at 10,000 channels, 1 from 100,000 on.
    static func steadyPolls(_ channels: Int) -> Int { max(1, min(5, 100_000 / channels)) }

    private static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }

    private func pollTimes() async throws -> [(startedAt: Date, finishedAt: Date, channels: Int)] {
        let rows = try await context.client.query("""
            SELECT started_at, finished_at, channels::int8 AS channels FROM polls
            WHERE partner_id = $1 AND complete ORDER BY id
            """, [.text(BenchSimulator.benchPartner)])
        return try rows.map { row in
            (try row.decode(Date.self, "started_at"), try row.decode(Date.self, "finished_at"), try row.decode(Int.self, "channels"))
        }
    }

    private func configYAML(_ simulator: BenchSimulator) -> String {
        BenchWorkerProcess.configYAML(purpose: "the scale curve", simulator: simulator, concurrency: Self.concurrency,
                                      poll: "{interval: 2s, jitter: 1s, timeout: 30m}",
                                      rulesDirectory: context.options.rulesDirectory)
    }
}
