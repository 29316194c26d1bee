import Foundation

/// Finds initdb/pg_ctl and runs them as the `postgres` user when the tests run as root
/// (PostgreSQL refuses to run as root).
public struct PostgresBinaries: Sendable {
    public let directory: String
    public let runAsPostgresUser: Bool

    /// `POSTGRES_BIN_DIR`, else the newest `/usr/lib/postgresql/*/bin`, else `pg_ctl` on PATH.
    public static func locate() throws -> PostgresBinaries {
        let runAsPostgresUser = geteuid() == 0
        if let configured = ProcessInfo.processInfo.environment["POSTGRES_BIN_DIR"], !configured.isEmpty {
            return PostgresBinaries(directory: configured, runAsPostgresUser: runAsPostgresUser)
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        if let newest = versions.compactMap(Int.init).sorted().last {
            return PostgresBinaries(directory: "/usr/lib/postgresql/\(newest)/bin", runAsPostgresUser: runAsPostgresUser)
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for entry in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(entry)/pg_ctl") {
            return PostgresBinaries(directory: String(entry), runAsPostgresUser: runAsPostgresUser)
        }
        throw ProcessRunnerError(
            message: "no PostgreSQL server binaries found (looked in $POSTGRES_BIN_DIR, /usr/lib/postgresql/*/bin, PATH); "
                + "install postgresql or set DATABASE_URL to a reachable server")
    }

    /// Gives `directory` to the postgres user so initdb and the server can write there.
    public func handOver(_ directory: URL) throws {
        guard runAsPostgresUser else { return }
        try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: directory.path)
    }

    /// Runs one of the server programs; throws with its output when it fails.
    public func run(_ program: String, _ arguments: [String], in workingDirectory: URL) async throws {
        let binary = "\(directory)/\(program)"
        var environment = ProcessInfo.processInfo.environment
        // PG* variables meant for the tests' client connections must not steer initdb/pg_ctl.
        for key in environment.keys where key.hasPrefix("PG") { environment[key] = nil }
        let result: ProcessResult
        if runAsPostgresUser {
            result = try await ProcessRunner.run(
                Self.runuser, ["-u", "postgres", "--", binary] + arguments,
                environment: environment, workingDirectory: workingDirectory)
        } else {
            result = try await ProcessRunner.run(
                binary, arguments, environment: environment, workingDirectory: workingDirectory)
        }
        guard result.succeeded else {
            throw ProcessRunnerError(
                message: "\(program) \(arguments.joined(separator: " ")) failed with exit code \(result.exitCode)"
                    + (result.timedOut ? " (timed out)" : "") + ":\n" + result.standardError + result.standardOutput)
        }
    }

    private static var runuser: String {
        ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"].first(where: FileManager.default.isExecutableFile)
            ?? "/usr/sbin/runuser"
    }
}
