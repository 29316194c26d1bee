import ArgumentParser
import Config
import Dispatch
import Foundation
import Logging
import Notifiers
import Postgres
import ServiceLifecycle
import Worker
import YAMLSupport

/// `channelwatch run`: the long-running worker.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the worker: migrate, poll every interval, deliver, serve health and metrics.",
        discussion: """
            SIGTERM/SIGINT: the current poll's transaction finishes, no new deliveries are claimed, exit 0. \
            SIGHUP: reload the configuration and rules; if they are invalid, the old ones stay and every \
            problem is logged as FILE:LINE:COLUMN.
            """)

    @OptionGroup var config: ConfigOption
    @OptionGroup var log: LogOptions

    func run() async throws {
        log.bootstrap()
        let logger = Logger(label: "channelwatch")
        let runtime = try Runtime.load(config, logger: logger)
        let metrics = WorkerMetrics.bootstrapProcessMetrics()
        let database = runtime.database()
        try await migrateWhenReachable(runtime, database: database, logger: logger)

        let service = try WorkerService(
            config: runtime.config, rules: runtime.rules, database: database, poller: LivePartnerPoller(),
            makeReceivers: { ReceiverFactory.make($0.receivers) }, metrics: metrics, logger: logger)
        let reloader = Reloader(path: config.path, service: service, logger: logger)
        let hangup = reloader.installSignalHandler()
        defer { hangup.cancel() }

        logger.info("worker started", metadata: [
            "partners": "\(runtime.config.partners.map(\.id).joined(separator: ","))",
            "rules": "\(runtime.rules.ruleSet.rules.count)", "listen": "\(runtime.config.listen ?? "off")",
            "database": "\(Redaction.databaseURL(runtime.config.database.url))",
        ])
        let group = ServiceGroup(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
        await database.close()
    }

    /// Applies migrations, waiting for the database if it is not up yet (a worker often starts
    /// before its database); gives up after about ten minutes.
    private func migrateWhenReachable(_ runtime: Runtime, database: PostgresClient, logger: Logger) async throws {
        let directory = try MigrationsDirectory.locate()
        var failures = 0
        while true {
            do {
                for applied in try await Migrator(directory: directory, logger: logger).migrate(using: database) {
                    logger.info("applied migration \(applied.version)_\(applied.name)")
                }
                return
            } catch let error as PostgresError where error.isConnectionProblem && failures < 30 {
                failures += 1
                let delay = DatabaseBackoff().delay(afterFailures: failures)
                logger.error("database unreachable at start: \(error); retrying in \(delay)")
                try await Task.sleep(for: delay)
            } catch {
                printToStandardError("error: database: \(error)")
                throw ExitCode.failure
            }
        }
    }
}

/// Reloads configuration and rules on SIGHUP, atomically: all or nothing.
struct Reloader: Sendable {
    let path: String
    let service: WorkerService
    let logger: Logger

    func installSignalHandler() -> any DispatchSourceSignal {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { reload() }
        source.resume()
        return source
    }

    func reload() {
        logger.info("SIGHUP: reloading \(path)")
        do {
            let config = try ConfigLoader().load(path: path)
            let rules = try LoadedRules.load(paths: config.rules)
            try service.reload(config: config, rules: rules)
        } catch let diagnostics as Diagnostics {
            for item in diagnostics.items { logger.error("reload refused: \(item)") }
            logger.error("reload refused: \(diagnostics.items.count) problem(s); the previous configuration and rules stay in force")
        } catch {
            logger.error("reload refused: \(error); the previous configuration and rules stay in force")
        }
    }
}
