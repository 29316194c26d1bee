import Primitives
import ArgumentParser
import Config
import Dispatch
import Foundation
import Logging
import Notifiers
import Postgres
import ServiceLifecycle
import UnixSignals
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
        let service = try WorkerService(
            config: runtime.config, rules: runtime.rules, database: database, poller: LivePartnerPoller(),
            makeReceivers: { ReceiverFactory.make($0.receivers) }, metrics: metrics, logger: logger)
        // SIGTERM/SIGINT are relayed by hand rather than given to the ServiceGroup, which traps
        // them only once it runs: a signal during start-up (migrating, waiting for the database)
        // cancels the start-up and still means exit 0, never death by signal.
        let group = ServiceGroup(services: [service], gracefulShutdownSignals: [], logger: logger)
        // SIGHUP's default action is to die; a reload during start-up applies to the run that follows.
        // The signals are trapped before start-up begins (and so before it can log that it waits
        // for the database), so none can kill the process from here on.
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint, .sighup)
        let startup = Task { try await migrateWhenReachable(runtime, database: database, logger: logger) }
        let reloader = Reloader(path: config.path, service: service, logger: logger)
        let signalHandling = Task {
            for await signal in signals {
                if signal == .sighup {
                    reloader.reload()
                    continue
                }
                logger.notice("received \(signal)")
                startup.cancel()
                await group.triggerGracefulShutdown()
            }
        }
        defer { signalHandling.cancel() }
        do {
            try await startup.value
        } catch is CancellationError {
            logger.notice("stopped during start-up; nothing was polled or delivered")
            await database.close()
            return
        }

        logger.info("worker started", metadata: [
            "partners": "\(runtime.config.partners.map(\.id).joined(separator: ","))",
            "rules": "\(runtime.rules.ruleSet.rules.count)", "listen": "\(runtime.config.listen ?? "off")",
            "database": "\(Redaction.databaseURL(runtime.config.database.url))",
        ])
        if let warning = runtime.config.openConsoleWarning { logger.warning("\(warning)") }
        // A signal that arrived since start-up ended was remembered by the group: it starts and
        // shuts down at once.
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
            } catch let error as PostgresError where error.isConnectionProblem && failures < 30 && !Task.isCancelled {
                failures += 1
                let delay = Backoff.database.delay(afterFailures: failures)
                logger.error("database unreachable at start: \(error); retrying in \(delay)")
                try await Task.sleep(for: delay)
            } catch where Task.isCancelled {
                throw CancellationError()
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

    func reload() {
        logger.info("SIGHUP: reloading \(path)")
        do {
            let config = try ConfigLoader().load(path: path)
            let rules = try LoadedRules.load(paths: config.rules)
            let running = service.settings.settings.config
            try service.reload(config: config, rules: rules)
            // The database client and the health server are built once, at start.
            if config.database.url != running.database.url {
                logger.warning("reload: a new database.url takes effect only after a restart; still using the old database")
            }
            if config.listen != running.listen {
                logger.warning("reload: a new listen address takes effect only after a restart; still serving on \(running.listen ?? "nothing")")
            }
        } catch let diagnostics as Diagnostics {
            for item in diagnostics.items { logger.error("reload refused: \(item)") }
            logger.error("reload refused: \(diagnostics.items.count) problem(s); the previous configuration and rules stay in force")
        } catch {
            logger.error("reload refused: \(error); the previous configuration and rules stay in force")
        }
    }
}
