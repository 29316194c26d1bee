import Dispatch
import Foundation
import Logging

/// One PostgreSQL session. Every libpq call runs on the connection's own serial queue, never on
/// Swift's cooperative thread pool; the async methods hop there and back.
///
/// Get one from ``PostgresClient/withConnection(_:)`` (pooled, exclusive for the closure's
/// duration) or ``connect(_:logger:)`` (dedicated, e.g. for LISTEN). Session state — advisory
/// locks, LISTEN registrations, `SET`s — lives and dies with the server session: after a
/// reconnect it is gone and must be re-established by the caller.
public final class PostgresConnection: @unchecked Sendable {
    // @unchecked Sendable: the only mutable state is `session` (and the PGconn it owns), which
    // is touched exclusively from blocks running on `queue`, a serial DispatchQueue owned by
    // this connection. `queue` serialises concurrent callers, so a misuse is slow, never unsafe.
    private let queue: DispatchQueue
    private let session: LibPQSession

    /// The settings this connection was opened with.
    public let configuration: PostgresConfiguration
    let logger: Logger

    init(configuration: PostgresConfiguration, logger: Logger, label: String) {
        self.configuration = configuration
        self.logger = logger
        self.queue = DispatchQueue(label: label)
        self.session = LibPQSession(configuration: configuration, logger: logger)
    }

    /// Opens a dedicated connection outside any pool; ``close()`` it when done.
    public static func connect(_ configuration: PostgresConfiguration, logger: Logger) async throws -> PostgresConnection {
        let connection = PostgresConnection(
            configuration: configuration, logger: logger, label: "channelwatch.postgres.dedicated")
        try await connection.onQueue { session in try session.establish() }
        return connection
    }

    /// Runs a parameterised statement and returns its rows.
    ///
    /// Parameters are `$1`, `$2`, ... in the SQL and travel separately from it (text format).
    /// Cancelling the calling task asks the server to cancel the statement (PQcancel); the call
    /// then throws `CancellationError`.
    public func query(_ sql: String, _ parameters: [PostgresValue] = []) async throws -> [PostgresRow] {
        try await onQueueCancellable { session in try session.run(sql, parameters).rows }
    }

    /// Runs a parameterised statement and returns the number of rows it affected.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgresValue] = []) async throws -> Int {
        try await onQueueCancellable { session in try session.run(sql, parameters).affectedRows }
    }

    /// Runs several semicolon-separated statements in one round trip (simple query protocol).
    ///
    /// No parameters are possible, so this is for trusted SQL only: migrations and test setup.
    public func runScript(_ sql: String) async throws {
        _ = try await onQueueCancellable { session in try session.runScript(sql) }
    }

    /// Closes the session; further calls fail with a ``PostgresError/Kind/usage`` error.
    public func close() async {
        _ = try? await onQueue { session in session.finish() }
    }

    /// Opens the session if needed, reconnects it if the server closed it while idle, and rolls
    /// back a transaction left open. Called by the pool before each lease.
    func prepareForUse() async throws {
        try await onQueue { session in try session.prepareForUse() }
    }

    /// Like ``onQueue(_:)``, and cancelling the task cancels the running statement server-side.
    ///
    /// Only for caller-visible statements: BEGIN/COMMIT/ROLLBACK must run to completion even in
    /// a cancelled task, or a rollback after cancellation would itself be cancelled.
    func onQueueCancellable<T: Sendable>(_ work: @escaping @Sendable (LibPQSession) throws -> T) async throws -> T {
        let canceller = session.canceller  // an immutable, lock-protected reference: safe off the queue
        canceller.reset()
        do {
            return try await withTaskCancellationHandler {
                try await onQueue { session in
                    try canceller.statementStarting()
                    defer { canceller.statementFinished() }
                    return try work(session)
                }
            } onCancel: {
                canceller.cancel()
            }
        } catch let error as PostgresError where error.sqlState == "57014" && Task.isCancelled {
            throw CancellationError()
        }
    }

    /// Runs `work` on this connection's queue and resumes the caller with its result.
    func onQueue<T: Sendable>(_ work: @escaping @Sendable (LibPQSession) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try work(self.session) })
            }
        }
    }
}
