import Logging
import Postgres

/// What every step of `channelwatch bench` is given: the options, the logger, and the servers
/// the runner started because the step asked for them (``BenchStep``'s `needs…`).
struct BenchContext {
    let options: BenchOptions
    let logger: Logger
    var startedSimulator: BenchSimulator?
    var startedDatabase: BenchDatabase?
    var startedClient: PostgresClient?
    var startedSink: WebhookSink?

    /// The simulator subprocess.
    var simulator: BenchSimulator { Self.required(startedSimulator, "the simulator") }
    /// The benchmark's database.
    var database: BenchDatabase { Self.required(startedDatabase, "PostgreSQL") }
    /// A client of the benchmark's database (pool of 8, as `channelwatch run` uses).
    var client: PostgresClient { Self.required(startedClient, "PostgreSQL") }
    /// The webhook sink.
    var sink: WebhookSink { Self.required(startedSink, "the webhook sink") }
    /// Where the throughput steps deliver: `--sink-url`, else the bench's own sink.
    var throughputSinkURL: String { options.sinkURL ?? sink.url }

    /// Stops what was started, whatever happened.
    func release() async {
        await startedSink?.stop()
        await startedSimulator?.stop()
        await startedClient?.close()
        await startedDatabase?.remove(logger: logger)
    }

    private static func required<T>(_ value: T?, _ what: String) -> T {
        // The runner starts what a step's `needs…` ask for before the step runs.
        guard let value else { preconditionFailure("bench: a step used \(what) without asking for it") }
        return value
    }
}
