import Foundation
import Postgres

/// `channelwatch run` as a subprocess of the benchmark, with its own configuration file,
/// recording into the benchmark's database: what the RSS figures are measured on.
struct BenchWorkerProcess {
    let process: ChildProcess
    let step: String
    private let client: PostgresClient

    /// Writes `configYAML` to `NAME.yml` in the work directory and starts `run` with it.
    static func start(_ name: String, step: String, configYAML: String, options: BenchOptions, database: BenchDatabase,
                      client: PostgresClient) throws -> BenchWorkerProcess {
        let configFile = options.workDirectory.appendingPathComponent("\(name).yml")
        try configYAML.write(to: configFile, atomically: true, encoding: .utf8)
        let process = try ChildProcess(
            role: "channelwatch run", executable: options.executable,
            arguments: ["run", "--config", configFile.path, "--log-level", "warning"],
            environment: ["CHANNELWATCH_BENCH_DATABASE_URL": database.connectionString,
                          "CHANNELWATCH_SQL_DIR": options.migrationsDirectory.path],
            outputFile: options.workDirectory.appendingPathComponent("\(name).log"))
        return BenchWorkerProcess(process: process, step: step, client: client)
    }

    /// Waits until the worker has recorded a complete poll of `partner`.
    func waitForFirstPoll(of partner: String, within limit: Duration = .seconds(300)) async throws {
        _ = try await waitForCompletePolls(1, of: partner, within: limit)
    }

    /// Waits until the worker has recorded `count` complete polls of `partner`, looking every
    /// `checkEvery`; returns when it saw them (at most `checkEvery` after the commit).
    func waitForCompletePolls(_ count: Int, of partner: String, within limit: Duration = .seconds(300),
                              checkEvery: Duration = .milliseconds(200)) async throws -> Date {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let rows = try? await client.query("SELECT count(*)::int8 AS n FROM polls WHERE partner_id = $1 AND complete",
                                               [.text(partner)])
            if let recorded = try rows?.first?.decode(Int.self, "n"), recorded >= count { return Date() }
            guard process.isRunning else {
                throw BenchError("\(step): `channelwatch run` exited early: \(process.output.suffix(800))")
            }
            try await Task.sleep(for: checkEvery)
        }
        throw BenchError("\(step): `channelwatch run` recorded fewer than \(count) complete polls of \(partner) within "
                         + "\(limit): " + process.output.suffix(800))
    }

    /// The configuration of a `run` that polls the simulator's `bench` partner into the
    /// benchmark's database (`${CHANNELWATCH_BENCH_DATABASE_URL}`), first poll as a baseline.
    static func configYAML(purpose: String, simulator: BenchSimulator, concurrency: Int, poll: String,
                           rulesDirectory: URL) -> String {
        """
        # Written by `channelwatch bench` for \(purpose).
        partners:
          - id: \(BenchSimulator.benchPartner)
            api_key: \(simulator.apiKey)
            base_url: \(simulator.baseURL)
            concurrency: \(concurrency)
            first_poll: baseline
        database:
          url: ${CHANNELWATCH_BENCH_DATABASE_URL}
        poll: \(poll)
        rules: ["\(rulesDirectory.path)"]

        """
    }

    /// A field of /proc/PID/status in MB (`VmRSS`, `VmHWM`).
    func statusMegabytes(_ field: String) throws -> Double {
        guard let value = ProcessUsage.statusMegabytes(pid: process.pid, field: field) else {
            throw BenchError("\(step): cannot read /proc/\(process.pid)/status (\(process.exitDescription)): "
                             + process.output.suffix(800))
        }
        return value
    }

    func stop() async { await process.stop() }

    /// `; anonymous A MB, file-backed F MB, PSS P MB` from /proc/PID/smaps_rollup, or "" when unreadable.
    func smapsSplit() -> String {
        guard let text = Self.readProcFile("/proc/\(process.pid)/smaps_rollup") else { return "" }
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
    func linkageNote() -> String {
        guard let maps = Self.readProcFile("/proc/\(process.pid)/maps"), maps.contains("/libswiftCore.so") else { return "" }
        return "; Swift runtime linked dynamically — the shipped build uses --static-swift-stdlib"
    }

    private static func readProcFile(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
    }
}
