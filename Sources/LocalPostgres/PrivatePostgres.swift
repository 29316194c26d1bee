import Foundation

/// A private PostgreSQL server in a directory of the caller's choosing, for the demo, the bench
/// and the tests when no server is reachable: `initdb` with trust authentication for local
/// connections, listening on 127.0.0.1 only. As root it belongs to the `postgres` user, because
/// `initdb` and `postgres` refuse to run as root.
public final class PrivatePostgres: Sendable {
    /// Holds `data/`, `server.log` and the unix socket.
    public let directory: URL
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// The superuser (trust authentication, no password).
    public let superuser = "postgres"
    /// Server settings given at every start (`fsync=off`, `max_connections=400`, ...).
    public let settings: [String]
    private let binaries: PostgresBinaries

    private init(directory: URL, port: Int, settings: [String], binaries: PostgresBinaries) {
        self.directory = directory
        self.port = port
        self.settings = settings
        self.binaries = binaries
    }

    /// Settings for a throwaway server whose data may be lost: no fsync, no full-page writes.
    /// The bench leaves them out: its figures are for a durable server.
    public static let disposableSettings = ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]

    /// Creates the cluster afresh in `directory` (anything there is removed first) and starts it.
    ///
    /// - Parameters:
    ///   - settings: `name=value` server settings for every start.
    ///   - beforeFirstStart: runs on the data directory after `initdb` (to edit `pg_hba.conf`, say).
    public static func start(in directory: URL, settings: [String] = disposableSettings,
                             beforeFirstStart: (URL) throws -> Void = { _ in }) async throws -> PrivatePostgres {
        let binaries = try PostgresBinaries.locate()
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The server user must be able to reach the directory through its parents.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        try binaries.handOver(directory)
        let data = directory.appendingPathComponent("data")
        try await binaries.run("initdb", ["-D", data.path, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                                          "--no-locale", "--no-sync"], in: directory)
        try beforeFirstStart(data)
        var lastError: Error?
        for _ in 0..<5 {
            let server = PrivatePostgres(directory: directory, port: try LoopbackPort.free(), settings: settings,
                                         binaries: binaries)
            do {
                try await server.start()
                return server
            } catch {
                lastError = error  // another process may have taken the port between probing and binding it
            }
        }
        throw lastError ?? ProcessRunnerError(message: "could not start PostgreSQL in \(directory.path)")
    }

    /// Starts the server (again) on the same port and waits until it accepts connections.
    public func start() async throws {
        let options = (["-p \(port)", "-c listen_addresses=127.0.0.1", "-k '\(directory.path)'"]
            + settings.map { "-c \($0)" }).joined(separator: " ")
        try await binaries.run("pg_ctl", ["-D", dataDirectory, "-l", directory.appendingPathComponent("server.log").path,
                                          "-w", "-t", "60", "-o", options, "start"], in: directory)
    }

    /// A URI for `database` as the superuser.
    public func connectionString(database: String = "postgres") -> String {
        "postgresql://\(superuser)@127.0.0.1:\(port)/\(database)"
    }

    /// Stops the server (fast shutdown: sessions are terminated) and waits until it is down.
    public func stop() async throws {
        try await binaries.run("pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], in: directory)
    }

    /// The server log so far, for failure messages.
    public func serverLog() -> String {
        (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
    }

    private var dataDirectory: String { directory.appendingPathComponent("data").path }
}
