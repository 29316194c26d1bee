import Foundation
import Logging
import Postgres

/// Idle RSS of `channelwatch run` (SPEC §9: ≤ 40 MB): the real worker as a subprocess, polling
/// the simulator's 10-channel `idle` partner once an hour; measured from /proc/PID/status once its
/// first poll is recorded and it has settled.
struct IdleRSSBenchmark {
    let options: BenchOptions
    let simulator: BenchSimulator
    let database: BenchDatabase
    let client: PostgresClient

    func run() async throws -> [BenchFigure] {
        let configFile = options.workDirectory.appendingPathComponent("idle-run.yml")
        try configYAML().write(to: configFile, atomically: true, encoding: .utf8)
        let worker = try ChildProcess(
            role: "channelwatch run", executable: options.executable,
            arguments: ["run", "--config", configFile.path, "--log-level", "warning"],
            environment: ["CHANNELWATCH_BENCH_DATABASE_URL": database.connectionString,
                          "CHANNELWATCH_SQL_DIR": options.migrationsDirectory.path],
            outputFile: options.workDirectory.appendingPathComponent("idle-run.log"))
        do {
            try await waitForFirstPoll(worker)
            // Let the first poll's buffers go and the loops reach their sleep.
            try await Task.sleep(for: .seconds(3))
            guard let rss = ProcessUsage.statusMegabytes(pid: worker.pid, field: "VmRSS") else {
                throw BenchError("idle-rss: cannot read /proc/\(worker.pid)/status (\(worker.exitDescription)): "
                                 + worker.output.suffix(800))
            }
            let peak = ProcessUsage.statusMegabytes(pid: worker.pid, field: "VmHWM") ?? rss
            await worker.stop()
            return [
                BenchFigure(key: "idle_rss_mb", label: "idle RSS of `channelwatch run`", value: rss, unit: "MB", target: 40,
                            note: "VmRSS after its first poll (10 channels); VmHWM \(BenchReport.format(peak, "MB"))"),
            ]
        } catch {
            await worker.stop()
            throw error
        }
    }

    private func waitForFirstPoll(_ worker: ChildProcess) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let rows = try? await client.query("SELECT count(*)::int8 AS n FROM polls WHERE partner_id = $1 AND complete",
                                               [.text(BenchSimulator.idlePartner)])
            if let count = try rows?.first?.decode(Int.self, "n"), count > 0 { return }
            guard worker.isRunning else {
                throw BenchError("idle-rss: `channelwatch run` exited early: \(worker.output.suffix(800))")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw BenchError("idle-rss: `channelwatch run` recorded no complete poll within 120 s: \(worker.output.suffix(800))")
    }

    private func configYAML() -> String {
        """
        # Written by `channelwatch bench` for the idle-RSS figure.
        partners:
          - id: \(BenchSimulator.idlePartner)
            api_key: \(simulator.apiKey)
            base_url: \(simulator.baseURL)
            concurrency: 1
        database:
          url: ${CHANNELWATCH_BENCH_DATABASE_URL}
        poll: {interval: 1h, jitter: 1s, timeout: 1m}
        rules: ["\(options.rulesDirectory.path)"]

        """
    }
}
