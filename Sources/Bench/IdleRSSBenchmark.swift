import Foundation
import Logging
import Postgres

/// Idle RSS of `channelwatch run` (target ≤ 40 MB): the real worker as a subprocess, polling
/// the simulator's 10-channel `idle` partner once an hour; measured from /proc/PID/status once its
/// first poll is recorded and it has settled. The note splits it (/proc/PID/smaps_rollup) into
/// anonymous memory (what grows with the work) and pages of mapped files (the binary and shared
/// libraries), and gives PSS (shared pages divided among the processes mapping them). Measure the
/// shipped build (`swift build -c release --static-swift-stdlib`): linked against the Swift
/// runtime's and Foundation's shared libraries, the same worker is about 5 MB larger (ten more
/// files' symbol tables, relocations and partly used code pages), which the note points out.
struct IdleRSSBenchmark {
    let context: BenchContext

    func run() async throws -> [BenchFigure] {
        let worker = try BenchWorkerProcess.start("idle-run", step: "idle-rss", configYAML: configYAML(), options: context.options,
                                                  database: context.database, client: context.client)
        do {
            try await worker.waitForFirstPoll(of: BenchSimulator.idlePartner)
            // Let the first poll's buffers go and the loops reach their sleep.
            try await Task.sleep(for: .seconds(3))
            let rss = try worker.statusMegabytes("VmRSS")
            let peak = (try? worker.statusMegabytes("VmHWM")) ?? rss
            let split = worker.smapsSplit() + worker.linkageNote()
            await worker.stop()
            return [
                BenchFigure(key: "idle_rss_mb", label: "idle RSS of `channelwatch run`", value: rss, unit: "MB", target: 40,
                            note: "VmRSS after its first poll (10 channels); VmHWM \(BenchReport.format(peak, "MB"))" + split),
            ]
        } catch {
            await worker.stop()
            throw error
        }
    }

    private func configYAML() -> String {
        """
        # Written by `channelwatch bench` for the idle-RSS figure.
        partners:
          - id: \(BenchSimulator.idlePartner)
            api_key: \(context.simulator.apiKey)
            base_url: \(context.simulator.baseURL)
            concurrency: 1
        database:
          url: ${CHANNELWATCH_BENCH_DATABASE_URL}
        poll: {interval: 1h, jitter: 1s, timeout: 1m}
        rules: ["\(context.options.rulesDirectory.path)"]

        """
    }
}
