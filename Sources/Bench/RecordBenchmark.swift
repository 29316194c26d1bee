import Alerting
import Config
import Foundation
import Logging
import PartnerAPI
import Postgres
import Worker

/// First poll (N new snapshots) and steady-state poll (1 % changed) of the `bench` partner, each
/// fetched from the simulator at concurrency 8 and recorded in PostgreSQL with the shipped
/// rules; then the process's peak RSS while it tracked the N channels.
struct RecordBenchmark {
    let simulator: BenchSimulator
    let options: BenchOptions
    let recorder: PollRecorder
    let deliveryWorker: DeliveryWorker
    let sink: WebhookSink
    let logger: Logger

    /// Wall, CPU, and how they split between fetching and recording.
    struct Measured {
        var wall: Double
        var cpu: Double
        var fetchWall: Double
        /// CPU seconds of the fetch alone (parsing the pages).
        var fetchCPU: Double
        var recordWall: Double
        var changed: Int
        var events: Int
        /// When the poll's result was ready.
        var pollEnd: Date
        /// Resident memory right after the fetch, before recording: what the poll result holds.
        var fetchedRSS: Double
    }

    func run() async throws -> [BenchFigure] {
        let first = try await pollAndRecord(step: "first poll")
        guard first.changed == options.channels else {
            throw BenchError("record: the first poll wrote \(first.changed) snapshots, expected \(options.channels)")
        }
        try await simulator.advance()
        let steady = try await pollAndRecord(step: "steady-state poll")
        let expectedChanged = (options.channels + 99) / 100
        guard steady.changed == expectedChanged else {
            throw BenchError("record: the steady-state poll wrote \(steady.changed) snapshots, expected \(expectedChanged) (1 %)")
        }
        let peak = ProcessUsage.peakRSSMegabytes()
        // One sample of poll end → receipt at full size: recording N channels is part of the path.
        sink.watch("quality_low")
        _ = try await deliveryWorker.deliverDue()
        guard let arrival = sink.arrival(of: "quality_low") else {
            throw BenchError("record: the steady-state poll's quality_low notification did not reach the webhook sink")
        }
        let endToEnd = arrival.timeIntervalSince(steady.pollEnd) * 1000
        return [
            BenchFigure(key: "first_poll_wall_seconds", label: "first poll (\(options.channels) new snapshots): wall",
                        value: first.wall, unit: "s", target: 10,
                        note: "fetch \(BenchReport.format(first.fetchWall, "s")) + record \(BenchReport.format(first.recordWall, "s")); "
                            + "CPU \(BenchReport.format(first.cpu, "s")); \(first.events) events"),
            BenchFigure(key: "steady_poll_wall_seconds", label: "steady-state poll (1 % changed): wall",
                        value: steady.wall, unit: "s",
                        note: "fetch \(BenchReport.format(steady.fetchWall, "s")) + record \(BenchReport.format(steady.recordWall, "s")); "
                            + "\(steady.changed) changed, \(steady.events) events"),
            BenchFigure(key: "steady_poll_cpu_seconds", label: "steady-state poll (1 % changed): CPU",
                        value: steady.cpu, unit: "s", target: 2,
                        note: "fetch \(BenchReport.format(steady.fetchCPU, "s")) + record "
                            + "\(BenchReport.format(steady.cpu - steady.fetchCPU, "s")); getrusage of the worker process only"),
            BenchFigure(key: "peak_rss_mb", label: "peak RSS tracking \(options.channels) channels", value: peak, unit: "MB",
                        target: 150, note: "ru_maxrss after both polls; RSS \(BenchReport.format(first.fetchedRSS, "MB")) after the first fetch, "
                            + "before recording"),
            BenchFigure(key: "steady_poll_to_receipt_ms", label: "steady-state poll end → webhook receipt (1 sample)",
                        value: endToEnd, unit: "ms",
                        note: "record \(options.channels) channels + deliver (group_by rule); compare latency p99"),
        ]
    }

    private func pollAndRecord(step: String) async throws -> Measured {
        let watch = Stopwatch()
        let startedAt = Date()
        let poller = PartnerPoller(settings: PollBenchmark.settings(simulator, concurrency: BenchOptions.concurrency),
                                   logger: logger)
        let result = await poller.poll(timeout: .seconds(3600))
        try PollBenchmark.check(result, expected: options.channels, step: step)
        let fetchWall = watch.wallSeconds
        let fetchCPU = watch.cpuSeconds
        let fetchedRSS = ProcessUsage.statusMegabytes(pid: getpid(), field: "VmRSS") ?? 0
        let pollEnd = Date()
        let observed = LivePartnerPoller.observed(result, startedAt: startedAt, finishedAt: pollEnd)
        let outcome = try await recorder.record(observed, firstPoll: .notify, failingAfter: 3)
        return Measured(wall: watch.wallSeconds, cpu: watch.cpuSeconds, fetchWall: fetchWall, fetchCPU: fetchCPU,
                        recordWall: watch.wallSeconds - fetchWall, changed: outcome.changedChannels,
                        events: outcome.events.count, pollEnd: pollEnd,
                        fetchedRSS: fetchedRSS)
    }
}
