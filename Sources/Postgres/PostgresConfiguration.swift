import CLibPQ
import Foundation

/// Where and how to connect: a libpq connection string plus pool settings.
///
/// The connection string is anything libpq accepts: a URI
/// (`postgresql://user:secret@db.internal:5432/channelwatch?sslmode=verify-full`), a conninfo
/// (`host=db.internal dbname=channelwatch`), or `""` for libpq's defaults, which read the
/// `PG*` environment variables (`PGHOST`, `PGPASSWORD`, `PGSERVICE`, ...) that operators already use.
/// Log ``redactedDescription``, never the string itself: it may hold a password.
public struct PostgresConfiguration: Sendable {
    /// The libpq URI or conninfo; may contain a password.
    public var connectionString: String
    /// Shown in `pg_stat_activity.application_name`; a value in the connection string wins.
    public var applicationName: String
    /// How many connections the client's pool opens at most.
    public var poolSize: Int
    /// Seconds libpq waits for a connection before giving up; a value in the connection string wins.
    public var connectTimeoutSeconds: Int

    /// Creates a configuration. `poolSize` is clamped to at least 1.
    public init(
        connectionString: String = "", applicationName: String = "channelwatch",
        poolSize: Int = 4, connectTimeoutSeconds: Int = 10
    ) {
        self.connectionString = connectionString
        self.applicationName = applicationName
        self.poolSize = max(1, poolSize)
        self.connectTimeoutSeconds = max(1, connectTimeoutSeconds)
    }

    /// The connection target with the password removed: the only form that is ever logged.
    ///
    /// Renders as `host=db.internal port=5432 dbname=channelwatch user=cw`; an unparseable string
    /// renders as `<unparseable connection string>` because its text could hide a password anywhere.
    public var redactedDescription: String {
        guard let options = Self.parse(connectionString) else { return "<unparseable connection string>" }
        let shown = ["host", "hostaddr", "port", "dbname", "user", "sslmode", "service"]
        let parts = shown.compactMap { key in options[key].map { "\(key)=\($0)" } }
        return parts.isEmpty ? "<libpq defaults (PG* environment)>" : parts.joined(separator: " ")
    }

    /// Removes every spelling of the configured password (and `PGPASSWORD`) from `text`.
    ///
    /// libpq messages can echo parts of the conninfo (an invalid URI, a bad port value), so every
    /// libpq-originated message passes through here before it reaches an error or a log line.
    func redactingSecrets(in text: String) -> String {
        var secrets: [String] = []
        if let password = Self.parse(connectionString)?["password"], !password.isEmpty {
            secrets.append(password)
            if let encoded = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) {
                secrets.append(encoded)
            }
        }
        if let raw = Self.rawURIPassword(in: connectionString), !raw.isEmpty {
            secrets.append(raw)
        }
        if let password = ProcessInfo.processInfo.environment["PGPASSWORD"], !password.isEmpty {
            secrets.append(password)
        }
        var redacted = text
        for secret in secrets.sorted(by: { $0.count > $1.count }) {
            redacted = redacted.replacingOccurrences(of: secret, with: "********")
        }
        return redacted
    }

    /// The password exactly as typed in a `postgresql://user:password@host` URI (still
    /// percent-encoded), which is how libpq would echo it.
    static func rawURIPassword(in connectionString: String) -> String? {
        guard let scheme = connectionString.range(of: "://"),
            connectionString.hasPrefix("postgres")
        else { return nil }
        let afterScheme = connectionString[scheme.upperBound...]
        guard let at = afterScheme.lastIndex(of: "@") else { return nil }
        let userInfo = afterScheme[..<at]
        guard !userInfo.contains("/"), let colon = userInfo.firstIndex(of: ":") else { return nil }
        return String(userInfo[userInfo.index(after: colon)...])
    }

    /// The keyword/value pairs handed to PQconnectdbParams, in precedence order (later wins).
    ///
    /// Defaults come first so that the expanded connection string can override them;
    /// `client_encoding` comes last because the decoder assumes UTF-8. TCP keepalives (probes
    /// after 10 s idle, every 5 s, 3 unanswered) let a worker notice a server that vanished
    /// without closing the connection in about 25 s instead of the system's two hours.
    var connectionKeywords: [(String, String)] {
        [
            ("application_name", applicationName),
            ("connect_timeout", String(connectTimeoutSeconds)),
            ("keepalives", "1"), ("keepalives_idle", "10"), ("keepalives_interval", "5"), ("keepalives_count", "3"),
            ("dbname", connectionString),
            ("client_encoding", "UTF8"),
        ]
    }

    /// Parses with libpq itself, so URIs and conninfo strings follow exactly libpq's rules.
    /// Returns nil when libpq cannot parse the string.
    static func parse(_ connectionString: String) -> [String: String]? {
        if connectionString.isEmpty { return [:] }
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            if let errorMessage { PQfreemem(errorMessage) }
            return nil
        }
        defer { PQconninfoFree(options) }
        var values: [String: String] = [:]
        var cursor = options
        while let keyword = cursor.pointee.keyword {
            if let value = cursor.pointee.val {
                values[String(cString: keyword)] = String(cString: value)
            }
            cursor += 1
        }
        return values
    }

    /// Why libpq could not parse the string, with quoted fragments (which may be secrets) removed.
    static func parseFailureReason(_ connectionString: String) -> String {
        var errorMessage: UnsafeMutablePointer<CChar>?
        if let options = PQconninfoParse(connectionString, &errorMessage) {
            PQconninfoFree(options)
            return "no error"
        }
        guard let errorMessage else { return "out of memory" }
        defer { PQfreemem(errorMessage) }
        let reason = String(cString: errorMessage).trimmingCharacters(in: .whitespacesAndNewlines)
        return reason.replacingOccurrences(of: "\"[^\"]*\"", with: "\"…\"", options: .regularExpression)
    }
}
