import Primitives
import Alerting
import Config
import Foundation
import Logging
import Postgres
import Rules
import Worker

/// Runs the steps of `channelwatch bench` in order and collects their figures: starts the
/// simulator subprocess, the database and the webhook sink only when a chosen step needs them,
/// and stops them all at the end, whatever happened.
public struct BenchRunner {
    private let options: BenchOptions
    private let logger: Logger
    private let progress: @Sendable (String) -> Void

    /// A runner; `progress` receives one line as each step starts (the command prints it on stderr).
    public init(options: BenchOptions, logger: Logger, progress: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.logger = logger
        self.progress = progress
    }

    /// Measures every chosen step ``BenchOptions/runs`` times, each run on a fresh simulator and
    /// database, and returns the report (medians with their ranges); throws the first failure.
    public func run() async throws -> BenchReport {
        var report = BenchReport(channels: options.channels, quick: options.quick, deliveries: options.deliveries,
                                 latencyRounds: options.latencyRounds)
        report.runs = options.runs
        let rules = try LoadedRules.load(paths: [options.rulesDirectory.path])
        let started = MachineLoad.snapshot()
        var runs: [[BenchFigure]] = []
        for number in 1...options.runs {
            var once = options
            if options.runs > 1 {
                progress("run \(number) of \(options.runs)")
                once.workDirectory = options.workDirectory.appendingPathComponent("run-\(number)")
            }
            runs.append(try await BenchRunner(options: once, logger: logger, progress: progress).measureOnce(rules: rules))
        }
        report.figures = BenchFigure.combining(runs)
        report.machine = MachineLoad.since(started)
        return report
    }

    /// Every chosen step once; the simulator, database and sink are stopped afterwards, whatever happened.
    private func measureOnce(rules: LoadedRules) async throws -> [BenchFigure] {
        try FileManager.default.createDirectory(at: options.workDirectory, withIntermediateDirectories: true)
        var context = BenchContext(options: options, logger: logger)
        var figures: [BenchFigure] = []
        do {
            try await measure(into: &figures, rules: rules, context: &context)
            await context.release()
        } catch {
            await context.release()
            throw error
        }
        return figures
    }

    private func measure(into report: inout [BenchFigure], rules: LoadedRules, context: inout BenchContext) async throws {
        for step in options.steps {
            if step.needsSimulator, context.startedSimulator == nil {
                progress("starting the simulator (\(options.channels) channels) …")
                context.startedSimulator = try await BenchSimulator.start(
                    channels: options.channels, executable: options.executable, directory: options.workDirectory)
            }
            if step.needsDatabase, context.startedDatabase == nil {
                progress("preparing PostgreSQL …")
                let database = try await BenchDatabase.prepare(workDirectory: options.workDirectory,
                                                               migrations: options.migrationsDirectory, logger: logger)
                context.startedDatabase = database
                context.startedClient = database.client(logger: logger)
            }
            if step.needsSink, context.startedSink == nil {
                context.startedSink = try await WebhookSink.start()
            }
            progress("measuring \(step.rawValue) …")
            let measured = try await figures(of: step, rules: rules, context: context)
            for figure in measured { progress("  \(figure.label): \(BenchReport.format(figure.value, figure.unit))") }
            report += measured
        }
    }

    private func figures(of step: BenchStep, rules: LoadedRules, context: BenchContext) async throws -> [BenchFigure] {
        switch step {
        case .poll:
            return try await PollBenchmark(context: context).run(concurrency: BenchOptions.concurrency, naive: false)
        case .pollNaive:
            return try await PollBenchmark(context: context).run(concurrency: 1, naive: true)
        case .idleRSS:
            return try await IdleRSSBenchmark(context: context).run()
        case .runPeakRSS:
            return try await RunPeakRSSBenchmark(context: context).run()
        case .record:
            let pipeline = pipeline(rules: rules, context: context, groupBy: ["rule"])
            return try await RecordBenchmark(context: context, recorder: pipeline.recorder,
                                             deliveryWorker: pipeline.deliveryWorker).run()
        case .rules:
            let result = EvaluationBenchmark(rules: rules.ruleSet).run(pairs: options.channels, changedPercent: 1)
            return [BenchFigure(key: "rules_evaluation_seconds",
                                label: "shipped rules over \(options.channels) (previous, current) pairs",
                                value: result.duration.seconds, unit: "s",
                                note: "\(rules.ruleSet.rules.count) rules, 1 % changed, \(result.facts) facts; "
                                    + "a first poll's or a rule change's work (no target)")]
        case .templates:
            let result = TemplateBenchmark(rules: rules.ruleSet).run(events: 20_000)
            let note = "\(result.compiledTemplates) of \(result.templates) shipped templates compiled; "
            return [
                BenchFigure(key: "templates_compiled_ms", label: "render 20,000 events' templates: compiled renderer",
                            value: result.compiled.seconds * 1000, unit: "ms", note: note + "what the engine uses"),
                BenchFigure(key: "templates_mustache_ms", label: "render 20,000 events' templates: swift-mustache alone",
                            value: result.mustache.seconds * 1000, unit: "ms",
                            note: String(format: "%.1f× the compiled renderer's time", result.mustache.seconds / max(result.compiled.seconds, 1e-9))),
            ]
        case .inbound:
            return try await InboundAcceptBenchmark(context: context).run()
        case .inboundLatency:
            return try await InboundLatencyBenchmark(context: context, rules: rules).run()
        case .latency:
            let pipeline = pipeline(rules: rules, context: context, groupBy: ["channel_id"])
            return try await LatencyBenchmark(context: context, pipeline: pipeline).run()
        case .massChange:
            let pipeline = pipeline(rules: rules, context: context, groupBy: ["channel_id"])
            return try await MassChangeBenchmark(context: context, pipeline: pipeline).run()
        case .deliveries:
            let pipeline = throughputPipeline(rules: rules, context: context)
            return try await DeliveryThroughputBenchmark(context: context, pipeline: pipeline).run()
        case .scale:
            return try await ScaleBenchmark(context: context).run()
        case .console:
            let pipeline = pipeline(rules: rules, context: context, groupBy: ["channel_id"],
                                    partner: PartnerConfig(id: ConsoleBenchmark.partnerID, apiKey: Secret("unused"), baseURL: "http://127.0.0.1"))
            return try await ConsoleBenchmark(context: context, pipeline: pipeline).run()
        case .peerAlertmanager:
            let pipeline = throughputPipeline(rules: rules, context: context)
            return try await PeerAlertmanagerBenchmark(context: context, pipeline: pipeline, progress: progress).run()
        }
    }

    private func pipeline(rules: LoadedRules, context: BenchContext, groupBy: [String], partner: PartnerConfig? = nil) -> BenchPipeline {
        guard let partner else {
            return BenchPipeline(rules: rules, sinkURL: context.sink.url, groupBy: groupBy, database: context.client, logger: logger)
        }
        return BenchPipeline(rules: rules, sinkURL: context.sink.url, groupBy: groupBy, database: context.client, logger: logger,
                             partners: [partner])
    }

    /// The pipeline of the throughput steps, which deliver to `--sink-url` when it is given.
    private func throughputPipeline(rules: LoadedRules, context: BenchContext) -> BenchPipeline {
        BenchPipeline(rules: rules, sinkURL: context.throughputSinkURL, groupBy: ["channel_id"], database: context.client,
                      logger: logger)
    }
}
