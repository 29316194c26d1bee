import ArgumentParser
import Config
import Foundation
import Logging
import Postgres
import YAMLSupport

/// `--config`, shared by every command that reads the configuration file.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: $CHANNELWATCH_CONFIG, else ./channelwatch.yml).")
    var config: String?

    /// The path that will be read.
    var path: String { ConfigLoader.resolvePath(config) }

    /// Loads and validates the configuration, or prints every problem and exits 1.
    func load() throws -> ChannelWatchConfig {
        do {
            return try ConfigLoader().load(path: path)
        } catch {
            printToStandardError(error.description)
            printToStandardError("error: \(path): \(error.items.count) problem(s) in the configuration")
            throw ExitCode.failure
        }
    }

    /// The database connection for commands that need only the database: the config file's
    /// `database.url` when a config file is given or present, else `$DATABASE_URL`, else libpq's defaults.
    func databaseConfiguration(poolSize: Int = 4) throws -> PostgresConfiguration {
        let environment = ProcessInfo.processInfo.environment
        if config != nil || environment["CHANNELWATCH_CONFIG"] != nil || FileManager.default.fileExists(atPath: path) {
            return PostgresConfiguration(connectionString: try load().database.url.revealed, poolSize: poolSize)
        }
        return PostgresConfiguration(connectionString: environment["DATABASE_URL"] ?? "", poolSize: poolSize)
    }
}

/// `--json`, for commands that list things.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false
}

/// Files shipped beside the binary: looked up in `$CHANNELWATCH_SHARE_DIR`, next to the installed
/// binary (`../share/channelwatch`), the working directory, and the source tree it was built from.
enum ShippedFiles {
    /// The directory `name` (`sql`, `Rules`, `scenarios`) that holds `marker`.
    static func locate(_ name: String, containing marker: String, override variable: String? = nil) throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [URL] = []
        if let variable, let explicit = environment[variable], !explicit.isEmpty {
            candidates.append(URL(fileURLWithPath: explicit))
        }
        if let share = environment["CHANNELWATCH_SHARE_DIR"], !share.isEmpty {
            candidates.append(URL(fileURLWithPath: share).appendingPathComponent(name))
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(executable.deletingLastPathComponent().appendingPathComponent("../share/channelwatch/\(name)").standardized)
        candidates.append(URL(fileURLWithPath: name))
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(name))
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate.appendingPathComponent(marker).path) {
            return candidate
        }
        printToStandardError("error: \(name)/\(marker) not found (looked in \(candidates.map(\.path).joined(separator: ", ")))"
                             + (variable.map { "; set \($0)" } ?? "; set CHANNELWATCH_SHARE_DIR"))
        throw ExitCode.failure
    }
}

/// Where the numbered SQL migrations are (`$CHANNELWATCH_SQL_DIR` first).
enum MigrationsDirectory {
    static func locate() throws -> URL {
        try ShippedFiles.locate("sql", containing: "001_init.sql", override: "CHANNELWATCH_SQL_DIR")
    }
}

/// A logger for command-line use: readable lines on standard error.
func commandLogger(_ label: String) -> Logger {
    var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = ProcessInfo.processInfo.environment["CHANNELWATCH_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    return logger
}

/// Runs `body` with a database client, closing it afterwards; connection failures become a one-line error.
func withDatabase<R>(_ configuration: PostgresConfiguration, logger: Logger,
                     _ body: (PostgresClient) async throws -> R) async throws -> R {
    let client = PostgresClient(configuration, logger: logger)
    do {
        let result = try await body(client)
        await client.close()
        return result
    } catch let error as PostgresError {
        await client.close()
        printToStandardError("error: database: \(error)")
        throw ExitCode.failure
    } catch {
        await client.close()
        throw error
    }
}
