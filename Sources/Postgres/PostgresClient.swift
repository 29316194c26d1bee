import Logging

/// The entry point: a small pool of PostgreSQL connections with query, transaction and
/// advisory-lock helpers.
///
/// Connections open lazily on first use. A call whose connection died throws an error with
/// ``PostgresError/isConnectionLost``; the statement is never re-sent, and the next call
/// reconnects. Call ``close()`` before dropping the client.
public final class PostgresClient: Sendable {
    /// The settings the pool opens connections with.
    public let configuration: PostgresConfiguration
    private let logger: Logger
    private let pool: PostgresConnectionPool

    /// Creates a client; no connection is opened until the first call.
    public init(_ configuration: PostgresConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.pool = PostgresConnectionPool(configuration: configuration, logger: logger)
    }

    /// Runs a parameterised statement on a pooled connection and returns its rows.
    public func query(_ sql: String, _ parameters: [PostgresValue] = []) async throws -> [PostgresRow] {
        try await withConnection { try await $0.query(sql, parameters) }
    }

    /// Runs a parameterised statement on a pooled connection; returns the number of affected rows.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [PostgresValue] = []) async throws -> Int {
        try await withConnection { try await $0.execute(sql, parameters) }
    }

    /// Lends one connection exclusively to `body`, waiting for a free one if all are busy.
    ///
    /// The connection goes back to the pool when `body` returns or throws; do not keep it.
    @discardableResult
    public func withConnection<R>(_ body: (PostgresConnection) async throws -> R) async throws -> R {
        let connection = try await pool.lease()
        do {
            try await connection.prepareForUse()
            let result = try await body(connection)
            await pool.release(connection)
            return result
        } catch {
            await pool.release(connection)
            throw error
        }
    }

    /// Runs `body` in a transaction on one pooled connection: COMMIT on return, ROLLBACK and
    /// rethrow on throw. See ``PostgresConnection/transaction(_:)``.
    @discardableResult
    public func transaction<R>(_ body: (PostgresConnection) async throws -> R) async throws -> R {
        try await withConnection { try await $0.transaction(body) }
    }

    /// Closes idle connections now and busy ones as they are returned; later calls throw.
    public func close() async {
        await pool.close()
    }
}
