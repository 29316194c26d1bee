import Alerting
import ArgumentParser
import Config
import Foundation
import Logging
import Notifiers
import Postgres
import Worker
import YAMLSupport

/// `--log-format` and `--log-level`, for the commands that do work (poll, deliver, run, demo).
struct LogOptions: ParsableArguments {
    @Option(name: .customLong("log-format"), help: "text or json (default: $CHANNELWATCH_LOG_FORMAT, else text).")
    var format: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var level: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: level) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        do {
            _ = try LogFormat.resolve(argument: format, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// Installs the log handler for this process (once).
    func bootstrap() {
        let resolved = (try? LogFormat.resolve(argument: format, environment: ProcessInfo.processInfo.environment)) ?? .text
        LoggingSystem.bootstrap { label in
            ChannelWatchLogHandler(label: label, format: resolved, level: Logger.Level(rawValue: level) ?? .info)
        }
    }
}

/// The validated configuration and rules, and what is built from them, for one command.
struct Runtime {
    let config: ChannelWatchConfig
    let rules: LoadedRules
    let logger: Logger

    /// Loads the configuration and its rules; every problem is printed and the command exits 1.
    static func load(_ option: ConfigOption, logger: Logger) throws -> Runtime {
        let config = try option.load()
        do {
            return Runtime(config: config, rules: try LoadedRules.load(paths: config.rules), logger: logger)
        } catch let diagnostics as Diagnostics {
            printToStandardError(diagnostics.description)
            printToStandardError("error: \(diagnostics.items.count) problem(s) in rule files")
            throw ExitCode.failure
        }
    }

    /// The database client of the configuration.
    func database(poolSize: Int = 8) -> PostgresClient {
        PostgresClient(PostgresConfiguration(connectionString: config.database.url.revealed,
                                             applicationName: "channelwatch", poolSize: poolSize), logger: logger)
    }

    /// Applies pending migrations; a failure is a one-line error.
    func migrate(_ database: PostgresClient) async throws {
        let directory = try MigrationsDirectory.locate()
        do {
            for applied in try await Migrator(directory: directory, logger: logger).migrate(using: database) {
                logger.info("applied migration \(applied.version)_\(applied.name)")
            }
        } catch {
            printToStandardError("error: database: \(error)")
            throw ExitCode.failure
        }
    }

    /// The recorder and delivery worker for this configuration.
    func settings(database: PostgresClient, metrics: WorkerMetrics) -> WorkerSettings {
        WorkerSettings(config: config, rules: rules, receivers: ReceiverFactory.make(config.receivers),
                       database: database, metrics: metrics, logger: logger)
    }
}
