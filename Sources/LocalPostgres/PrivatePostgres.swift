import Foundation

/// A private PostgreSQL server in a directory of the caller's choosing, for the demo (and anyone
/// trying ChannelWatch without a database): `initdb` with trust authentication for local
/// connections, listening on 127.0.0.1 only. As root it belongs to the `postgres` user, because
/// `initdb` and `postgres` refuse to run as root.
public final class PrivatePostgres: Sendable {
    /// Holds `data/`, `server.log` and the unix socket.
    public let directory: URL
    /// The TCP port on 127.0.0.1.
    public let port: Int
    private let binaries: PostgresBinaries

    private init(directory: URL, port: Int, binaries: PostgresBinaries) {
        self.directory = directory
        self.port = port
        self.binaries = binaries
    }

    /// Creates the cluster afresh in `directory` (anything there is removed first) and starts it.
    public static func start(in directory: URL) async throws -> PrivatePostgres {
        let binaries = try PostgresBinaries.locate()
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The server user must be able to reach the directory through its parents.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        try binaries.handOver(directory)
        try await binaries.run("initdb", ["-D", directory.appendingPathComponent("data").path, "-U", "postgres",
                                          "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"], in: directory)
        var lastError: Error?
        for _ in 0..<5 {
            let server = PrivatePostgres(directory: directory, port: try LoopbackPort.free(), binaries: binaries)
            do {
                let options = "-p \(server.port) -c listen_addresses=127.0.0.1 -k '\(directory.path)' -c fsync=off"
                try await binaries.run("pg_ctl", ["-D", server.dataDirectory, "-l",
                                                  directory.appendingPathComponent("server.log").path,
                                                  "-w", "-t", "60", "-o", options, "start"], in: directory)
                return server
            } catch {
                lastError = error  // the port may have been taken meanwhile
            }
        }
        throw lastError ?? ProcessRunnerError(message: "could not start PostgreSQL in \(directory.path)")
    }

    /// A URI for `database` as the superuser.
    public func connectionString(database: String = "postgres") -> String {
        "postgresql://postgres@127.0.0.1:\(port)/\(database)"
    }

    /// Stops the server (fast shutdown) and waits until it is down.
    public func stop() async throws {
        try await binaries.run("pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], in: directory)
    }

    private var dataDirectory: String { directory.appendingPathComponent("data").path }
}
