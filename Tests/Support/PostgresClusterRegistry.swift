import Foundation
import Logging
import Postgres

/// Where test databases are created: an external server named by the environment, or the
/// process-wide throwaway cluster.
enum PostgresTestServer: Sendable {
    case external(PostgresClient)
    case cluster(PostgresCluster)

    var adminClient: PostgresClient {
        switch self {
        case .external(let client): client
        case .cluster(let cluster): cluster.adminClient
        }
    }
}

/// Starts shared servers at most once per process and cleans every cluster up at exit.
actor PostgresClusterRegistry {
    static let shared = PostgresClusterRegistry()
    /// The file in a cluster directory that names the test process owning it.
    static let ownerFile = "owner.pid"

    private var sharedClusterTask: Task<PostgresCluster, Error>?
    private var serverTask: Task<PostgresTestServer, Error>?

    /// The one throwaway cluster of this process; concurrent callers share one start-up.
    func sharedCluster() async throws -> PostgresCluster {
        if sharedClusterTask == nil {
            sharedClusterTask = Task { try await PostgresCluster.launch() }
        }
        return try await sharedClusterTask!.value
    }

    /// The server `DATABASE_URL` (or the `PG*` variables) names when reachable, else the shared cluster.
    func server() async throws -> PostgresTestServer {
        if serverTask == nil {
            serverTask = Task { try await Self.discoverServer() }
        }
        return try await serverTask!.value
    }

    private static func discoverServer() async throws -> PostgresTestServer {
        let logger = Logger(label: "test.postgres.external")
        if var given = await DatabaseServer.reachableFromEnvironment(applicationName: "channelwatch-test-admin", logger: logger) {
            given.poolSize = 2
            return .external(PostgresClient(given, logger: logger))
        }
        return .cluster(try await PostgresClusterRegistry.shared.sharedCluster())
    }

    // MARK: - Cleanup at exit

    private static let exitList = ClusterExitList()

    /// Remembers `directory` so its server is stopped and the directory deleted at process exit.
    nonisolated static func removeAtExit(_ directory: URL) {
        if exitList.add(directory) {
            atexit { PostgresClusterRegistry.cleanUpAtExit() }
        }
    }

    /// Stops and deletes clusters left behind by test processes that no longer exist (crashes).
    nonisolated static func removeAbandonedClusters() {
        guard exitList.claimAbandonedSweep() else { return }
        let temporary = FileManager.default.temporaryDirectory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        for name in names where name.hasPrefix("channelwatch-pg-") {
            let directory = temporary.appendingPathComponent(name)
            let ownerText = try? String(contentsOf: directory.appendingPathComponent(ownerFile), encoding: .utf8)
            guard let owner = ownerText.flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }),
                owner != getpid(), kill(owner, 0) != 0, errno == ESRCH
            else { continue }
            shutDownAndRemove(directory)
        }
    }

    private static func cleanUpAtExit() {
        for directory in exitList.drain() { shutDownAndRemove(directory) }
    }

    /// Immediate shutdown by signal (SIGQUIT to the postmaster), because at exit there is no
    /// async context left to run pg_ctl in; then the directory goes.
    private static func shutDownAndRemove(_ directory: URL) {
        let pidFile = directory.appendingPathComponent("data/postmaster.pid")
        if let text = try? String(contentsOf: pidFile, encoding: .utf8),
            let line = text.split(separator: "\n").first, let postmaster = Int32(line), postmaster > 0
        {
            kill(postmaster, SIGQUIT)
            for _ in 0..<100 where kill(postmaster, 0) == 0 { usleep(50_000) }
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// The cluster directories to remove at exit, shared between test threads and the atexit handler.
private final class ClusterExitList: @unchecked Sendable {
    // @unchecked Sendable: every property is only read and written while holding `lock`.
    private let lock = NSLock()
    private var directories: [URL] = []
    private var handlerInstalled = false
    private var sweptAbandoned = false

    /// Adds a directory; true exactly once, when the caller must install the atexit handler.
    func add(_ directory: URL) -> Bool {
        lock.withLock {
            directories.append(directory)
            defer { handlerInstalled = true }
            return !handlerInstalled
        }
    }

    func drain() -> [URL] {
        lock.withLock {
            defer { directories.removeAll() }
            return directories
        }
    }

    /// True for the first caller only, so the sweep runs once per process.
    func claimAbandonedSweep() -> Bool {
        lock.withLock {
            defer { sweptAbandoned = true }
            return !sweptAbandoned
        }
    }
}
