import Foundation
import Logging
import Postgres

/// Idle RSS of `channelwatch run` (SPEC §9: ≤ 40 MB): the real worker as a subprocess, polling
/// the simulator's 10-channel `idle` partner once an hour; measured from /proc/PID/status once its
/// first poll is recorded and it has settled. The note splits it (/proc/PID/smaps_rollup) into
/// anonymous memory (what grows with the work) and pages of mapped files (the binary and shared
/// libraries), and gives PSS (shared pages divided among the processes mapping them). Measure the
/// shipped build (`swift build -c release --static-swift-stdlib`): linked against the Swift
/// runtime's and Foundation's shared libraries, the same worker is about 5 MB larger (ten more
/// files' symbol tables, relocations and partly used code pages), which the note points out.
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
            let split = Self.smapsSplit(pid: worker.pid) + Self.linkageNote(pid: worker.pid)
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

    /// `; anonymous A MB, file-backed F MB, PSS P MB` from /proc/PID/smaps_rollup, or "" when unreadable.
    private static func smapsSplit(pid: Int32) -> String {
        guard let text = readProcFile("/proc/\(pid)/smaps_rollup") else { return "" }
        var fields: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2, parts[0].hasSuffix(":"), let kilobytes = Double(parts[1]) else { continue }
            fields[String(parts[0].dropLast())] = kilobytes / 1024
        }
        guard let rss = fields["Rss"], let anonymous = fields["Anonymous"], let pss = fields["Pss"] else { return "" }
        return "; anonymous \(BenchReport.format(anonymous, "MB")), file-backed \(BenchReport.format(rss - anonymous, "MB")), "
            + "PSS \(BenchReport.format(pss, "MB"))"
    }

    /// A warning when the worker maps the Swift runtime as a shared library, i.e. was not built
    /// with `--static-swift-stdlib` as shipped; "" otherwise.
    private static func linkageNote(pid: Int32) -> String {
        guard let maps = readProcFile("/proc/\(pid)/maps"), maps.contains("/libswiftCore.so") else { return "" }
        return "; Swift runtime linked dynamically — the shipped build uses --static-swift-stdlib"
    }

    private static func readProcFile(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
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
