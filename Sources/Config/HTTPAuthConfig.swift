/// `http_auth:` — who may use the console, the JSON API and `/metrics` on `listen`. When it is
/// set, every request there needs a user's password (HTTP Basic, checked against a bcrypt hash)
/// or a bearer token; `/healthz` and `/readyz` stay open for probes and say only whether the
/// worker is alive and ready.
public struct HTTPAuthConfig: Sendable {
    /// A console user: HTTP Basic with a password checked against a bcrypt hash.
    public struct User: Sendable {
        public var username: String
        /// `$2a$`, `$2b$` or `$2y$` bcrypt hash (`channelwatch hash-password` or `htpasswd -nB` makes one).
        public var passwordHash: Secret

        public init(username: String, passwordHash: Secret) {
            self.username = username
            self.passwordHash = passwordHash
        }
    }

    /// An API client (Grafana, a script): `Authorization: Bearer <token>`.
    public struct BearerToken: Sendable {
        /// Who uses it, for logs and the silences it creates.
        public var name: String
        public var token: Secret

        public init(name: String, token: Secret) {
            self.name = name
            self.token = token
        }
    }

    public var users: [User]
    public var bearerTokens: [BearerToken]

    public init(users: [User] = [], bearerTokens: [BearerToken] = []) {
        self.users = users
        self.bearerTokens = bearerTokens
    }

    /// The shortest bearer token accepted: long enough that guessing it is hopeless.
    public static let minimumTokenLength = 16

    /// Whether `hash` is a bcrypt hash ChannelWatch can check: `$2a$`, `$2b$` or `$2y$`, a cost
    /// of 04–31, and 53 characters of salt and digest.
    public static func isBcryptHash(_ hash: String) -> Bool {
        let characters = Array(hash)
        guard characters.count == 60, hash.hasPrefix("$2"), ["a", "b", "y"].contains(characters[2]), characters[3] == "$",
              let cost = Int(String(characters[4...5])), (4...31).contains(cost), characters[6] == "$" else { return false }
        return characters[7...].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "/") }
    }
}

extension ChannelWatchConfig {
    /// Why `listen` is exposed without `http_auth`, for `check` and `run` to warn; nil when
    /// `listen` is off, on loopback (127.x, ::1, localhost), or protected.
    public var openConsoleWarning: String? {
        guard let listen, httpAuth == nil else { return nil }
        var host = listen.split(separator: ":", omittingEmptySubsequences: false).dropLast().joined(separator: ":")
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasPrefix("127.") || host == "::1" || host == "localhost" { return nil }
        return "'listen: \(listen)' is not a loopback address and 'http_auth' is not set: whoever reaches it reads every "
            + "alert, channel and delivery of the console and the API (changes stay loopback-only); set 'http_auth' "
            + "or listen on 127.0.0.1"
    }
}
