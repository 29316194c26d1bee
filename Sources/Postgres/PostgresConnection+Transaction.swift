import CLibPQ

extension PostgresConnection {
    /// Runs `body` inside `BEGIN` ... `COMMIT`; rolls back and rethrows when `body` throws.
    ///
    /// Transactions do not nest: calling this while a transaction is open throws a
    /// ``PostgresError/Kind/usage`` error before anything is sent. A transaction that the server
    /// aborted (an error inside `body` that `body` caught) is rolled back and reported, never
    /// committed silently.
    @discardableResult
    public func transaction<R>(_ body: (PostgresConnection) async throws -> R) async throws -> R {
        try await onQueue { session in try session.begin() }
        let result: R
        do {
            result = try await body(self)
        } catch {
            await rollbackQuietly()
            throw error
        }
        do {
            try await onQueue { session in try session.commit() }
        } catch {
            await rollbackQuietly()
            throw error
        }
        return result
    }

    /// Best-effort ROLLBACK after a failure; its own failure (e.g. a lost connection, which
    /// rolls back on the server anyway) is logged, not thrown, so the original error survives.
    private func rollbackQuietly() async {
        do {
            try await onQueue { session in try session.rollbackIfOpen() }
        } catch {
            logger.warning("postgres ROLLBACK after a failed transaction also failed: \(error)")
        }
    }
}

extension LibPQSession {
    func begin() throws {
        let status = PQtransactionStatus(try liveHandle())
        guard status == PQTRANS_IDLE else {
            throw PostgresError.usage(
                "transaction() called while a transaction is already open on this connection; "
                    + "transactions do not nest — run the inner work inside the outer transaction's closure")
        }
        _ = try run("BEGIN", [])
    }

    func commit() throws {
        let handle = try liveHandle()
        guard PQtransactionStatus(handle) != PQTRANS_IDLE else {
            throw PostgresError.usage(
                "the transaction was already ended inside transaction() by a COMMIT or ROLLBACK statement; "
                    + "transaction() issues BEGIN/COMMIT itself, so remove them from the SQL")
        }
        guard PQtransactionStatus(handle) != PQTRANS_INERROR else {
            throw PostgresError(
                kind: .query,
                message: "the transaction was aborted by an earlier failed statement and has been rolled back",
                sqlState: "25P02",
                hint: "a statement inside transaction() failed and its error was caught; let it propagate or use a savepoint")
        }
        let result = try run("COMMIT", [])
        guard result.commandStatus == "COMMIT" else {
            throw PostgresError(
                kind: .query, message: "COMMIT was answered with \(result.commandStatus); nothing was committed")
        }
    }

    func rollbackIfOpen() throws {
        guard let handle, PQstatus(handle) == CONNECTION_OK else { return }
        let status = PQtransactionStatus(handle)
        if status == PQTRANS_INTRANS || status == PQTRANS_INERROR {
            _ = try run("ROLLBACK", [])
        }
    }
}
