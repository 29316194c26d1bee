import Primitives
import Foundation
import PartnerAPI

/// The poll figure: N channels, 100 per page, 50 ms per page, against the network bound
/// (pages ÷ concurrency × latency), at concurrency 8 and at concurrency 1 (the naive baseline).
struct PollBenchmark {
    let context: BenchContext

    /// Settings for polling the simulator's `bench` partner `concurrency` pages at a time.
    static func settings(_ simulator: BenchSimulator, concurrency: Int) -> PartnerSettings {
        PartnerSettings(id: BenchSimulator.benchPartner, apiKey: simulator.apiKey, baseURL: simulator.baseURL,
                        sort: "id", pageSize: BenchOptions.pageSize, concurrency: concurrency)
    }

    /// Polls once at `concurrency` and returns the wall time and ratio figures.
    func run(concurrency: Int, naive: Bool) async throws -> [BenchFigure] {
        let poller = PartnerPoller(settings: Self.settings(context.simulator, concurrency: concurrency))
        // Pages are handed on and dropped as they arrive, as the worker's recorder takes them.
        let result = await poller.poll(timeout: .seconds(3600), emit: { _ in })
        try Self.check(result, expected: context.options.channels, step: naive ? "poll-naive" : "poll")
        let pages = context.options.pages
        // Offset paging needs the first page before the rest can be asked for, so the bound counts it once.
        let bound = Double(pages) / Double(concurrency) * BenchOptions.pageLatency.seconds
        let wall = result.duration.seconds
        let name = naive ? "poll_naive" : "poll"
        let label = "poll \(context.options.channels) channels, concurrency \(concurrency)"
        let note = "\(pages) pages × 50 ms ÷ \(concurrency) = \(BenchReport.format(bound, "s")) bound; \(result.requests) requests"
        return [
            BenchFigure(key: "\(name)_wall_seconds", label: label + ": wall", value: wall, unit: "s", note: note),
            BenchFigure(key: "\(name)_bound_ratio", label: label + ": ÷ network bound", value: wall / bound, unit: "×",
                        target: naive ? nil : 1.25,
                        note: naive ? "naive baseline, for comparison" : "target: within 1.25 × the bound"),
        ]
    }

    /// Fails the step unless the poll was complete with every channel.
    static func check(_ result: PollResult, expected: Int, step: String) throws {
        if let failure = result.failure {
            throw BenchError("\(step): the poll was incomplete: \(failure)")
        }
        guard result.channelCount == expected else {
            throw BenchError("\(step): the poll returned \(result.channelCount) channels, expected \(expected)")
        }
    }
}
