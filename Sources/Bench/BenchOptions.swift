import Foundation

/// What `channelwatch bench` measures and with which sizes.
public struct BenchOptions: Sendable {
    /// Channels of the tracked partner (`--channels`).
    public var channels: Int
    /// Deliveries queued for the throughput figure.
    public var deliveries: Int
    /// Polls of the latency figure, one changed channel each.
    public var latencyRounds: Int
    /// Channels of the partner polled in the latency rounds.
    public var latencyChannels: Int
    /// Whether sizes were scaled down for a debug build.
    public var quick: Bool
    /// How often every step is measured (each run on a fresh simulator and database); figures
    /// are the median of the runs, with their range.
    public var runs: Int
    /// The steps to run, in this order.
    public var steps: [BenchStep]
    /// The `channelwatch` executable, started for `simulate` and `run`.
    public var executable: URL
    /// The shipped rules directory.
    public var rulesDirectory: URL
    /// The numbered SQL migrations.
    public var migrationsDirectory: URL
    /// Where scenario files, configurations and a private PostgreSQL go; removed afterwards.
    public var workDirectory: URL
    /// An external webhook sink for the `deliveries` and `peer-alertmanager` steps (`--sink-url`);
    /// `nil` uses the bench's own sink on 127.0.0.1.
    public var sinkURL: String?
    /// Whether the scale step goes on to 1,000,000 channels (`--large`).
    public var large = false

    /// The sizes of the scale step: 10,000 and 100,000 channels, then 1,000,000 with `--large`;
    /// 1,000 and 10,000 with `--quick`.
    public var scaleSizes: [Int] {
        (quick ? [1_000, 10_000] : [10_000, 100_000]) + (large ? [1_000_000] : [])
    }

    /// Full sizes by default (100,000 channels, 20,000 deliveries, 200 latency rounds, 3 runs);
    /// `quick` uses 10,000 channels, 2,000 deliveries, 50 rounds and 1 run unless they are given.
    public init(channels: Int? = nil, deliveries: Int? = nil, latencyRounds: Int? = nil, quick: Bool = false, runs: Int? = nil,
                steps: [BenchStep] = BenchStep.allCases, executable: URL, rulesDirectory: URL,
                migrationsDirectory: URL, workDirectory: URL) {
        self.channels = max(1, channels ?? (quick ? 10_000 : 100_000))
        self.deliveries = max(1, deliveries ?? (quick ? 2_000 : 20_000))
        self.latencyRounds = max(1, latencyRounds ?? (quick ? 50 : 200))
        self.latencyChannels = max(self.latencyRounds, min(self.channels, 1_000))
        self.quick = quick
        self.runs = max(1, runs ?? (quick ? 1 : 3))
        // Always in the canonical order: later steps rely on the database being free of pending work.
        self.steps = BenchStep.allCases.filter(steps.contains)
        self.executable = executable
        self.rulesDirectory = rulesDirectory
        self.migrationsDirectory = migrationsDirectory
        self.workDirectory = workDirectory
    }

    /// Pages of a poll of `channels` at 100 per page.
    public var pages: Int { (channels + Self.pageSize - 1) / Self.pageSize }

    /// Page size of every poll.
    public static let pageSize = 100
    /// Latency the simulator adds per page.
    public static let pageLatency = Duration.milliseconds(50)
    /// Pages in flight in the target poll.
    public static let concurrency = 8
}
