import CLibPQ
import Foundation

extension LibPQSession {
    /// A failed statement: the server's diagnostics, or libpq's message when the server never answered.
    func statementFailure(_ result: OpaquePointer?, connection: OpaquePointer, sql: String) -> PostgresError {
        let sqlState = result.flatMap { errorField($0, CLIBPQ_DIAG_SQLSTATE) }
        let libpqMessage = configuration.redactingSecrets(in: singleLine(String(cString: PQerrorMessage(connection))))
        let lost = PQstatus(connection) != CONNECTION_OK || sqlState.map(Self.meansConnectionLost) == true
        var error = PostgresError(
            kind: lost ? .connectionLost : .query,
            message: result.flatMap { errorField($0, CLIBPQ_DIAG_MESSAGE_PRIMARY) }
                ?? (libpqMessage.isEmpty ? "no result from the server" : libpqMessage),
            sqlState: sqlState,
            detail: result.flatMap { errorField($0, CLIBPQ_DIAG_MESSAGE_DETAIL) },
            hint: result.flatMap { errorField($0, CLIBPQ_DIAG_MESSAGE_HINT) },
            constraintName: result.flatMap { errorField($0, CLIBPQ_DIAG_CONSTRAINT_NAME) },
            context: PostgresError.statementSummary(sql))
        if lost {
            error.hint = "the connection to \(configuration.redactedDescription) was lost; the statement may or "
                + "may not have run and was not retried; the next call reconnects"
        }
        return error
    }

    /// A connection attempt that failed, with libpq's reason minus anything secret.
    func connectionFailure(libpqMessage: String) -> PostgresError {
        PostgresError(
            kind: .connectionFailed,
            message: "could not connect to \(configuration.redactedDescription): "
                + configuration.redactingSecrets(in: singleLine(libpqMessage)),
            hint: ConnectionFailureHint.hint(forLibpqMessage: libpqMessage))
    }

    /// SQLSTATEs after which the session is gone: class 08 (connection exception) and the
    /// 57P0x shutdown family (admin_shutdown, crash_shutdown, cannot_connect_now).
    static func meansConnectionLost(_ sqlState: String) -> Bool {
        sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }

    private func singleLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
            .joined(separator: "; ")
    }
}
