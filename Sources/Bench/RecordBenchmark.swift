import Alerting
import Outbox
import Recording
import Config
import Foundation
import Logging
import PartnerAPI
import Postgres
import Worker

/// First poll (N new snapshots) and steady-state poll (1 % changed) of the `bench` partner, each
/// fetched from the simulator at concurrency 8 and recorded in PostgreSQL with the shipped
/// rules while the pages arrive, as `channelwatch run` does; then the process's peak RSS while
/// it tracked the N channels.
struct RecordBenchmark {
    let context: BenchContext
    let recorder: PollRecorder
    let deliveryWorker: DeliveryWorker

    /// Wall and CPU of a poll recorded while it ran, and when its last page arrived.
    struct Measured {
        var wall: Double
        var cpu: Double
        /// From the start to the last page.
        var fetchWall: Double
        /// From the last page to the commit.
        var commitWall: Double
        var changed: Int
        var events: Int
        /// When the poll's last page had arrived.
        var pollEnd: Date
    }

    func run() async throws -> [BenchFigure] {
        let first = try await pollAndRecord(step: "first poll")
        guard first.changed == context.options.channels else {
            throw BenchError("record: the first poll wrote \(first.changed) snapshots, expected \(context.options.channels)")
        }
        try await context.simulator.advance()
        let steady = try await pollAndRecord(step: "steady-state poll")
        let expectedChanged = (context.options.channels + 99) / 100
        guard steady.changed == expectedChanged else {
            throw BenchError("record: the steady-state poll wrote \(steady.changed) snapshots, expected \(expectedChanged) (1 %)")
        }
        let peak = ProcessUsage.peakRSSMegabytes()
        // One sample of poll end → receipt at full size: recording N channels is part of the path.
        context.sink.watch("quality_low")
        _ = try await deliveryWorker.deliverDue()
        guard let arrival = context.sink.arrival(of: "quality_low") else {
            throw BenchError("record: the steady-state poll's quality_low notification did not reach the webhook sink")
        }
        let endToEnd = arrival.timeIntervalSince(steady.pollEnd) * 1000
        return [
            BenchFigure(key: "first_poll_wall_seconds", label: "first poll (\(context.options.channels) new snapshots): wall",
                        value: first.wall, unit: "s", target: 10,
                        note: "last page at \(BenchReport.format(first.fetchWall, "s")), committed \(BenchReport.format(first.commitWall, "s")) later; "
                            + "CPU \(BenchReport.format(first.cpu, "s")); \(first.events) events"),
            BenchFigure(key: "steady_poll_wall_seconds", label: "steady-state poll (1 % changed): wall",
                        value: steady.wall, unit: "s",
                        note: "last page at \(BenchReport.format(steady.fetchWall, "s")), committed \(BenchReport.format(steady.commitWall, "s")) later; "
                            + "\(steady.changed) changed, \(steady.events) events"),
            BenchFigure(key: "steady_poll_cpu_seconds", label: "steady-state poll (1 % changed): CPU",
                        value: steady.cpu, unit: "s", target: 2,
                        note: "fetching, parsing, hashing, evaluating and writing; getrusage of the worker process only"),
            BenchFigure(key: "peak_rss_mb", label: "peak RSS of the benchmark process, \(context.options.channels) channels",
                        value: peak, unit: "MB",
                        note: "ru_maxrss after both polls, recorded in-process (webhook sink included); "
                            + "the target applies to the worker's own: see run-rss"),
            BenchFigure(key: "steady_poll_to_receipt_ms", label: "steady-state poll end → webhook receipt (1 sample)",
                        value: endToEnd, unit: "ms",
                        note: "record \(context.options.channels) channels + deliver (group_by rule); compare latency p99"),
        ]
    }

    private func pollAndRecord(step: String) async throws -> Measured {
        let watch = Stopwatch()
        let stream = LivePartnerPoller.stream(settings: PollBenchmark.settings(context.simulator, concurrency: BenchOptions.concurrency),
                                              deadline: .seconds(3600), logger: context.logger)
        let outcome = try await recorder.record(stream, firstPoll: .notify, failingAfter: 3)
        let wall = watch.wallSeconds
        let observed = await stream.summary.value
        if let failure = observed.failure {
            throw BenchError("\(step): the poll was incomplete: \(failure.message)")
        }
        guard observed.channelCount == context.options.channels else {
            throw BenchError("\(step): the poll returned \(observed.channelCount) channels, expected \(context.options.channels)")
        }
        let fetchWall = observed.finishedAt.timeIntervalSince(observed.startedAt)
        return Measured(wall: wall, cpu: watch.cpuSeconds, fetchWall: fetchWall, commitWall: wall - fetchWall,
                        changed: outcome.changedChannels, events: outcome.events.count, pollEnd: observed.finishedAt)
    }
}
