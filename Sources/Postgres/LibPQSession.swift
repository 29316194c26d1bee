import CLibPQ
import Foundation
import Logging

/// The one owner of a `PGconn*`: connecting, resetting, running statements, finishing.
///
/// Every method blocks in libpq, so this type is confined to its ``PostgresConnection``'s
/// serial queue and is deliberately not `Sendable`.
final class LibPQSession {
    let configuration: PostgresConfiguration
    let logger: Logger
    let notices: NoticeForwarder
    /// Shared with cancellation handlers on other threads; see ``StatementCanceller``.
    let canceller = StatementCanceller()
    private(set) var handle: OpaquePointer?

    init(configuration: PostgresConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.notices = NoticeForwarder(logger: logger)
    }

    deinit { finish() }

    /// Opens the connection (PQconnectdbParams) and prepares the session.
    func establish() throws {
        guard PostgresConfiguration.parse(configuration.connectionString) != nil else {
            throw PostgresError(
                kind: .connectionFailed,
                message: "the connection string is not valid libpq syntax: "
                    + PostgresConfiguration.parseFailureReason(configuration.connectionString),
                hint: "use a postgresql:// URI or a conninfo like \"host=... dbname=...\"")
        }
        let keywords = configuration.connectionKeywords
        let connection = withCStringArray(keywords.map(\.0)) { names in
            withCStringArray(keywords.map(\.1)) { values in
                PQconnectdbParams(names, values, 1)  // 1: expand "dbname" as a URI/conninfo
            }
        }
        guard let connection else {
            throw PostgresError(kind: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let error = connectionFailure(libpqMessage: String(cString: PQerrorMessage(connection)))
            PQfinish(connection)
            throw error
        }
        handle = connection
        try prepareSession(connection)
    }

    /// Makes the session ready for a new lease: notices a connection the server has closed,
    /// reconnects it (PQreset) and rolls back a transaction a previous holder left open.
    func prepareForUse() throws {
        guard let connection = handle else { return try establish() }
        if PQstatus(connection) == CONNECTION_OK { drainIdleInput(connection) }
        if PQstatus(connection) != CONNECTION_OK || notices.sessionEndedByServer != nil {
            logger.warning(
                "postgres connection was lost; reconnecting",
                metadata: ["postgres.target": "\(configuration.redactedDescription)"])
            PQreset(connection)
            guard PQstatus(connection) == CONNECTION_OK else {
                throw connectionFailure(libpqMessage: String(cString: PQerrorMessage(connection)))
            }
            try prepareSession(connection)
        }
        let transactionStatus = PQtransactionStatus(connection)
        if transactionStatus == PQTRANS_INTRANS || transactionStatus == PQTRANS_INERROR {
            logger.warning("postgres connection was returned inside a transaction; rolling it back")
            _ = try run("ROLLBACK", [])
        }
    }

    /// Runs one parameterised statement and materialises its rows.
    func run(_ sql: String, _ parameters: [PostgresValue]) throws -> LibPQResult {
        let connection = try liveHandle()
        var texts: [String?] = []
        for (index, parameter) in parameters.enumerated() {
            let text = parameter.textRepresentation
            if let text, Self.containsNUL(text) {
                throw PostgresError(
                    kind: .usage, message: "parameter $\(index + 1) contains a NUL byte, which PostgreSQL text cannot store",
                    context: PostgresError.statementSummary(sql))
            }
            texts.append(text)
        }
        let types = parameters.map { $0.dataType.oid }
        let result = withOptionalCStringArray(texts) { values in
            PQexecParams(connection, sql, Int32(parameters.count), types, values, nil, nil, 0)
        }
        return try consume(result, sql: sql)
    }

    /// Whether `text` holds a NUL byte, found with `memchr` (a byte-by-byte search was 4 % of a
    /// first poll's CPU: the documents of 2,000 snapshots go through it per statement).
    static func containsNUL(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return false }
            return memchr(base, 0, bytes.count) != nil
        }
    }

    /// Runs a multi-statement script through the simple query protocol (PQexec); no parameters.
    func runScript(_ sql: String) throws -> LibPQResult {
        let connection = try liveHandle()
        guard !Self.containsNUL(sql) else {
            throw PostgresError(kind: .usage, message: "the script contains a NUL byte")
        }
        return try consume(PQexec(connection, sql), sql: sql)
    }

    /// Closes the connection; later calls fail with a usage error.
    func finish() {
        canceller.update(from: nil)
        if let handle { PQfinish(handle) }
        handle = nil
    }

    func liveHandle() throws -> OpaquePointer {
        guard let handle else { throw PostgresError.usage("the connection is closed") }
        return handle
    }

    private func consume(_ result: OpaquePointer?, sql: String) throws -> LibPQResult {
        let connection = try liveHandle()
        guard let result else { throw statementFailure(nil, connection: connection, sql: sql) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return LibPQResult(result)
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            throw PostgresError(
                kind: .usage, message: "COPY is not supported through query/execute",
                context: PostgresError.statementSummary(sql))
        default:
            throw statementFailure(result, connection: connection, sql: sql)
        }
    }

    /// Session settings the decoders rely on; re-applied after every reconnect.
    private func prepareSession(_ connection: OpaquePointer) throws {
        notices.install(on: connection)
        notices.resetSessionEnded()
        canceller.update(from: connection)
        // Timestamps are parsed from ISO output; any other DateStyle would misread dates.
        _ = try consume(PQexec(connection, "SET DateStyle TO 'ISO, MDY'"), sql: "SET DateStyle")
    }

    /// Reads whatever the server sent while the connection sat idle. After pg_terminate_backend
    /// or a server shutdown that is a FATAL error message followed by EOF. Reading the EOF flips
    /// PQstatus to CONNECTION_BAD, but the EOF may not have arrived yet (the backend is still
    /// exiting), so the input is also parsed (PQisBusy) to hand the FATAL to ``NoticeForwarder``:
    /// either sign marks the session dead before a statement is sent on it.
    private func drainIdleInput(_ connection: OpaquePointer) {
        let socket = PQsocket(connection)
        var rounds = 0
        while socket >= 0, rounds < 8, clibpq_wait_readable(socket, 0) == 1 {
            rounds += 1
            if PQconsumeInput(connection) == 0 { return }
        }
        _ = PQisBusy(connection)  // parses what was read; notifications stay queued for PQnotifies
    }
}

/// Calls `body` with a NULL-terminated array of C strings that lives for the call.
func withCStringArray<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    withOptionalCStringArray(strings, body)
}

/// Like ``withCStringArray(_:_:)``, with `nil` entries passed as NULL pointers (SQL NULL).
func withOptionalCStringArray<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.flatMap { strdup($0) } }
    defer { copies.forEach { free($0) } }
    return body(copies.map { UnsafePointer($0) } + [nil])
}
