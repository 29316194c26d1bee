/// An error from the Postgres module: what failed, where, and what the server said.
///
/// Callers classify errors through ``kind`` and ``sqlState`` rather than by matching messages:
/// `error.sqlState == PostgresError.SQLState.uniqueViolation`. Messages never contain the
/// connection password; ``PostgresConfiguration/redactedDescription`` is the only form of the
/// connection string that appears in them.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// The broad class of failure. Extensible, so new kinds do not break `switch`es.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        let name: String

        /// A connection could not be established (server down, wrong password, bad conninfo).
        public static let connectionFailed = Kind(name: "connection failed")
        /// An established connection died while in use (backend terminated, network dropped).
        public static let connectionLost = Kind(name: "connection lost")
        /// The server rejected a statement; ``PostgresError/sqlState`` says why.
        public static let query = Kind(name: "query failed")
        /// A column value could not be turned into the requested Swift type.
        public static let decoding = Kind(name: "decoding failed")
        /// The API was used in a way it does not support (nested transaction, closed client).
        public static let usage = Kind(name: "invalid use")
        /// A schema migration could not be applied; see ``Migrator``.
        public static let migration = Kind(name: "migration failed")

        /// The kind in words, e.g. `connection lost`.
        public var description: String { name }
    }

    /// Well-known SQLSTATE codes, for comparisons that read like English.
    public enum SQLState {
        /// 23505: a unique index or constraint rejected a duplicate.
        public static let uniqueViolation = "23505"
        /// 23503: a foreign key points nowhere.
        public static let foreignKeyViolation = "23503"
        /// 23502: NULL in a NOT NULL column.
        public static let notNullViolation = "23502"
        /// 42601: the SQL does not parse.
        public static let syntaxError = "42601"
        /// 42P01: the table or view does not exist.
        public static let undefinedTable = "42P01"
        /// 40001: serialization failure; the transaction can be retried.
        public static let serializationFailure = "40001"
        /// 40P01: deadlock detected; the transaction can be retried.
        public static let deadlockDetected = "40P01"
        /// 57P01: the backend was terminated by an administrator (pg_terminate_backend).
        public static let adminShutdown = "57P01"
        /// 55P03: a lock could not be obtained (NOWAIT / lock_timeout).
        public static let lockNotAvailable = "55P03"
    }

    /// The broad class of failure.
    public var kind: Kind
    /// The primary message: the server's, or ours when the failure happened client-side.
    public var message: String
    /// The five-character SQLSTATE, when the server sent one.
    public var sqlState: String?
    /// The server's DETAIL line (for a unique violation: the duplicate key).
    public var detail: String?
    /// The server's HINT line: usually what to do about it.
    public var hint: String?
    /// The constraint that was violated, when the server names one.
    public var constraintName: String?
    /// Where it happened: the statement (first line, shortened) or the connection target.
    public var context: String?

    /// Creates an error; the module's own code builds these, tests may too.
    public init(
        kind: Kind, message: String, sqlState: String? = nil, detail: String? = nil,
        hint: String? = nil, constraintName: String? = nil, context: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.constraintName = constraintName
        self.context = context
    }

    /// True when the connection died while in use. The failed statement may or may not have run;
    /// it is never re-sent automatically. The pool reconnects on the next call.
    public var isConnectionLost: Bool { kind == .connectionLost }

    /// True for connection problems of either kind: worth retrying later, not a bug in the SQL.
    public var isConnectionProblem: Bool { kind == .connectionLost || kind == .connectionFailed }

    /// One line per fact: `query failed [23505]: duplicate key ... (detail: ...) (while: INSERT ...)`.
    public var description: String {
        var text = "postgres: \(kind)"
        if let sqlState { text += " [\(sqlState)]" }
        text += ": \(message)"
        if let detail, !detail.isEmpty { text += " (detail: \(detail))" }
        if let hint, !hint.isEmpty { text += " (hint: \(hint))" }
        if let context, !context.isEmpty { text += " (while: \(context))" }
        return text
    }
}

extension PostgresError {
    /// A short, single-line rendering of a statement for error contexts and logs.
    /// The SQL text is safe to show: values travel separately as parameters.
    static func statementSummary(_ sql: String, limit: Int = 120) -> String {
        let collapsed = sql.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        guard collapsed.count > limit else { return collapsed }
        return String(collapsed.prefix(limit)) + "…"
    }

    static func usage(_ message: String) -> PostgresError {
        PostgresError(kind: .usage, message: message)
    }
}
