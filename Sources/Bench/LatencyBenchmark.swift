import Alerting
import Foundation
import Logging
import Postgres
import Worker

/// Poll end → webhook receipt (no group wait): rounds of one poll each, one channel
/// changed per poll, delivered by the product's delivery loop (woken by the recorder's NOTIFY
/// on its LISTEN connection), timed from the moment the poll's result is ready to the moment
/// the sink has read the request.
struct LatencyBenchmark {
    let context: BenchContext
    let pipeline: BenchPipeline

    func run() async throws -> [BenchFigure] {
        var partner = SyntheticPartner(id: "latency", count: context.options.latencyChannels)
        // What already holds is recorded without notifying, so every delivery below is one round's.
        _ = try await pipeline.recorder.record(partner.poll(), firstPoll: .baseline, failingAfter: 3)

        let stop = StopSignal()
        let loop = DeliveryLoop(settings: WorkerSettingsStore(pipeline.settings), database: context.client,
                                metrics: pipeline.metrics, logger: context.logger, wake: WakeSignal())
        let loopTask = Task { await loop.run(until: stop) }
        let measured: Result<[Double], any Error>
        do {
            measured = .success(try await rounds(partner: &partner))
        } catch {
            measured = .failure(error)
        }
        // The loop must be gone before the next step claims deliveries of its own.
        stop.stop()
        await loopTask.value
        var latencies = try measured.get()
        latencies.sort()
        let note = "\(latencies.count) polls of a \(context.options.latencyChannels)-channel partner, 1 channel changed each; "
            + "mean \(BenchReport.format(latencies.reduce(0, +) / Double(latencies.count), "ms"))"
        return [
            BenchFigure(key: "latency_p50_ms", label: "poll end → webhook receipt: p50", value: Self.percentile(latencies, 50),
                        unit: "ms", note: note),
            BenchFigure(key: "latency_p99_ms", label: "poll end → webhook receipt: p99", value: Self.percentile(latencies, 99),
                        unit: "ms", target: 500, note: "max \(BenchReport.format(latencies.last ?? 0, "ms"))"),
        ]
    }

    /// One poll per round, each changing one more channel; the latencies in milliseconds, in round order.
    private func rounds(partner: inout SyntheticPartner) async throws -> [Double] {
        // The loop's LISTEN session must be up before the first NOTIFY, or round 1 waits for the retry check.
        try await Task.sleep(for: .milliseconds(500))
        var latencies: [Double] = []
        for round in 0..<context.options.latencyRounds {
            partner.lowerQuality(of: round)
            let marker = partner.channelID(round)
            context.sink.watch(marker)
            let poll = partner.poll()
            let outcome = try await pipeline.recorder.record(poll, firstPoll: .notify, failingAfter: 3)
            guard outcome.deliveries == 1 else {
                throw BenchError("latency: round \(round + 1) queued \(outcome.deliveries) deliveries, expected 1")
            }
            guard let arrival = try await waitForArrival(of: marker, timeout: .seconds(30)) else {
                throw BenchError("latency: round \(round + 1)'s delivery did not reach the webhook sink within 30 s")
            }
            latencies.append(arrival.timeIntervalSince(poll.finishedAt) * 1000)
        }
        return latencies
    }

    /// Checks every millisecond: the arrival time is taken by the sink's own thread, so polling
    /// only delays this loop, not the measurement.
    private func waitForArrival(of marker: String, timeout: Duration) async throws -> Date? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let arrival = context.sink.arrival(of: marker) { return arrival }
            try await Task.sleep(for: .milliseconds(1))
        }
        return nil
    }

    /// The nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ percent: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((percent / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
