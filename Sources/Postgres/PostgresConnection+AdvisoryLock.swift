extension PostgresConnection {
    /// Tries to take the session-level advisory lock `key` without waiting.
    ///
    /// Returns false when another session holds it. The lock belongs to this server session: it
    /// is released by ``advisoryUnlock(_:)`` or when the session ends — including when the
    /// connection is lost, after which the caller must take it again.
    public func tryAdvisoryLock(_ key: Int64) async throws -> Bool {
        // Not cancellable: a cancel arriving just after the lock was granted would leave the
        // caller holding a lock it does not know about.
        let rows = try await onQueue { session in
            try session.run("SELECT pg_try_advisory_lock($1) AS acquired", [.int64(key)]).rows
        }
        return try rows.first?.decode(Bool.self, "acquired") ?? false
    }

    /// Takes the session-level advisory lock `key`, waiting as long as another session holds it.
    /// Cancelling the calling task abandons the wait (`CancellationError`).
    public func advisoryLock(_ key: Int64) async throws {
        _ = try await query("SELECT pg_advisory_lock($1)", [.int64(key)])
    }

    /// Releases one hold of the session-level advisory lock `key`; false if this session did not hold it.
    @discardableResult
    public func advisoryUnlock(_ key: Int64) async throws -> Bool {
        // Not cancellable: unlocking is cleanup that must also run in a cancelled task.
        let rows = try await onQueue { session in
            try session.run("SELECT pg_advisory_unlock($1) AS released", [.int64(key)]).rows
        }
        return try rows.first?.decode(Bool.self, "released") ?? false
    }
}

extension PostgresClient {
    /// Runs `body` while holding the session advisory lock `key` on one pooled connection;
    /// returns nil without running it when another session holds the lock.
    ///
    /// The lock is released afterwards even when `body` throws. It dies with the session: if the
    /// connection is lost inside `body`, another process may take the lock before `body` ends.
    public func withAdvisoryLock<R>(_ key: Int64, _ body: (PostgresConnection) async throws -> R) async throws -> R? {
        try await withConnection { connection in
            guard try await connection.tryAdvisoryLock(key) else { return nil }
            let result: R
            do {
                result = try await body(connection)
            } catch {
                _ = try? await connection.advisoryUnlock(key)
                throw error
            }
            try await connection.advisoryUnlock(key)
            return result
        }
    }
}
