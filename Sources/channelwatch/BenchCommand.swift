import ArgumentParser
import Bench
import Foundation
import Logging

/// `channelwatch bench`: measures throughput, latency and memory against the simulator and a real PostgreSQL.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure poll, recording, delivery, latency and memory figures against their targets (use a release build: swift build -c release).",
        discussion: """
            Starts the simulator (a `channelwatch simulate` subprocess), uses a fresh database on the PostgreSQL \
            server of DATABASE_URL/PG* when reachable (else a private, durable server under a temporary directory) and a \
            local webhook sink, then prints each figure next to its target. Steps: \
            \(BenchStep.allCases.map(\.rawValue).joined(separator: ", ")).
            """)

    @Option(help: "Channels of the tracked partner (default 100000; 10000 with --quick).")
    var channels: Int?

    @Option(help: "Deliveries queued for the throughput figure (default 20000; 2000 with --quick).")
    var deliveries: Int?

    @Option(name: .customLong("latency-rounds"), help: "Polls timed for the latency figure (default 200; 50 with --quick).")
    var latencyRounds: Int?

    @Option(help: "Measure every step this often, each run on a fresh simulator and database; figures are the median (min..max) (default 3; 1 with --quick).")
    var runs: Int?

    @Option(name: .customLong("sink-url"), help: "Deliver the deliveries and peer-alertmanager steps' webhooks to this http(s) URL instead of the bench's own sink.")
    var sinkURL: String?

    @Flag(help: "Scale the sizes down so that a debug build finishes in about a minute.")
    var quick = false

    @Flag(help: "Take the scale step on to 1,000,000 channels (about 5 minutes and 2 GB for the simulator's documents).")
    var large = false

    @Flag(help: "Print the report as JSON instead of a table.")
    var json = false

    @Option(name: .customLong("only"), parsing: .upToNextOption, help: "Run only these steps.")
    var only: [String] = []

    func validate() throws {
        if let sinkURL, !(sinkURL.hasPrefix("http://") || sinkURL.hasPrefix("https://")) || URL(string: sinkURL)?.host == nil {
            throw ValidationError("--sink-url must be an http:// or https:// URL with a host, found '\(sinkURL)'")
        }
        for name in only where BenchStep(rawValue: name) == nil {
            throw ValidationError("--only: unknown step '\(name)'; steps are "
                                  + BenchStep.allCases.map(\.rawValue).joined(separator: ", "))
        }
        for (name, value) in [("--channels", channels), ("--deliveries", deliveries), ("--latency-rounds", latencyRounds),
                              ("--runs", runs)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1") }
        }
    }

    func run() async throws {
        var logger = Logger(label: "channelwatch.bench") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("channelwatch-bench-\(UUID().uuidString)")
        var options = BenchOptions(
            channels: channels, deliveries: deliveries, latencyRounds: latencyRounds, quick: quick, runs: runs,
            steps: only.isEmpty ? BenchStep.allCases : only.compactMap(BenchStep.init(rawValue:)),
            executable: URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(),
            rulesDirectory: try ShippedFiles.locate("Rules", containing: "channel-health.yml", override: "CHANNELWATCH_RULES_DIR"),
            migrationsDirectory: try MigrationsDirectory.locate(), workDirectory: work)
        options.sinkURL = sinkURL
        options.large = large
        let report: BenchReport
        do {
            report = try await BenchRunner(options: options, logger: logger) { printToStandardError("bench: \($0)") }.run()
            try? FileManager.default.removeItem(at: work)
        } catch {
            printToStandardError("error: bench: \(error) (logs kept in \(work.path))")
            throw ExitCode.failure
        }
        print(json ? try report.json() : report.table())
    }
}
