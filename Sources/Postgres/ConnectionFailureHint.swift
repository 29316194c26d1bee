/// What to do about a failed connection attempt, read from libpq's message: each known cause has
/// advice of its own, anything else the general checklist.
enum ConnectionFailureHint {
    static let general = "check that PostgreSQL is running and reachable, and the host, port, user, password and sslmode settings"

    /// libpq's message fragment (lowercased) → the advice for it, first match wins.
    static let known: [(fragment: String, hint: String)] = [
        ("password authentication failed",
         "the server refused the password for this user: check the password (database.url_file, PGPASSWORD or .pgpass)"),
        ("no pg_hba.conf entry",
         "the server's pg_hba.conf allows no connection for this host, user and database: add a line for them (e.g. hostssl ... scram-sha-256)"),
        ("server does not support ssl",
         "the server has no TLS but the connection requires it: enable ssl on the server, or use sslmode=prefer or disable for a server on this host"),
        ("root certificate file",
         "sslmode=verify-ca/verify-full needs the CA that signed the server certificate: set sslrootcert=/path/to/ca.pem"),
        ("certificate verify failed",
         "the server certificate is not signed by the CA in sslrootcert, or does not name this host: check both"),
        ("does not match host name",
         "the server certificate does not name the host in the URL: connect by the name on the certificate"),
        ("connection refused",
         "nothing accepts connections at that host and port: check that PostgreSQL runs, its port and listen_addresses"),
        ("could not translate host name",
         "the host name does not resolve: check its spelling and DNS"),
        ("timeout expired",
         "no answer within connect_timeout: check that the host is up and that no firewall drops the connection"),
        ("too many clients", "the server's max_connections is reached: each worker uses a pool of 8 plus one session "
            + "per partner, one LISTEN and one claimer session; raise max_connections or run fewer workers"),
        ("too many connections", "the role's or the database's CONNECTION LIMIT is reached: each worker uses a pool of 8 "
            + "plus one session per partner, one LISTEN and one claimer session; raise the limit or run fewer workers"),
        ("remaining connection slots are reserved", "the server's max_connections is reached (the rest are reserved): "
            + "raise max_connections or run fewer workers"),
        ("the database system is starting up", "the server is starting; the connection is retried"),
        ("the database system is shutting down", "the server is shutting down; the connection is retried"),
        ("the database system is in recovery mode", "the server is recovering after a crash; the connection is retried"),
    ]

    /// The advice for `libpqMessage`; database and role names come from the message itself.
    static func hint(forLibpqMessage libpqMessage: String) -> String {
        let message = libpqMessage.lowercased()
        if message.contains("database \""), message.contains("does not exist") {
            return "the database does not exist: create it (createdb NAME) or fix the database name in the URL"
        }
        if message.contains("role \""), message.contains("does not exist") {
            return "the user does not exist on this server: create it (CREATE ROLE ... LOGIN) or fix the user in the URL"
        }
        return known.first { message.contains($0.fragment) }?.hint ?? general
    }
}
