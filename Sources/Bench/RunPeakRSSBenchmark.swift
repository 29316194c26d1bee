import Primitives
import Foundation
import Postgres

/// Peak RSS of `channelwatch run` while it takes on N channels (target ≤ 150 MB while
/// tracking 100,000): the real worker as a subprocess, polling the simulator's `bench` partner
/// (N channels, 50 ms per page, concurrency 8) into an empty database, so its first poll writes
/// N new snapshots — the largest poll there is. Measured as `VmHWM` once that poll is recorded.
/// The tables are emptied afterwards, so the `record` step starts from nothing as well.
struct RunPeakRSSBenchmark {
    let context: BenchContext

    func run() async throws -> [BenchFigure] {
        try await emptyTables()
        let worker = try BenchWorkerProcess.start("peak-run", step: "run-rss", configYAML: configYAML(), options: context.options,
                                                  database: context.database, client: context.client)
        let started = ContinuousClock.now
        do {
            try await worker.waitForFirstPoll(of: BenchSimulator.benchPartner)
            let recorded = (ContinuousClock.now - started).seconds
            let peak = try worker.statusMegabytes("VmHWM")
            let rss = try worker.statusMegabytes("VmRSS")
            let note = "VmHWM of the worker over its first poll (\(context.options.channels) new snapshots, recorded "
                + "\(BenchReport.format(recorded, "s")) after start); VmRSS then \(BenchReport.format(rss, "MB"))"
                + worker.smapsSplit() + worker.linkageNote()
            await worker.stop()
            try await emptyTables()
            return [BenchFigure(key: "run_peak_rss_mb", label: "peak RSS of `channelwatch run`, \(context.options.channels) channels",
                                value: peak, unit: "MB", target: 150, note: note)]
        } catch {
            await worker.stop()
            throw error
        }
    }

    private func emptyTables() async throws {
        try await context.database.emptyTables(using: context.client)
    }

    private func configYAML() -> String {
        BenchWorkerProcess.configYAML(purpose: "the peak-RSS figure of `run`", simulator: context.simulator,
                                      concurrency: BenchOptions.concurrency, poll: "{interval: 1h, jitter: 1s, timeout: 10m}",
                                      rulesDirectory: context.options.rulesDirectory)
    }
}
